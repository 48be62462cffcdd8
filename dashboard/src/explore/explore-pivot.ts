/**
 * The result as a pivot: some dimensions down the rows, the others across the columns, each measure
 * under every combination of the column values. It is shaped from the loaded result alone (no new
 * query), with exact totals of the additive measures. A compared period (`previous`) is not pivoted:
 * the comparison is shown in the flat table only, where its three columns per measure stay readable.
 */
import type { Formatters } from '../lib/format.js';
import type { ExploreResult, RawRow, RawValue, ResultColumn } from './explore-result.js';
import {
  formatValue,
  hasTotals,
  shownColumn,
  sumDecimals,
  totalLabel,
  type ShownCell,
  type ShownColumn,
  type ShownTable,
} from './explore-table.js';

/** Keys of the result's dimension and time columns: those down the rows and those across the columns. */
export interface PivotLayout {
  rows: string[];
  columns: string[];
}

const groupColumns = (result: ExploreResult) => result.columns.filter((c) => c.role !== 'measure');

/** Time across the columns and the other dimensions down the rows; without time, the last of 2+ dimensions across. */
export function defaultPivotLayout(result: ExploreResult): PivotLayout {
  const keys = groupColumns(result);
  const time = keys.find((c) => c.role === 'time');
  if (time) return { rows: keys.filter((c) => c !== time).map((c) => c.key), columns: [time.key] };
  if (keys.length >= 2) return { rows: keys.slice(0, -1).map((c) => c.key), columns: [keys.at(-1)!.key] };
  return { rows: keys.map((c) => c.key), columns: [] };
}

/** A layout that fits the result: unknown and repeated keys dropped, every dimension placed (leftovers down the rows). */
export function normalizePivotLayout(result: ExploreResult, layout: PivotLayout): PivotLayout {
  const known = new Set(groupColumns(result).map((c) => c.key));
  const placed = new Set<string>();
  const take = (keys: readonly string[]) =>
    keys.filter((key) => {
      if (!known.has(key) || placed.has(key)) return false;
      placed.add(key);
      return true;
    });
  const rows = take(layout.rows);
  const columns = take(layout.columns);
  return { rows: [...rows, ...[...known].filter((key) => !placed.has(key))], columns };
}

const valuesKey = (row: RawRow, columns: readonly ResultColumn[]) => JSON.stringify(columns.map((c) => row[c.key] ?? null));

