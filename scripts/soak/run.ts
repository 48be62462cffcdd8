/**
 * The soak's core (issue 13, item 4): `runSoak` sends concurrent simulated dashboard users against a
 * running server for a while and returns what happened. `npm run soak` (soak.ts) runs it against a server
 * it starts or one given by --url; test/integration/soak.test.ts runs a short one in CI.
 *
 * A user is a session: a clinic, a role (owner, billing, or one of the clinic's providers) and its token
 * (server/security/tokens.ts), then the report page loaded as ReportPage loads it — the clinic labels, the
 * main table and its totals (with the compared period's when comparing), then the five charts, every
 * query built by the dashboard's own builders (dashboard/src/lib/report-query.ts through
 * scripts/bench/queries.ts) — and then, with think time between them, actions: a filter changed (its
 * options list read first, as the menu does), a row opened (the page's drill to that code by provider),
 * the pivot, a comparison, the visit lines behind a figure (dashboard/src/lib/drill.ts and
 * drill-months.ts, as the drill panel pages them) with a few page turns or sorts, or the explorer (its
 * `meta`, then ad-hoc queries built with dashboard/src/explore/explore-query.ts and checked with its
 * validator, filter values looked up as its value picker does). After a few actions the user leaves and
 * another session starts.
 *
 * Checked on every answer: it is a 200 without an error (anything else is an error, each distinct one
 * kept with an example), and every row holds only what its token may see (tenants.ts). Checked on a
 * sample, one at a time: the main table's rows and totals, and a drill's line totals, equal plain SQL over
 * the same rows (oracle.ts).
 */
import type { Query } from '@cubejs-client/core';
import mysql from 'mysql2/promise';
import {
  DATE_PRESETS,
  comparisonRange,
  presetRange,
  type ComparisonMode,
  type DatePreset,
  type DateRange,
} from '../../dashboard/src/lib/clinic-calendar.js';
import {
  LINE_COLUMNS,
  LINES_PAGE_SIZE,
  drillOf,
  filterValuesOf,
  linesPageQuery,
  linesTotalsQuery,
  linesWindowQuery,
  reportFigureQuery,
  type DrillFigure,
  type DrillSelection,
} from '../../dashboard/src/lib/drill.js';
import { inDateOrder, linesWindow, monthLinesOf, monthLinesQuery, totalLines } from '../../dashboard/src/lib/drill-months.js';
import { matureRange, DEFAULT_MATURITY_DAYS } from '../../dashboard/src/lib/payor-rates.js';
import {
  BASE_MEASURES,
  GROUP_DEFINITIONS,
  OPTION_DIMENSIONS,
  groupedQuery,
  optionsQuery,
  payorCodeQuery,
  type ReportFilterValues,
} from '../../dashboard/src/lib/report-query.js';
import { DEFAULT_STATE, GROUPS, type ReportState } from '../../dashboard/src/lib/report-state.js';
import { catalogOf, operatorsFor, type Catalog, type CatalogView } from '../../dashboard/src/explore/explore-catalog.js';
import { GRANULARITIES, toCubeQuery, type ExploreQuery } from '../../dashboard/src/explore/explore-query.js';
import { queryProblems } from '../../dashboard/src/explore/explore-validate.js';
import { offersValues, MAX_OFFERED_VALUES } from '../../dashboard/src/explore/useMemberValues.js';
import { Random } from '../../server/db/seed/random.js';
import { mintToken, type TokenClaims } from '../../server/security/tokens.js';
import { connect } from '../bench/db.js';
import { CHART_WAVE, drillState, pageQueries, type QueryName } from '../bench/queries.js';
import { REQUEST_TIMEOUT_MS, loadQuery, type LoadResult } from '../bench/server.js';
import { sleep, summarize, type Summary } from '../bench/stats.js';
import { analyzeMemory, type MemoryFigures, type MemorySample, type SettledMemory } from './memory.js';
import { apiFigures, formatFigures, keyOf, oracleFigures, sameFigures, type Figures, type OracleQuery } from './oracle.js';
import { checkRow, loadTenants, type Tenant } from './tenants.js';

