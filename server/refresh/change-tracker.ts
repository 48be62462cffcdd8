/**
 * Which months of service changed in the host tables, found from indexed columns only, so that a
 * refresh pass costs the host database almost nothing when nothing changed (docs/model.md, "Freshness").
 *
 * Each pre-aggregation partition's refresh key reads this tracker's own small table
 * (`<pre-aggregations schema>.scu_change_log`, one row per month of service plus one row that stands for
 * every month): the key changes exactly when the tracker bumps the month's version, and Cube then
 * rebuilds that month's partitions and nothing else. A tick of the tracker:
 *   1. reads the host's high-water marks: MAX(id) of visits, items and payment applications (primary
 *      keys), the number of rows in the newest id window of each (late commits with lower ids), the
 *      newest `updated_at` of visits and items with the number of rows at it, and a fingerprint of the
 *      small name tables (providers, payors, case types, service codes);
 *   2. when a mark moved, locates the months (and clinics) of the rows past it through primary-key
 *      and index lookups, and bumps those months; a renamed provider, payor, case type or code bumps
 *      every month (the names are in every partition);
 *   3. every `reconcileEverySeconds`, a reconciliation catches what marks cannot see: deleted rows, a
 *      visit moved to another date, an item, application or payment edited in place without touching
 *      `updated_at`. It compares per-month fingerprints (counts and sums) of visits, items and
 *      applications with the last reconciliation's and bumps the months that moved. It reads whole
 *      tables, so it runs rarely (an hour by default); its cost is logged and measured (BENCHMARKS.md).
 * Its state (the marks) lives beside the log, so a restarted worker resumes where the last one stopped.
 * Without the recommended index on `updated_at` (docs/model.md, "Indexes for the host database") step 1
 * scans the visits and items; it still works, slower, and the pass's logged `dbMs` shows it.
 */

/** Runs one SQL statement on the source database (Cube's own driver) and returns its rows. */
export type RunSql = (sql: string) => Promise<Record<string, unknown>[]>;

export type Dialect = 'mysql' | 'duckdb';

/** The log row that stands for every month: a key reads it beside its own month's row. */
export const EVERY_MONTH = '1900-01-01';
export const CHANGE_LOG_TABLE = 'scu_change_log';
const STATE_TABLE = 'scu_change_state';
/** Ids below the newest one that are re-counted each tick: a transaction that commits late gets an id
 * lower than rows already seen, and only this window's row count reveals it. */
const LATE_ID_WINDOW = 10_000n;

export interface ChangeTrackerOptions {
  dialect: Dialect;
  schema: string;
  run: RunSql;
  /** Seconds between reconciliations (0 never). */
  reconcileEverySeconds: number;
  /** Seconds between reads of `updated_at` when the host has no index on it (each read scans the
   * visits and the items); with the index it is read every pass. */
  unindexedEditsEverySeconds?: number;
  now?: () => number;
}

export interface TrackerPass {
  /** Months of service bumped (YYYY-MM-01), or `['*']` when every month was. */
  months: string[];
  clinics: number[];
  reconciled: boolean;
  /** Wall time spent in this pass's SQL. */
  dbMs: number;
}

type Marks = Record<string, string>;

const ID_TABLES = [
  ['visits', 'purchases'],
  ['items', 'purchase_items'],
  ['applications', 'payment_applications'],
] as const;
const UPDATED_TABLES = [
  ['visits', 'purchases'],
  ['items', 'purchase_items'],
] as const;

/** SQL that maps a row of `table` (aliased) to its visit's clinic and month of service (yyyymm). */
const MONTH_OF = `EXTRACT(YEAR FROM p.purchased_on) * 100 + EXTRACT(MONTH FROM p.purchased_on)`;
const LOCATE_FROM: Record<(typeof ID_TABLES)[number][0], string> = {
  visits: `purchases p`,
  items: `purchase_items t JOIN purchases p ON p.id = t.purchase_id AND p.clinic_id = t.clinic_id`,
  applications: `payment_applications t
    JOIN purchase_items i ON i.id = t.purchase_item_id AND i.clinic_id = t.clinic_id
    JOIN purchases p ON p.id = i.purchase_id AND p.clinic_id = i.clinic_id`,
};