/** The combinations of the column dimensions' values: time ascending, other values in order of first appearance. */
function columnCombinations(rows: readonly RawRow[], columns: readonly ResultColumn[]): { key: string; values: RawValue[] }[] {
  const combinations = new Map<string, RawValue[]>();
  for (const row of rows) {
    const key = valuesKey(row, columns);
    if (!combinations.has(key))
      combinations.set(
        key,
        columns.map((c) => row[c.key] ?? null),
      );
  }
  const ranks = columns.map((column, i) => {
    const seen = [...new Set([...combinations.values()].map((values) => values[i] ?? null))];
    if (column.role === 'time') {
      // ISO strings sort as times; an empty bucket goes last.
      seen.sort((a, b) => (a === null ? 1 : b === null ? -1 : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
    }
    return new Map(seen.map((value, rank) => [value, rank]));
  });
  const rankOf = (values: RawValue[]) => values.map((v, i) => ranks[i]!.get(v ?? null)!);
  return [...combinations]
    .map(([key, values]) => ({ key, values, rank: rankOf(values) }))
    .sort((a, b) => {
      for (let i = 0; i < a.rank.length; i++) if (a.rank[i] !== b.rank[i]) return a.rank[i]! - b.rank[i]!;
      return 0;
    })
    .map(({ key, values }) => ({ key, values }));
}

/**
 * The pivot table. Rows are the distinct combinations of the row dimensions in the result's order (the
 * query's order); an empty cell is a combination the result has no row for. With 2+ column
 * combinations, a 'Total · <measure>' column per additive measure; a totals row when there is a row
 * dimension and an additive measure. All totals are exact.
 */
export function pivotTable(result: ExploreResult, layout: PivotLayout, fmt: Formatters): ShownTable {
  const normal = normalizePivotLayout(result, layout);
  const byKey = new Map(result.columns.map((c) => [c.key, c]));
  const rowColumns = normal.rows.map((key) => byKey.get(key)!);
  const acrossColumns = normal.columns.map((key) => byKey.get(key)!);
  const measures = result.columns.filter((c) => c.role === 'measure');
  const additive = measures.filter((m) => m.additive);

  const groups = new Map<string, { first: RawRow; byCombination: Map<string, RawRow> }>();
  for (const row of result.rows) {
    const key = valuesKey(row, rowColumns);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { first: row, byCombination: new Map() }));
    const combination = valuesKey(row, acrossColumns);
    // Every dimension is placed, so a combination has one row; a repeat (not expected) keeps the first.
    if (!group.byCombination.has(combination)) group.byCombination.set(combination, row);
  }
  const combinations = columnCombinations(result.rows, acrossColumns);
  const withTotalColumns = combinations.length >= 2;

  const valueColumns: { shown: ShownColumn; measure: ResultColumn; combination: string }[] = [];
  for (const { key, values } of combinations) {
    const labels = values.map((value, i) => formatValue(acrossColumns[i]!, value, fmt).text).join(' · ');
    for (const measure of measures) {
      const header = acrossColumns.length === 0 ? measure.title : measures.length > 1 ? `${labels} · ${measure.title}` : labels;
      valueColumns.push({
        shown: { ...shownColumn(measure), key: `pivot:${key}:${measure.key}`, header },
        measure,
        combination: key,
      });
    }
  }
  const totalColumns: ShownColumn[] = withTotalColumns
    ? additive.map((m) => ({
        ...shownColumn(m),
        key: `total:${m.key}`,
        header: `Total · ${m.title}`,
        description: `${m.title} over all the columns. ${m.description}`.trim(),
      }))
    : [];

  const groupList = [...groups.values()];
  const valueOf = (group: (typeof groupList)[number], measure: ResultColumn, combination: string) =>
    group.byCombination.get(combination)?.[measure.key] ?? null;
  const acrossAll = (group: (typeof groupList)[number], measure: ResultColumn) => combinations.map((c) => valueOf(group, measure, c.key));
  const sumCell = (measure: ResultColumn, values: RawValue[]) => formatValue(measure, sumDecimals(values), fmt);
  const rows = groupList.map((group) => [
    ...rowColumns.map((c) => formatValue(c, group.first[c.key] ?? null, fmt)),
    ...valueColumns.map((c) => formatValue(c.measure, valueOf(group, c.measure, c.combination), fmt)),
    ...(withTotalColumns ? additive.map((m) => sumCell(m, acrossAll(group, m))) : []),
  ]);

  let totals: ShownCell[] | null = null;
  if (rowColumns.length > 0 && hasTotals(result.columns) && rows.length > 0) {
    const blank = (numeric: boolean): ShownCell => ({ text: '', csv: '', numeric, value: null });
    totals = [
      totalLabel(result),
      ...rowColumns.slice(1).map(() => blank(false)),
      ...valueColumns.map((c) =>
        c.measure.additive
          ? sumCell(
              c.measure,
              groupList.map((group) => valueOf(group, c.measure, c.combination)),
            )
          : blank(true),
      ),
      ...(withTotalColumns
        ? additive.map((m) =>
            sumCell(
              m,
              groupList.flatMap((group) => acrossAll(group, m)),
            ),
          )
        : []),
    ];
  }
  return {
    columns: [...rowColumns.map(shownColumn), ...valueColumns.map((c) => c.shown), ...totalColumns],
    rows,
    totals,
  };
}
