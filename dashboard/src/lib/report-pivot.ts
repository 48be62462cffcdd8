/**
 * The code × provider pivot: Units Billed by service code (rows) and rendering provider (columns).
 * Units are whole numbers, so row and column sums computed here are exact.
 */
import { toCount } from './decimal.js';
import type { Formatters } from './format.js';
import { MEASURES, m } from './report-query.js';
import type { Cell, RawRow, ReportTable } from './report-table.js';

export function buildPivotTable(rows: readonly RawRow[], fmt: Formatters, unitsDescription: string): ReportTable {
  const providers = new Map<string, string>();
  const codes = new Map<string, Map<string, bigint>>();
  for (const row of rows) {
    const provider = String(row[m('provider_id')]);
    providers.set(provider, String(row[m('provider_name')] ?? provider));
    const code = String(row[m('service_code')]);
    if (!codes.has(code)) codes.set(code, new Map());
    codes.get(code)!.set(provider, toCount(row[MEASURES.units]));
  }
  const columns = [...providers].sort((a, b) => a[1].localeCompare(b[1]));
  const count = (v: bigint | undefined): Cell =>
    v === undefined ? { text: '—', csv: '', sort: null } : { text: fmt.count(v), csv: v.toString(), sort: Number(v) };
  const label = (text: string): Cell => ({ text, csv: text, sort: text });
  const sum = (values: Iterable<bigint>) => [...values].reduce((a, b) => a + b, 0n);
  const columnTotals = columns.map(([p]) => sum([...codes.values()].map((c) => c.get(p) ?? 0n)));
  return {
    columns: [
      { id: 'name', header: 'Service Code', description: 'One row per service code.', kind: 'label' },
      ...columns.map(([id, name]) => ({
        id: `provider_${id}`,
        header: name,
        description: `Units Billed rendered by ${name}.`,
        kind: 'count' as const,
      })),
      { id: 'units_billed', header: 'Units Billed', description: unitsDescription, kind: 'count' },
    ],
    rows: [...codes]
      .sort((a, b) => a[0].localeCompare(b[0], undefined, { numeric: true }))
      .map(([code, byProvider]) => ({
        id: code,
        cells: [label(code), ...columns.map(([p]) => count(byProvider.get(p))), count(sum(byProvider.values()))],
      })),
    totals: [label('Total'), ...columnTotals.map((v) => count(v)), count(sum(columnTotals))],
  };
}