export interface SoakOptions {
  /** The server's base URL (no trailing slash), e.g. http://127.0.0.1:4000. */
  url: string;
  /** The HS256 secret it checks tokens with. */
  secret: string;
  /** The host database it reads: for the plain-SQL checks. */
  database: string;
  /** Where that database is (default: this machine's MariaDB as scripts/bench/db.ts reaches it). */
  mysql?: { host: string; port: number; user: string; password: string };
  users: number;
  seconds: number;
  /** Clinics the users pick from (default: every clinic with counted items). */
  clinics?: readonly number[];
  /** Think time between a user's actions, ms (default 2–12 s); page turns in a drill take a third of it. */
  thinkMs?: readonly [number, number];
  /** The users' random seed (default 1). */
  seed?: number;
  /** Load before the memory verdict's first window (memory.ts; default a third of the run, at most 300 s). */
  warmupSeconds?: number;
  /** Reads the server's memory; called every second. Null or absent: memory is not measured. */
  memory?: () => Omit<MemorySample, 'atMs'> | null;
  /** The server's heap after a full collection (the live set), asked at the warm-up's end and 10 s before
   * the load's end; absent: the verdict reads the RSS. */
  settle?: () => Promise<SettledMemory | null>;
  /** Progress lines (a line every minute). */
  log?: (line: string) => void;
}

export type RequestKind = 'page' | 'options' | 'drill' | 'explorer' | 'meta';
export type ActionKind = 'session' | 'filter' | 'row' | 'pivot' | 'compare' | 'drill' | 'pageTurn' | 'explorer' | 'reload';

export interface SoakResult {
  users: number;
  seconds: number;
  clinics: number[];
  sessions: { owner: number; billing: number; provider: number };
  actions: Record<ActionKind, number>;
  requests: number;
  requestsByKind: Record<RequestKind, number>;
  requestsPerSecond: number;
  continueWaitRetries: number;
  latency: Summary;
  latencyByKind: Record<RequestKind, Summary>;
  errors: number;
  /** Each distinct error: its message, how often, and one query that got it. */
  distinctErrors: { message: string; count: number; example: string }[];
  rowsChecked: number;
  crossTenantRows: number;
  /** Each distinct leak: the token, the member and value, how often. */
  distinctLeaks: { what: string; count: number }[];
  figureChecks: number;
  figuresCompared: number;
  figureMismatches: string[];
  /** Explorer queries the explorer's own validator would not send (never sent). */
  explorerQueriesNotSent: number;
  memory: MemoryFigures | null;
  memorySamples: MemorySample[];
  /** Minute by minute: requests started, errors, latency, and the server's memory (medians). */
  minutes: MinuteFigures[];
}

export interface MinuteFigures {
  minute: number;
  requests: number;
  errors: number;
  p50: number;
  p95: number;
  rssMb: number;
  heapMb: number;
  cubeCacheEntries: number | null;
}

type Row = Record<string, unknown>;

const REQUEST_KINDS: RequestKind[] = ['page', 'options', 'drill', 'explorer', 'meta'];
const ACTION_KINDS: ActionKind[] = ['session', 'filter', 'row', 'pivot', 'compare', 'drill', 'pageTurn', 'explorer', 'reload'];
/** Figures a drill is opened from (a measure of the table, or the lines themselves). */
const DRILLED: DrillFigure[] = ['lines', 'units_billed', 'visits_used', 'total_billed', 'insurance_paid', 'insurance_paid_per_unit'];
/** One plain-SQL check at a time, at most this often: the checks must not become the load. */
const FIGURE_CHECK_EVERY_MS = 1_000;
const TOKEN_TTL_SECONDS = 4 * 3600;

class Recorder {
  requests = 0;
  retries = 0;
  latencies: number[] = [];
  byKind = new Map<RequestKind, number[]>(REQUEST_KINDS.map((k) => [k, []]));
  errors = new Map<string, { count: number; example: string }>();
  errorCount = 0;
  rowsChecked = 0;
  leakRows = 0;
  leaks = new Map<string, number>();
  figureChecks = 0;
  figuresCompared = 0;
  mismatches: string[] = [];
  actions = Object.fromEntries(ACTION_KINDS.map((k) => [k, 0])) as Record<ActionKind, number>;
  sessions = { owner: 0, billing: 0, provider: 0 };
  explorerNotSent = 0;
  /** Latencies and errors by the minute the request started in. */
  perMinute: { latencies: number[]; errors: number }[] = [];

  constructor(private readonly start: number) {}