function names(): string {
  // Only the columns the report shows: the row count and a sum of a 16-bit hash of each row.
  // CONCAT, not ||: MySQL reads || as OR.
  const digit = (hash: string, position: number) => `(INSTR('0123456789abcdef', SUBSTRING(${hash}, ${position}, 1)) - 1)`;
  const fingerprint = (table: string, row: string) => {
    const hash = `MD5(${row})`;
    const sum = `SUM(${digit(hash, 1)} * 4096 + ${digit(hash, 2)} * 256 + ${digit(hash, 3)} * 16 + ${digit(hash, 4)})`;
    return `(SELECT CONCAT(CAST(COUNT(*) AS CHAR), '/', CAST(COALESCE(${sum}, 0) AS CHAR)) FROM ${table})`;
  };
  return `CONCAT(${[
    fingerprint('providers', `CONCAT(id, '|', first_name, '|', last_name, '|', COALESCE(credentials, ''))`),
    fingerprint('payors', `CONCAT(id, '|', name)`),
    fingerprint('case_types', `CONCAT(id, '|', name)`),
    fingerprint('service_codes', `CONCAT(id, '|', code, '|', description, '|', code_type, '|', billable)`),
  ].join(`, ';', `)})`;
}

/** The same names with the same values, in any order. */
function sameMarks(a: Marks, b: Marks): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value));
const bigint = (value: string): bigint => (value === '' ? 0n : BigInt(value));

function yyyymmToMonth(value: unknown): string {
  const n = Number(value);
  return `${Math.floor(n / 100)}-${String(n % 100).padStart(2, '0')}-01`;
}

function assertTimestamp(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value)) throw new Error(`unexpected timestamp ${value}`);
  return value.slice(0, 19).replace('T', ' ');
}

export class ChangeTracker {
  private marks: Marks | undefined;
  private lastReconcile = 0;
  private lastVersion = 0;
  private lastEditsRead = 0;
  private updatedAtIndexed: boolean | undefined;
  private readonly now: () => number;

  constructor(private readonly options: ChangeTrackerOptions) {
    this.now = options.now ?? Date.now;
  }

  private get log() {
    return `${this.options.schema}.${CHANGE_LOG_TABLE}`;
  }

  private get state() {
    return `${this.options.schema}.${STATE_TABLE}`;
  }

  private async run(sql: string, clock: { ms: number }): Promise<Record<string, unknown>[]> {
    const started = performance.now();
    try {
      return await this.options.run(sql);
    } finally {
      clock.ms += performance.now() - started;
    }
  }

  /** Whether `updated_at` is read this pass: always where it is indexed (or on DuckDB, which scans
   * columns cheaply), else every `unindexedEditsEverySeconds`. */
  private async editsDue(clock: { ms: number }): Promise<boolean> {
    if (this.updatedAtIndexed === undefined) {
      if (this.options.dialect === 'duckdb') this.updatedAtIndexed = true;
      else {
        const [row] = await this.run(
          `SELECT COUNT(DISTINCT table_name) AS n FROM information_schema.statistics
            WHERE table_schema = DATABASE() AND table_name IN ('purchases', 'purchase_items')
              AND column_name = 'updated_at' AND seq_in_index = 1`,
          clock,
        );
        this.updatedAtIndexed = Number(row?.n) === 2;
      }
    }
    if (this.updatedAtIndexed) return true;
    const every = (this.options.unindexedEditsEverySeconds ?? 300) * 1000;
    if (this.now() - this.lastEditsRead < every) return false;
    this.lastEditsRead = this.now();
    return true;
  }

  /** Whether the host has the recommended `updated_at` indexes (known after the first pass). */
  get editsIndexed(): boolean | undefined {
    return this.updatedAtIndexed;
  }

  /** Creates the log and state tables when missing. Any process may call it (idempotent). */
  async ensureTables(): Promise<void> {
    const clock = { ms: 0 };
    // Created only when missing: a plugin user granted rights on that schema alone may not CREATE one.
    const [exists] = await this.run(
      `SELECT COUNT(*) AS n FROM information_schema.schemata WHERE schema_name = '${this.options.schema}'`,
      clock,
    );
    if (Number(exists?.n ?? 0) === 0) await this.run(`CREATE SCHEMA ${this.options.schema}`, clock);
    await this.run(
      `CREATE TABLE IF NOT EXISTS ${this.log} (month_start DATE NOT NULL PRIMARY KEY, version BIGINT NOT NULL, changed_at TIMESTAMP NOT NULL)`,
      clock,
    );
    await this.run(`CREATE TABLE IF NOT EXISTS ${this.state} (name VARCHAR(64) NOT NULL PRIMARY KEY, value VARCHAR(255) NOT NULL)`, clock);
  }

