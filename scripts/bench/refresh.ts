/**
 * What keeping the pre-aggregations fresh costs the host database:
 *  - idle: no requests for `minutes`; the database server's CPU seconds (mariadbd utime + stime from
 *    /proc) and the bench database's statements in MariaDB's slow log (every statement, long_query_time
 *    0): the refresh-key queries and anything the refresh passes ran; and the change tracker's own
 *    `dbMs` when the server logs "Change tracker pass" lines;
 *  - one new payment application: an insurance payment and one application (ids above the current
 *    maximum) on an item of the median clinic's latest visit; the report's Insurance Paid for that
 *    clinic and date is asked every 500 ms (a normal, cached request) until it shows the new money:
 *    seconds until visible, and the CPU seconds and statement time spent meanwhile (the rebuild).
 *    The rows are deleted afterwards and the report awaited back at its old figure.
 */
import type mysql from 'mysql2/promise';
import { MEASURES, groupedQuery } from '../../dashboard/src/lib/report-query.js';
import { databaseCpuSeconds, rows, type SlowLog, type SlowLogWindow } from './db.js';
import { DEFAULT_VIEW } from './queries.js';
import type { BenchServer } from './server.js';
import { sleep } from './stats.js';

export interface IdleCost {
  seconds: number;
  dbCpuSeconds: number;
  dbCpuSecondsPerMinute: number;
  slowLog: SlowLogWindow;
  statementMsPerMinute: number;
  /** Refresh passes in the window (one every SCU_REFRESH_KEY_EVERY_SECONDS). */
  passes: number;
  statementMsPerPass: number;
  trackerPasses: number;
  trackerDbMs: number[] | null;
}

export interface NewPaymentCost {
  clinicId: number;
  visitDate: string;
  amount: string;
  visibleSeconds: number | null;
  dbCpuSeconds: number;
  slowLog: SlowLogWindow;
  revertedSeconds: number | null;
}

const TRACKER = /"message":"Change tracker pass"/;

export async function idleCost(
  server: BenchServer,
  slow: SlowLog,
  dbPid: number | null,
  minutes: number,
  refreshEverySeconds: number,
): Promise<IdleCost> {
  const trackerBefore = server.log.length;
  const cpu0 = databaseCpuSeconds(dbPid);
  const t0 = performance.now();
  await slow.open();
  let window: SlowLogWindow;
  try {
    await sleep(minutes * 60_000);
  } finally {
    window = await slow.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = databaseCpuSeconds(dbPid) - cpu0;
  const trackerLines = server.log.slice(trackerBefore).filter((l) => TRACKER.test(l.text));
  const trackerDbMs = trackerLines
    .map((l) => {
      try {
        return Number((JSON.parse(l.text) as { dbMs?: unknown }).dbMs);
      } catch {
        return Number.NaN;
      }
    })
    .filter(Number.isFinite);
  const passes = Math.max(1, Math.floor(seconds / refreshEverySeconds));
  return {
    seconds,
    dbCpuSeconds: cpu,
    dbCpuSecondsPerMinute: cpu / (seconds / 60),
    slowLog: window,
    statementMsPerMinute: window.totalMs / (seconds / 60),
    passes,
    statementMsPerPass: window.totalMs / passes,
    trackerPasses: trackerLines.length,
    trackerDbMs: trackerLines.length ? trackerDbMs : null,
  };
}

const AMOUNT = '12.34';

export async function newPaymentCost(
  server: BenchServer,
  db: mysql.Connection,
  slow: SlowLog,
  dbPid: number | null,
  database: string,
  clinicId: number,
  timeoutSeconds: number,
  log: (line: string) => void,
): Promise<NewPaymentCost> {
  const t = (n: string) => `${db.escapeId(database)}.${db.escapeId(n)}`;
  const [visit] = await rows<{ item_id: string; purchased_on: string; payor_id: string | null }>(
    db,
    `SELECT i.id AS item_id, CAST(p.purchased_on AS CHAR) AS purchased_on, p.payor_id FROM ${t('purchases')} p
       JOIN ${t('purchase_items')} i ON i.purchase_id = p.id
      WHERE p.clinic_id = ? AND p.status <> 'void' ORDER BY p.purchased_on DESC, i.id DESC LIMIT 1`,
    [clinicId],
  );
  if (!visit) throw new Error(`clinic ${clinicId} has no visit`);
  const [ids] = await rows<{ payment: string; application: string }>(
    db,
    `SELECT (SELECT COALESCE(MAX(id), 0) + 1 FROM ${t('payments')}) AS payment, (SELECT COALESCE(MAX(id), 0) + 1 FROM ${t('payment_applications')}) AS application`,
  );
  const token = server.token({ clinic_id: clinicId, role: 'owner' });
  const day = { from: visit.purchased_on, to: visit.purchased_on };
  const query = groupedQuery(DEFAULT_VIEW, day, null, [MEASURES.paid]);
  const paid = async () => {
    const r = await server.load(token, query);
    return r.ok ? Math.round(Number(r.data[0]?.[MEASURES.paid] ?? 0) * 100) : Number.NaN;
  };
  const before = await paid();
  const expected = before + Math.round(Number(AMOUNT) * 100);
  log(
    `new payment: clinic ${clinicId}, item ${visit.item_id} of ${visit.purchased_on}; Insurance Paid that day ${(before / 100).toFixed(2)}, expecting ${(expected / 100).toFixed(2)}`,
  );

  const waitFor = async (cents: number): Promise<number | null> => {
    const start = performance.now();
    const deadline = start + timeoutSeconds * 1000;
    while (performance.now() < deadline) {
      if ((await paid()) === cents) return (performance.now() - start) / 1000;
      await sleep(500);
    }
    return null;
  };

  const cpu0 = databaseCpuSeconds(dbPid);
  await slow.open();
  let visibleSeconds: number | null;
  let window: SlowLogWindow;
  let cpu: number;
  try {
    await db.query(
      `INSERT INTO ${t('payments')} (id, clinic_id, source, payor_id, received_on, posted_at, reference) VALUES (?, ?, 'insurance', ?, ?, UTC_TIMESTAMP(), 'BENCH')`,
      [ids!.payment, clinicId, visit.payor_id, visit.purchased_on],
    );
    await db.query(
      `INSERT INTO ${t('payment_applications')} (id, clinic_id, payment_id, purchase_item_id, amount, applied_at) VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP())`,
      [ids!.application, clinicId, ids!.payment, visit.item_id, AMOUNT],
    );
    visibleSeconds = await waitFor(expected);
  } finally {
    window = await slow.close();
    cpu = databaseCpuSeconds(dbPid) - cpu0;
    await db.query(`DELETE FROM ${t('payment_applications')} WHERE id = ?`, [ids!.application]);
    await db.query(`DELETE FROM ${t('payments')} WHERE id = ?`, [ids!.payment]);
  }
  log(`new payment visible after ${visibleSeconds?.toFixed(1) ?? 'never'} s; removed, waiting for the report to go back`);
  const revertedSeconds = await waitFor(before);
  return { clinicId, visitDate: visit.purchased_on, amount: AMOUNT, visibleSeconds, dbCpuSeconds: cpu, slowLog: window, revertedSeconds };
}