  private minute(startedAt: number): { latencies: number[]; errors: number } {
    const m = Math.max(0, Math.floor((startedAt - this.start) / 60_000));
    while (this.perMinute.length <= m) this.perMinute.push({ latencies: [], errors: 0 });
    return this.perMinute[m]!;
  }

  request(kind: RequestKind, ms: number, retries: number): void {
    this.requests++;
    this.retries += retries;
    this.latencies.push(ms);
    this.byKind.get(kind)!.push(ms);
    this.minute(performance.now() - ms).latencies.push(ms);
  }

  error(message: string, example: unknown, startedAt: number): void {
    this.errorCount++;
    this.minute(startedAt).errors++;
    const entry = this.errors.get(message);
    if (entry) entry.count++;
    else this.errors.set(message, { count: 1, example: JSON.stringify(example).slice(0, 600) });
  }
}

/** A plain-SQL figure check waiting its turn: the API's answer, and how to read it. */
interface FigureCheck {
  label: string;
  query: OracleQuery;
  /** The API's groups, keyed like the oracle's (keyOf). */
  api: Map<string, Figures>;
}

class FigureChecker {
  private busy = false;
  private lastAt = 0;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: mysql.Connection,
    private readonly database: string,
    private readonly recorder: Recorder,
  ) {}

  /** Starts the check when none is running and the last was long enough ago; otherwise skips it. */
  offer(make: () => FigureCheck): void {
    const now = performance.now();
    if (this.busy || now - this.lastAt < FIGURE_CHECK_EVERY_MS) return;
    this.busy = true;
    this.lastAt = now;
    const check = make();
    this.pending = this.run(check).finally(() => {
      this.busy = false;
    });
  }

  private async run(check: FigureCheck): Promise<void> {
    let expected: Map<string, Figures>;
    try {
      expected = await oracleFigures(this.db, this.database, check.query);
    } catch (error) {
      this.recorder.mismatches.push(`${check.label}: the plain SQL failed: ${(error as Error).message}`);
      return;
    }
    this.recorder.figureChecks++;
    const zero: Figures = { units: 0n, visits: 0n, billed: 0n, paid: 0n };
    for (const key of new Set([...expected.keys(), ...check.api.keys()])) {
      const want = expected.get(key) ?? zero;
      const got = check.api.get(key) ?? zero;
      this.recorder.figuresCompared += 4;
      if (!sameFigures(want, got)) {
        this.recorder.mismatches.push(
          `${check.label}, group ${JSON.stringify(key)}: API ${formatFigures(got)}; plain SQL ${formatFigures(want)} (${JSON.stringify(check.query)})`,
        );
      }
    }
  }

  done(): Promise<void> {
    return this.pending;
  }
}

interface Context {
  options: SoakOptions;
  tenants: Tenant[];
  recorder: Recorder;
  checker: FigureChecker;
  deadline: number;
  think: readonly [number, number];
}

/** The API's groups of a grouped (or totals) answer, keyed like the oracle's. */
function apiGroups(
  rows: readonly Row[],
  group: ReportState['group'] | null,
  view: 'service_code_usage' | 'visit_lines',
): Map<string, Figures> {
  const out = new Map<string, Figures>();
  for (const row of rows) out.set(group ? keyOf(row[GROUP_DEFINITIONS[group].key]) : '', apiFigures(row, view));
  return out;
}

class SimulatedUser {
  private readonly random: Random;
  private tenant!: Tenant;
  private providerId: number | undefined;
  private token = '';
  private state: ReportState = { ...DEFAULT_STATE };
  private preset: DatePreset = 'last_month';
  private range!: DateRange;
  private mainRows: Row[] = [];
  private catalog: Catalog | null = null;
  private options = new Map<string, Row[]>();

  constructor(
    private readonly ctx: Context,
    index: number,
  ) {
    this.random = new Random(ctx.options.seed ?? 1, 13, index);
  }

  private get timeLeft(): number {
    return this.ctx.deadline - performance.now();
  }

  private async think(share = 1): Promise<void> {
    const [lo, hi] = this.ctx.think;
    const ms = (lo + this.random.float() * (hi - lo)) * share;
    await sleep(Math.max(0, Math.min(ms, this.timeLeft)));
  }