  /** The host's high-water marks now (step 1). */
  private async readMarks(saved: Marks | undefined, clock: { ms: number }): Promise<Marks> {
    const parts: string[] = [];
    for (const [key, table] of ID_TABLES) {
      parts.push(`(SELECT CAST(MAX(id) AS CHAR) FROM ${table}) AS ${key}_max_id`);
    }
    const edits = await this.editsDue(clock);
    for (const [key, table] of UPDATED_TABLES) {
      if (edits) parts.push(`(SELECT CAST(MAX(updated_at) AS CHAR) FROM ${table}) AS ${key}_updated`);
    }
    parts.push(`${names()} AS names`);
    const [row] = await this.run(`SELECT ${parts.join(',\n  ')}`, clock);
    const marks: Marks = {};
    for (const [key, value] of Object.entries(row ?? {})) marks[key] = text(value);
    // Second round: what depends on the first (window counts, rows at the newest updated_at).
    const more: string[] = [];
    for (const [key, table] of ID_TABLES) {
      const max = bigint(marks[`${key}_max_id`] ?? '');
      const window = (top: bigint) => `(SELECT COUNT(*) FROM ${table} WHERE id > ${top - LATE_ID_WINDOW} AND id <= ${top})`;
      more.push(`${window(max)} AS ${key}_window`);
      // The last pass's window counted again: more (or fewer) rows there means a late commit (or a delete).
      const savedMax = saved?.[`${key}_max_id`];
      if (savedMax !== undefined && bigint(savedMax) !== max) more.push(`${window(bigint(savedMax))} AS ${key}_window_again`);
    }
    for (const [key, table] of UPDATED_TABLES) {
      if (!edits) {
        // Not read this pass: the saved marks stand.
        marks[`${key}_updated`] = saved?.[`${key}_updated`] ?? '';
        marks[`${key}_at_updated`] = saved?.[`${key}_at_updated`] ?? '0';
        continue;
      }
      const at = marks[`${key}_updated`];
      more.push(
        at ? `(SELECT COUNT(*) FROM ${table} WHERE updated_at = '${assertTimestamp(at)}') AS ${key}_at_updated` : `0 AS ${key}_at_updated`,
      );
    }
    const [counts] = await this.run(`SELECT ${more.join(', ')}`, clock);
    for (const [key, value] of Object.entries(counts ?? {})) marks[key] = text(value);
    // Where the newest id did not move, the last pass's window is this pass's (counted once).
    for (const [key] of ID_TABLES) marks[`${key}_window_again`] ??= marks[`${key}_window`] ?? '';
    return marks;
  }

  private async loadMarks(clock: { ms: number }): Promise<Marks | undefined> {
    const rows = await this.run(`SELECT name, value FROM ${this.state}`, clock);
    if (rows.length === 0) return undefined;
    return Object.fromEntries(rows.map((r) => [text(r.name), text(r.value)]));
  }

