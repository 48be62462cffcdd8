/**
 * A loaded result in the explorer's terms: its columns (the members' titles and formats from `meta`)
 * and its rows exactly as the API gave them. The table, the pivot, the chart and the CSV are all
 * shaped from this one value, so switching between them never asks the API again.
 */
import { comparisonRange, type DateRange } from '../lib/clinic-calendar.js';
import type { CatalogMember, Catalog, ValueFormat } from './explore-catalog.js';
import { timeKey, type ExploreQuery } from './explore-query.js';

export type RawValue = string | number | boolean | null;
export type RawRow = Readonly<Record<string, RawValue>>;

export interface ResultColumn {
  /** The key of the value in a result row: the member's name, or `member.granularity` for time. */
  key: string;
  member: string;
  /** The member's shortTitle; a time column adds its granularity: "Date of Service (month)". */
  title: string;
  description: string;
  role: 'dimension' | 'time' | 'measure';
  format: ValueFormat;
  additive: boolean;
  granularity: string | null;
}

export interface ExploreResult {
  /** The dimensions (in the query's order), then the time column, then the measures. */
  columns: ResultColumn[];
  rows: RawRow[];
  /** The rows of the compared period (compareDateRange's second range), or null. */
  previous: RawRow[] | null;
  /**
   * The compared ranges (the query's range and the one compareDateRange compared it with), or null: the
   * nth time bucket of one period goes with the nth of the other, counted from each range's start.
   */
  ranges: { current: DateRange; previous: DateRange } | null;
  /** The query's row limit was reached: there may be more rows than these. */
  truncated: boolean;
}

function unknownMember(name: string): CatalogMember {
  return {
    name,
    view: name.split('.')[0] ?? '',
    kind: 'dimension',
    type: 'string',
    title: name,
    description: '',
    format: 'text',
    additive: false,
  };
}

/** The result's columns, from the query and the catalog. */
export function resultColumns(query: ExploreQuery, catalog: Catalog): ResultColumn[] {
  const of = (name: string) => catalog.members.get(name) ?? unknownMember(name);
  const columns: ResultColumn[] = query.dimensions.map((name) => {
    const m = of(name);
    return {
      key: name,
      member: name,
      title: m.title,
      description: m.description,
      role: 'dimension',
      format: m.format,
      additive: false,
      granularity: null,
    };
  });
  const key = query.time && timeKey(query.time);
  if (query.time && key) {
    const m = of(query.time.dimension);
    columns.push({
      key,
      member: m.name,
      title: `${m.title} (${query.time.granularity})`,
      description: m.description,
      role: 'time',
      format: 'time',
      additive: false,
      granularity: query.time.granularity,
    });
  }
  for (const name of query.measures) {
    const m = of(name);
    columns.push({
      key: name,
      member: name,
      title: m.title,
      description: m.description,
      role: 'measure',
      format: m.format,
      additive: m.additive,
      granularity: null,
    });
  }
  return columns;
}

function comparedRanges(query: ExploreQuery): ExploreResult['ranges'] {
  const current = query.time?.dateRange;
  const mode = query.time?.compare;
  return current && mode ? { current: { ...current }, previous: comparisonRange(current, mode) } : null;
}

export function exploreResult(
  query: ExploreQuery,
  catalog: Catalog,
  rows: readonly RawRow[],
  previous: readonly RawRow[] | null,
): ExploreResult {
  return {
    columns: resultColumns(query, catalog),
    rows: [...rows],
    previous: previous ? [...previous] : null,
    ranges: comparedRanges(query),
    truncated: rows.length >= query.limit,
  };
}