  async run(): Promise<void> {
    // Users arrive over the first moments, not all in the same millisecond.
    await sleep(this.random.float() * Math.min(this.ctx.think[1], (this.ctx.options.seconds * 1000) / 4));
    while (this.timeLeft > 0) {
      this.startSession();
      await this.loadPage();
      const actions = this.random.int(3, 12);
      for (let i = 0; i < actions && this.timeLeft > 0; i++) {
        await this.think();
        if (this.timeLeft <= 0) break;
        await this.act();
      }
    }
  }

  private startSession(): void {
    const { recorder } = this.ctx;
    this.tenant = this.random.pick(this.ctx.tenants);
    const roll = this.random.float();
    const role = roll < 0.4 ? 'owner' : roll < 0.7 ? 'billing' : 'provider';
    this.providerId = role === 'provider' ? this.random.pick(this.tenant.renderingProviders) : undefined;
    const claims: TokenClaims = { clinic_id: this.tenant.clinicId, role, ...(this.providerId ? { provider_id: this.providerId } : {}) };
    this.token = mintToken(this.ctx.options.secret, claims, TOKEN_TTL_SECONDS);
    recorder.sessions[role]++;
    recorder.actions.session++;
    this.state = { ...DEFAULT_STATE };
    this.preset = 'last_month';
    this.range = presetRange(this.preset, this.tenant.today);
    this.catalog = null;
    this.options.clear();
  }

  private who(): string {
    return `clinic ${this.tenant.clinicId} ${this.providerId === undefined ? 'owner/billing' : `provider ${this.providerId}`}`;
  }

  /** One query through the API; its rows checked against the token's scope. Null on an error. */
  private async ask(kind: RequestKind, query: Query): Promise<Row[] | null> {
    const { recorder } = this.ctx;
    const startedAt = performance.now();
    const r: LoadResult = await loadQuery(this.ctx.options.url, this.token, query, { timeoutMs: REQUEST_TIMEOUT_MS });
    recorder.request(kind, r.ms, r.retries);
    if (!r.ok) {
      recorder.error(`${r.status || 'no response'}: ${r.error}`, query, startedAt);
      return null;
    }
    this.checkRows(r.data);
    return r.data;
  }

  private checkRows(rows: readonly Row[]): void {
    const { recorder } = this.ctx;
    for (const row of rows) {
      recorder.rowsChecked++;
      const leaks = checkRow(row, this.tenant, this.providerId);
      if (leaks.length === 0) continue;
      recorder.leakRows++;
      for (const leak of leaks) {
        const what = `${this.who()}: ${leak.member} = ${leak.value}`;
        recorder.leaks.set(what, (recorder.leaks.get(what) ?? 0) + 1);
      }
    }
  }