  /** Writes rows keyed by their first column in one statement: inserted, or updated where the key exists. */
  private async upsert(table: string, columns: string[], rows: string[], clock: { ms: number }): Promise<void> {
    if (rows.length === 0) return;
    const [key, ...rest] = columns;
    const update =
      this.options.dialect === 'mysql'
        ? `ON DUPLICATE KEY UPDATE ${rest.map((c) => `${c} = VALUES(${c})`).join(', ')}`
        : `ON CONFLICT (${key}) DO UPDATE SET ${rest.map((c) => `${c} = excluded.${c}`).join(', ')}`;
    await this.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${rows.join(', ')} ${update}`, clock);
  }

  /** Replaces one part of the saved state: the marks (`NOT LIKE 'month:%'`) or the reconciliation's
   * per-month fingerprints (`LIKE 'month:%'`). Upserted, and only names no longer in it deleted after:
   * other connections read this table at any moment (every partition's build range is first_month and
   * last_month, model/shared/sql.js), and a DELETE of the part before its INSERT left them missing in
   * between. Under load that gap lasted long enough for Cube to read an empty build range, take the
   * current month as the only partition and answer every query with no rows until its next read. */
  private async replaceState(part: 'LIKE' | 'NOT LIKE', entries: Marks, clock: { ms: number }): Promise<void> {
    const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
    const names = Object.keys(entries).map(quote);
    await this.upsert(
      this.state,
      ['name', 'value'],
      Object.entries(entries).map(([k, v]) => `(${quote(k)}, ${quote(v)})`),
      clock,
    );
    const kept = names.length > 0 ? ` AND name NOT IN (${names.join(', ')})` : '';
    await this.run(`DELETE FROM ${this.state} WHERE name ${part} 'month:%'${kept}`, clock);
  }

  /** Months and clinics of rows past the marks (step 2). */
  private async locate(before: Marks, after: Marks, clock: { ms: number }) {
    const found: Record<string, unknown>[] = [];
    for (const [key] of ID_TABLES) {
      const from = bigint(before[`${key}_max_id`] ?? '');
      const to = bigint(after[`${key}_max_id`] ?? '');
      const late = before[`${key}_window`] !== after[`${key}_window_again`];
      if (from === to && !late) continue;
      // Rows past the old mark; after a late commit (or a delete) below it, the old window's rows too.
      const low = late ? (from < to ? from : to) - LATE_ID_WINDOW : from;
      const alias = key === 'visits' ? 'p' : 't';
      found.push(
        ...(await this.run(
          `SELECT DISTINCT p.clinic_id, ${MONTH_OF} AS ym FROM ${LOCATE_FROM[key]} WHERE ${alias}.id > ${low} AND ${alias}.id <= ${to}`,
          clock,
        )),
      );
    }
    for (const [key] of UPDATED_TABLES) {
      const was = before[`${key}_updated`];
      const is = after[`${key}_updated`];
      if (!is || (was === is && before[`${key}_at_updated`] === after[`${key}_at_updated`])) continue;
      const since = was ? assertTimestamp(was) : '1900-01-01 00:00:00';
      const from = key === 'visits' ? LOCATE_FROM.visits : LOCATE_FROM.items;
      const alias = key === 'visits' ? 'p' : 't';
      // >= : rows updated in the same second as the old mark were not all seen.
      found.push(
        ...(await this.run(`SELECT DISTINCT p.clinic_id, ${MONTH_OF} AS ym FROM ${from} WHERE ${alias}.updated_at >= '${since}'`, clock)),
      );
    }
    const months = [...new Set(found.map((r) => yyyymmToMonth(r.ym)))].sort();
    const clinics = [...new Set(found.map((r) => Number(r.clinic_id)))].sort((a, b) => a - b);
    return { months, clinics };
  }

  /** Per-month fingerprints of visits, items and applications (step 3), compared with the last
   * reconciliation's: a month whose fingerprint moved is bumped (again, if the marks already saw it). */
  private async reconcile(clock: { ms: number }): Promise<string[]> {
    const month = (column: string) => `EXTRACT(YEAR FROM ${column}) * 100 + EXTRACT(MONTH FROM ${column})`;
    const fingerprints = [
      `SELECT ${month('p.purchased_on')} AS ym, CONCAT('v', CAST(COUNT(*) AS CHAR), '/', CAST(SUM(p.id) AS CHAR), '/',
              CAST(SUM(CASE WHEN p.status = 'void' THEN p.id ELSE 0 END) AS CHAR)) AS f
         FROM purchases p GROUP BY ${month('p.purchased_on')}`,
      `SELECT ${month('p.purchased_on')} AS ym, CONCAT('i', CAST(COUNT(*) AS CHAR), '/', CAST(SUM(t.id) AS CHAR), '/',
              CAST(SUM(t.units) AS CHAR), '/', CAST(SUM(t.billed_amount) AS CHAR), '/', CAST(SUM(t.service_code_id + COALESCE(t.rendering_provider_id, 0)) AS CHAR)) AS f
         FROM ${LOCATE_FROM.items} GROUP BY ${month('p.purchased_on')}`,
      `SELECT ${month('p.purchased_on')} AS ym, CONCAT('a', CAST(COUNT(*) AS CHAR), '/', CAST(SUM(t.id) AS CHAR), '/',
              CAST(SUM(t.amount) AS CHAR), '/', CAST(SUM(CASE WHEN pm.source = 'insurance' THEN t.amount ELSE 0 END) AS CHAR)) AS f
         FROM ${LOCATE_FROM.applications} JOIN payments pm ON pm.id = t.payment_id AND pm.clinic_id = t.clinic_id
        GROUP BY ${month('p.purchased_on')}`,
    ];
    const now: Marks = {};
    for (const sql of fingerprints) {
      for (const r of await this.run(sql, clock)) {
        const key = `month:${yyyymmToMonth(r.ym)}`;
        now[key] = `${now[key] ?? ''}${text(r.f)};`;
      }
    }
    const rows = await this.run(`SELECT name, value FROM ${this.state} WHERE name LIKE 'month:%'`, clock);
    const was: Marks = Object.fromEntries(rows.map((r) => [text(r.name), text(r.value)]));
    const months =
      rows.length === 0
        ? []
        : [...new Set([...Object.keys(was), ...Object.keys(now)])]
            .filter((key) => was[key] !== now[key])
            .map((key) => key.slice('month:'.length))
            .sort();
    await this.replaceState('LIKE', now, clock);
    return months;
  }

  private nextVersion(): number {
    this.lastVersion = Math.max(this.now(), this.lastVersion + 1);
    return this.lastVersion;
  }

  private async bump(months: string[], clock: { ms: number }): Promise<void> {
    if (months.length === 0) return;
    const version = this.nextVersion();
    // Upserted, never deleted first: between a DELETE and its INSERT a month's refresh key would read
    // only the every-month row's older version, and an older table of that version could be served.
    await this.upsert(
      this.log,
      ['month_start', 'version', 'changed_at'],
      months.map((m) => `('${m}', ${version}, CURRENT_TIMESTAMP)`),
      clock,
    );
  }

  /** The first and last month of service in the host tables (one index scan; first pass only). */
  private async dateRange(clock: { ms: number }): Promise<{ first: string; last: string }> {
    const [row] = await this.run(
      `SELECT CAST(MIN(purchased_on) AS CHAR) AS first_day, CAST(MAX(purchased_on) AS CHAR) AS last_day FROM purchases`,
      clock,
    );
    const month = (day: unknown) => (day ? `${String(day).slice(0, 7)}-01` : '');
    return { first: month(row?.first_day), last: month(row?.last_day) };
  }

  /** One tick. The first tick of a tracker with no saved marks bumps every month (anything built
   * before it cannot be trusted), records the marks and the range of months, and schedules the first
   * reconciliation (its baseline) one interval later rather than delaying the first build by it. */
  async pass(): Promise<TrackerPass> {
    const clock = { ms: 0 };
    const saved = this.marks ?? (await this.loadMarks(clock));
    if (this.lastReconcile === 0) this.lastReconcile = Number(saved?.reconciled_at ?? 0) || this.now();
    if (this.lastVersion === 0) {
      // Once per tracker: after that only this process writes the log.
      const [row] = await this.run(`SELECT COALESCE(MAX(version), 0) AS v FROM ${this.log}`, clock);
      this.lastVersion = Number(row?.v ?? 0);
    }
    const current = await this.readMarks(saved, clock);
    let months: string[] = [];
    let clinics: number[] = [];
    const everything = saved === undefined || saved.names !== current.names;
    if (!everything && saved) ({ months, clinics } = await this.locate(saved, current, clock));

    let reconciled = false;
    const due = this.options.reconcileEverySeconds > 0 && this.now() - this.lastReconcile >= this.options.reconcileEverySeconds * 1000;
    if (due) {
      const found = await this.reconcile(clock);
      this.lastReconcile = this.now();
      reconciled = true;
      months = [...new Set([...months, ...found])].sort();
    }
    current.reconciled_at = String(this.lastReconcile);

    // The range of months partitions are built for: read once, then widened by what changes.
    const range =
      saved?.first_month !== undefined && saved.first_month !== ''
        ? { first: saved.first_month, last: saved.last_month ?? '' }
        : await this.dateRange(clock);
    for (const month of months) {
      if (range.first === '' || month < range.first) range.first = month;
      if (range.last === '' || month > range.last) range.last = month;
    }
    current.first_month = range.first;
    current.last_month = range.last;

    if (everything) await this.bump([EVERY_MONTH], clock);
    else await this.bump(months, clock);
    const marks = Object.fromEntries(Object.entries(current).filter(([k]) => !k.endsWith('_window_again')));
    // Compared by value, whatever the order of the keys: readMarks adds them in another order on a pass
    // that reads `updated_at` (every unindexedEditsEverySeconds without the index) than on one that does
    // not, which made two idle passes in each such interval rewrite the whole state.
    if (saved === undefined || !sameMarks(saved, marks)) await this.replaceState('NOT LIKE', marks, clock);
    this.marks = marks;
    return { months: everything ? ['*'] : months, clinics, reconciled, dbMs: Math.round(clock.ms) };
  }
}