  private async meta(): Promise<Catalog | null> {
    const { recorder } = this.ctx;
    const start = performance.now();
    let status = 0;
    try {
      const response = await fetch(`${this.ctx.options.url}/cubejs-api/v1/meta`, {
        headers: { authorization: this.token },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      status = response.status;
      const json = (await response.json()) as { cubes?: Parameters<typeof catalogOf>[0]; error?: string };
      recorder.request('meta', performance.now() - start, 0);
      if (status !== 200 || json.error || !json.cubes) {
        recorder.error(`${status}: ${json.error ?? 'meta without cubes'}`, 'GET /cubejs-api/v1/meta', start);
        return null;
      }
      return catalogOf(json.cubes);
    } catch (error) {
      recorder.request('meta', performance.now() - start, 0);
      recorder.error(`${status || 'no response'}: ${(error as Error).message}`, 'GET /cubejs-api/v1/meta', start);
      return null;
    }
  }

  /** The report page as ReportPage loads it: labels, table and totals (and their comparison), then the charts. */
  private async loadPage(): Promise<void> {
    const state = this.state;
    const range = this.range;
    const queries = pageQueries(state, range, '');
    const firstWave: Promise<Row[] | null>[] = [
      this.ask('page', queries.clinic),
      this.ask('page', queries.main),
      this.ask('page', queries.totals),
    ];
    if (state.compare) {
      const before = comparisonRange(range, state.compare);
      firstWave.push(this.ask('page', groupedQuery(state, before, state.group, BASE_MEASURES)));
      firstWave.push(this.ask('page', groupedQuery(state, before, null, BASE_MEASURES)));
    }
    const [, main, totals] = await Promise.all(firstWave);
    this.mainRows = main ?? [];
    if (main && totals) {
      const filters = [filterValuesOf(state)];
      const base = { clinicId: this.tenant.clinicId, providerId: this.providerId, from: range.from, to: range.to, filters };
      const label = `${this.who()}, ${range.from} … ${range.to}`;
      // Alternate which answer is checked: the grouped table (every row), or the totals.
      if (this.random.chance(0.5))
        this.ctx.checker.offer(() => ({
          label: `${label}, table by ${state.group}`,
          query: { ...base, group: state.group },
          api: apiGroups(main, state.group, 'service_code_usage'),
        }));
      else
        this.ctx.checker.offer(() => ({
          label: `${label}, totals`,
          query: { ...base, group: null },
          api: apiGroups(totals, null, 'service_code_usage'),
        }));
    }
    const mature = matureRange(range, this.tenant.today, state.maturity ?? DEFAULT_MATURITY_DAYS);
    const charts = CHART_WAVE.map((name: QueryName) =>
      this.ask('page', name === 'heatmap' ? payorCodeQuery(state, range, mature) : queries[name]),
    );
    await Promise.all(charts);
  }

  private async act(): Promise<void> {
    const roll = this.random.float();
    if (roll < 0.4) return this.changeFilter();
    if (roll < 0.5) return this.openRow();
    if (roll < 0.55) return this.pivot();
    if (roll < 0.62) return this.compare();
    if (roll < 0.82) return this.drill();
    if (roll < 0.95) return this.explore();
    this.ctx.recorder.actions.reload++;
    return this.loadPage();
  }

  /** The options of a filter's menu (read once per session, as the page keeps them). */
  private async optionIds(kind: 'providers' | 'payors' | 'caseTypes' | 'codes'): Promise<string[]> {
    let rows = this.options.get(kind);
    if (!rows) {
      rows = (await this.ask('options', optionsQuery(OPTION_DIMENSIONS[kind]))) ?? [];
      this.options.set(kind, rows);
    }
    const idMember = kind === 'codes' ? OPTION_DIMENSIONS.codes[2] : OPTION_DIMENSIONS[kind][0];
    return [...new Set(rows.map((r) => keyOf(r[idMember])))];
  }

  private async pickSome(kind: 'providers' | 'payors' | 'caseTypes' | 'codes'): Promise<string[]> {
    const ids = await this.optionIds(kind);
    if (ids.length === 0) return [];
    const picked = new Set<string>();
    const n = this.random.int(1, Math.min(3, ids.length));
    while (picked.size < n) picked.add(this.random.pick(ids));
    return [...picked];
  }

  private async changeFilter(): Promise<void> {
    this.ctx.recorder.actions.filter++;
    const s = { ...this.state };
    switch (this.random.int(0, 7)) {
      case 0:
      case 1:
        this.preset = this.random.pick(DATE_PRESETS);
        this.range = presetRange(this.preset, this.tenant.today);
        break;
      case 2:
        s.group = this.random.pick(GROUPS);
        break;
      case 3:
        s.providers = this.providerId === undefined ? await this.pickSome('providers') : [];
        break;
      case 4:
        s.payors = await this.pickSome('payors');
        break;
      case 5:
        s.codes = this.random.chance(0.5) ? await this.pickSome('codes') : [];
        s.caseTypes = this.random.chance(0.3) ? await this.pickSome('caseTypes') : [];
        break;
      case 6:
        s.billing = this.random.pick(['billable', 'non-billable', null] as const);
        break;
      default:
        // Clear the filters, keep the range and grouping.
        Object.assign(s, { providers: [], payors: [], caseTypes: [], codes: [], billing: null, compare: null });
    }
    this.state = s;
    await this.loadPage();
  }

  /** A row of the code table clicked: that code, grouped by provider (ReportPage's drill). */
  private async openRow(): Promise<void> {
    const code =
      this.state.group === 'code'
        ? this.mainRows[this.random.int(0, this.mainRows.length - 1)]?.['service_code_usage.service_code']
        : undefined;
    if (code === undefined || code === null) return this.changeFilter();
    this.ctx.recorder.actions.row++;
    this.state = drillState(this.state, String(code));
    await this.loadPage();
  }

  private async pivot(): Promise<void> {
    this.ctx.recorder.actions.pivot++;
    await this.ask('page', pageQueries(this.state, this.range, '').pivot);
  }

  private async compare(): Promise<void> {
    this.ctx.recorder.actions.compare++;
    const modes: (ComparisonMode | null)[] = ['previous', 'last_year', null];
    this.state = { ...this.state, compare: this.random.pick(modes) };
    await this.loadPage();
  }

  /** What a figure the user clicks narrows to: a row of the table (its key), or the total. */
  private narrowing(): Partial<ReportFilterValues> {
    const row = this.mainRows.length && this.random.chance(0.7) ? this.random.pick(this.mainRows) : null;
    if (!row) return {};
    const def = GROUP_DEFINITIONS[this.state.group];
    const value = row[def.key];
    if (def.filter === 'billing') return { billing: value === 'Billable' ? 'billable' : 'non-billable' };
    return { [def.filter]: [keyOf(value)] };
  }

  /** The visit lines behind a figure, as the drill panel reads them, then a few page turns or sorts. */
  private async drill(): Promise<void> {
    this.ctx.recorder.actions.drill++;
    const filters = filterValuesOf(this.state);
    let drill: DrillSelection = drillOf(this.random.pick(DRILLED), this.range, this.narrowing());
    let counts: ReadonlyMap<string, number> | null = null;
    const turns = this.random.int(0, 3);
    for (let turn = 0; ; turn++) {
      if (inDateOrder(drill) && !counts) {
        const rows = await this.ask('drill', monthLinesQuery(filters, drill));
        counts = rows ? monthLinesOf(rows) : null;
      }
      const page =
        counts && inDateOrder(drill) && totalLines(counts) > 0
          ? linesWindowQuery(filters, drill, linesWindow(drill, counts, (drill.page - 1) * LINES_PAGE_SIZE, LINES_PAGE_SIZE))
          : linesPageQuery(filters, drill);
      const asks: Promise<Row[] | null>[] = [this.ask('drill', page)];
      if (turn === 0) {
        asks.push(this.ask('drill', linesTotalsQuery(filters, drill)));
        const figure = reportFigureQuery(filters, drill);
        if (figure) asks.push(this.ask('page', figure));
      }
      const [, lineTotals] = await Promise.all(asks);
      if (turn === 0 && lineTotals) {
        const opened = drill;
        this.ctx.checker.offer(() => ({
          label: `${this.who()}, lines of ${opened.figure} ${opened.from} … ${opened.to} narrowed to ${JSON.stringify(opened.narrow)}`,
          query: {
            clinicId: this.tenant.clinicId,
            providerId: this.providerId,
            from: opened.from,
            to: opened.to,
            filters: [filters, opened.narrow],
            group: null,
          },
          api: apiGroups(lineTotals, null, 'visit_lines'),
        }));
      }
      if (turn >= turns || this.timeLeft <= 0) return;
      await this.think(1 / 3);
      this.ctx.recorder.actions.pageTurn++;
      if (this.random.chance(0.6)) {
        drill = { ...drill, page: drill.page + 1 };
      } else {
        const column = this.random.pick(LINE_COLUMNS);
        drill = { ...drill, sort: { column: column.id, direction: this.random.pick(['asc', 'desc'] as const) }, page: 1 };
      }
    }
  }

  /** An analyst's ad-hoc query on one view, as the explorer builds it. */
  private randomExploreQuery(view: CatalogView): ExploreQuery {
    const r = this.random;
    const sample = <T>(list: readonly T[], n: number): T[] => {
      const pool = [...list];
      const out: T[] = [];
      while (out.length < n && pool.length) out.push(pool.splice(r.int(0, pool.length - 1), 1)[0]!);
      return out;
    };
    const measures = sample(view.measures, r.int(view.name === 'visit_lines' && r.chance(0.3) ? 0 : 1, 3)).map((m) => m.name);
    const dimensions = sample(view.dimensions, r.int(measures.length ? 0 : 1, 2)).map((d) => d.name);
    const dateOfService = view.timeDimensions.find((t) => t.name.endsWith('.date_of_service'));
    // Lines are read within a range (a clinic's whole history of lines grouped is not what analysts ask).
    const ranged = view.name === 'visit_lines' || r.chance(0.85);
    const range = ranged
      ? presetRange(
          r.pick(view.name === 'visit_lines' ? (['this_month', 'last_month', 'quarter_to_date'] as const) : DATE_PRESETS),
          this.tenant.today,
        )
      : null;
    const time =
      dateOfService && (ranged || r.chance(0.5))
        ? {
            dimension: dateOfService.name,
            granularity: r.chance(0.7) ? r.pick(GRANULARITIES.filter((g) => g !== 'day' || this.preset !== 'last_12_months')) : null,
            dateRange: range,
            compare: range && r.chance(0.15) ? r.pick(['previous', 'last_year'] as const) : null,
          }
        : null;
    const order: ExploreQuery['order'] = measures.length ? [[measures[0]!, 'desc']] : dimensions.length ? [[dimensions[0]!, 'asc']] : [];
    return { measures, dimensions, time, filters: [], order, limit: r.pick([100, 1000, 5000]) };
  }

  private async explore(): Promise<void> {
    const { recorder } = this.ctx;
    recorder.actions.explorer++;
    this.catalog ??= await this.meta();
    const catalog = this.catalog;
    if (!catalog) return;
    const views = catalog.views.filter((v) => v.measures.length > 0 && v.timeDimensions.length > 0);
    if (views.length === 0) {
      recorder.error('meta lists no data view', 'GET /cubejs-api/v1/meta', performance.now());
      return;
    }
    const queries = this.random.int(1, 3);
    for (let i = 0; i < queries && this.timeLeft > 0; i++) {
      if (i > 0) await this.think(1 / 3);
      const view = this.random.pick(views);
      const q = this.randomExploreQuery(view);
      // A filter, its value picked from the data as the explorer's value list offers it.
      if (this.random.chance(0.4)) {
        const member = this.random.pick(view.dimensions.filter((d) => offersValues(d)));
        const values = await this.ask('explorer', {
          dimensions: [member.name],
          order: [[member.name, 'asc']],
          limit: MAX_OFFERED_VALUES + 1,
        });
        const offered = (values ?? []).map((row) => row[member.name]).filter((v): v is string => typeof v === 'string' && v !== '');
        if (offered.length > 0 && offered.length <= MAX_OFFERED_VALUES && operatorsFor(member).includes('equals'))
          q.filters.push({ member: member.name, operator: 'equals', values: [this.random.pick(offered)] });
      }
      if (q.measures.length && this.random.chance(0.2)) q.filters.push({ member: q.measures[0]!, operator: 'gt', values: ['0'] });
      if (queryProblems(q, catalog).length > 0) {
        recorder.explorerNotSent++;
        continue;
      }
      await this.ask('explorer', toCubeQuery(q));
    }
  }
}

/** Runs the soak for `options.seconds` and returns every figure; never throws for what the server answers. */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => undefined);
  const db = options.mysql
    ? await mysql.createConnection({ ...options.mysql, supportBigNumbers: true, bigNumberStrings: true, dateStrings: true })
    : await connect();
  try {
    const tenants = await loadTenants(db, options.database, options.clinics);
    if (tenants.length === 0) throw new Error(`no clinic with counted items in ${options.database}`);
    log(
      `${tenants.length} clinics (${tenants.map((t) => t.clinicId).join(', ')}), ${options.users} users for ${options.seconds} s against ${options.url}`,
    );
    const start = performance.now();
    const recorder = new Recorder(start);
    const checker = new FigureChecker(db, options.database, recorder);
    const ctx: Context = {
      options,
      tenants,
      recorder,
      checker,
      deadline: start + options.seconds * 1000,
      think: options.thinkMs ?? [2_000, 12_000],
    };
    const samples: MemorySample[] = [];
    const sample = () => {
      const m = options.memory?.();
      if (m) samples.push({ atMs: performance.now() - start, ...m });
    };
    sample();
    const sampler = setInterval(sample, 1_000);
    // The live heap at the warm-up's end and near the load's end, both under the same load.
    const warmupMs = (options.warmupSeconds ?? Math.min(300, options.seconds / 3)) * 1000;
    const settled: { warmup?: Promise<SettledMemory | null>; end?: Promise<SettledMemory | null> } = {};
    const settleTimers = options.settle
      ? [
          setTimeout(() => (settled.warmup = options.settle!()), warmupMs),
          setTimeout(() => (settled.end = options.settle!()), Math.max(warmupMs + 1000, options.seconds * 1000 - 10_000)),
        ]
      : [];
    let lastMinute = 0;
    const progress = setInterval(() => {
      const minute = Math.floor((performance.now() - start) / 60_000);
      if (minute === lastMinute) return;
      lastMinute = minute;
      const rss = samples[samples.length - 1]?.rssMb;
      log(
        `${minute} min: ${recorder.requests} requests, ${recorder.errorCount} errors, ${recorder.rowsChecked} rows checked, ` +
          `${recorder.leakRows} cross-tenant, ${recorder.figureChecks} figure checks (${recorder.mismatches.length} unequal)` +
          (rss !== undefined ? `, server RSS ${rss.toFixed(0)} MB` : ''),
      );
    }, 5_000);
    try {
      await Promise.all(Array.from({ length: options.users }, (_, i) => new SimulatedUser(ctx, i).run()));
      await checker.done();
    } finally {
      clearInterval(sampler);
      clearInterval(progress);
      for (const t of settleTimers) clearTimeout(t);
    }
    sample();
    const settledWarmup = (await settled.warmup) ?? null;
    const settledEnd = (await settled.end) ?? null;
    const durationMs = performance.now() - start;
    const latencyByKind = Object.fromEntries(REQUEST_KINDS.map((k) => [k, summarize(recorder.byKind.get(k)!)])) as Record<
      RequestKind,
      Summary
    >;
    return {
      users: options.users,
      seconds: durationMs / 1000,
      clinics: tenants.map((t) => t.clinicId),
      sessions: recorder.sessions,
      actions: recorder.actions,
      requests: recorder.requests,
      requestsByKind: Object.fromEntries(REQUEST_KINDS.map((k) => [k, recorder.byKind.get(k)!.length])) as Record<RequestKind, number>,
      requestsPerSecond: recorder.requests / (durationMs / 1000),
      continueWaitRetries: recorder.retries,
      latency: summarize(recorder.latencies),
      latencyByKind,
      errors: recorder.errorCount,
      distinctErrors: [...recorder.errors.entries()].map(([message, e]) => ({ message, count: e.count, example: e.example })),
      rowsChecked: recorder.rowsChecked,
      crossTenantRows: recorder.leakRows,
      distinctLeaks: [...recorder.leaks.entries()].map(([what, count]) => ({ what, count })),
      figureChecks: recorder.figureChecks,
      figuresCompared: recorder.figuresCompared,
      figureMismatches: recorder.mismatches,
      explorerQueriesNotSent: recorder.explorerNotSent,
      memory: analyzeMemory(samples, durationMs, warmupMs, settledWarmup && settledEnd ? { warmup: settledWarmup, end: settledEnd } : null),
      memorySamples: samples,
      minutes: recorder.perMinute.map((m, minute) => {
        const inMinute = samples.filter((x) => x.atMs >= minute * 60_000 && x.atMs < (minute + 1) * 60_000);
        const latency = summarize(m.latencies);
        const cache = inMinute.filter((x) => x.cubeCache).at(-1)?.cubeCache;
        return {
          minute,
          requests: m.latencies.length,
          errors: m.errors,
          p50: latency.median,
          p95: latency.p95,
          rssMb: summarize(inMinute.map((x) => x.rssMb)).median,
          heapMb: summarize(inMinute.filter((x) => x.heapMb !== undefined).map((x) => x.heapMb!)).median,
          cubeCacheEntries: cache ? cache.entries : null,
        };
      }),
    };
  } finally {
    await db.end();
  }
}

/** Whether a soak passed: no error, no row outside its token's scope, every sampled figure equal to plain
 * SQL (and at least one compared), and memory flat where it was measured. */
export function soakProblems(result: SoakResult): string[] {
  const problems: string[] = [];
  if (result.requests === 0) problems.push('no request was made');
  if (result.errors > 0) problems.push(`${result.errors} errors (${result.distinctErrors.length} distinct)`);
  if (result.crossTenantRows > 0) problems.push(`${result.crossTenantRows} cross-tenant rows`);
  if (result.figureMismatches.length > 0) problems.push(`${result.figureMismatches.length} figure checks unequal to plain SQL`);
  if (result.figureChecks === 0) problems.push('no figure was compared with plain SQL');
  if (result.memory && !result.memory.flat) {
    const m = result.memory;
    const grew = m.settled
      ? `live heap (after a full GC) grew ${m.settled.heapGrowthMb.toFixed(1)} MB`
      : `memory grew ${m.rss.growthMb.toFixed(1)} MB`;
    problems.push(`${grew} (threshold ${m.thresholdMb.toFixed(1)} MB)`);
  }
  return problems;
}
