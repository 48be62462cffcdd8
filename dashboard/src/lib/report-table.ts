/**
 * The report table as data: columns (header text, definition, kind) and cells (display text, CSV text,
 * sort key), built from the API's rows. The table component and the CSV export both render this one
 * model, so the export is exactly what is shown.
 */
import { centsToDecimal, changeRatio, ratio, toCents, toCount } from './decimal.js';
import type { Formatters } from './format.js';
import { DERIVED_MEASURES, GROUP_DEFINITIONS, MEASURES } from './report-query.js';
import { NONE_ID, type GroupBy, type SortDirection } from './report-state.js';

export type RawRow = Record<string, unknown>;

export interface Figures {
  units: bigint;
  visits: bigint;
  /** Money in integer cents. */
  billed: bigint;
  paid: bigint;
}

/** The model's derived figures for a row (absent members read as null). */
interface DerivedFigures {
  patients: bigint | null;
  /** Cents. */
  billedPerUnit: bigint | null;
  paidPerUnit: bigint | null;
  paidPerVisit: bigint | null;
  unitsPerVisit: number | null;
  paidRatio: number | null;
}

export function figuresOf(row: RawRow | undefined): Figures {
  return {
    units: toCount(row?.[MEASURES.units]),
    visits: toCount(row?.[MEASURES.visits]),
    billed: toCents(row?.[MEASURES.billed]),
    // A group with no insurance payments reads 0.00, never empty (docs/host-database.md).
    paid: toCents(row?.[MEASURES.paid]),
  };
}

const present = (v: unknown) => v !== null && v !== undefined && v !== '';
const number = (v: unknown) => (present(v) ? Number(v) : null);

export function derivedOf(row: RawRow | undefined): DerivedFigures {
  const d = DERIVED_MEASURES;
  const cents = (v: unknown) => (present(v) ? toCents(v) : null);
  return {
    patients: present(row?.[d.patients]) ? toCount(row?.[d.patients]) : null,
    billedPerUnit: cents(row?.[d.billedPerUnit]),
    paidPerUnit: cents(row?.[d.paidPerUnit]),
    paidPerVisit: cents(row?.[d.paidPerVisit]),
    unitsPerVisit: number(row?.[d.unitsPerVisit]),
    paidRatio: number(row?.[d.paidRatio]),
  };
}

interface ReportRow {
  /** The value a filter or drill-down on this row uses (NONE_ID for Self-pay / No case). */
  id: string;
  labels: string[];
  figures: Figures;
  derived: DerivedFigures;
  /** undefined: no comparison; null: the group did not occur in the comparison period. */
  previous?: Figures | null;
}

function rowId(group: GroupBy, row: RawRow): string {
  const value = row[GROUP_DEFINITIONS[group].key];
  if (group === 'billing_type') return value === 'Non-billable' ? 'non-billable' : 'billable';
  return value === null || value === undefined || value === '' ? NONE_ID : String(value);
}

export function buildRows(group: GroupBy, rows: readonly RawRow[], previousRows: readonly RawRow[] | null): ReportRow[] {
  const def = GROUP_DEFINITIONS[group];
  const previousById = previousRows ? new Map(previousRows.map((r) => [rowId(group, r), r])) : null;
  return rows.map((row) => {
    const id = rowId(group, row);
    const labels = [def.name, ...def.details.map((d) => d.member)].map((member) => String(row[member] ?? ''));
    const result: ReportRow = { id, labels, figures: figuresOf(row), derived: derivedOf(row) };
    if (previousById) {
      const previous = previousById.get(id);
      result.previous = previous ? figuresOf(previous) : null;
    }
    return result;
  });
}

export interface Cell {
  text: string;
  /** The value written to CSV: exact decimals without grouping separators. */
  csv: string;
  sort: number | string | null;
  /** More detail on hover (the comparison value). */
  title?: string;
  tone?: 'up' | 'down';
}

type ColumnKind = 'label' | 'count' | 'money' | 'decimal' | 'percent' | 'change';

interface ReportColumn {
  id: string;
  header: string;
  description: string;
  kind: ColumnKind;
}

export interface ReportTable {
  columns: ReportColumn[];
  rows: { id: string; cells: Cell[] }[];
  totals: Cell[];
}

interface TableContext {
  group: GroupBy;
  fmt: Formatters;
  /** Member descriptions from /meta, by full member name. */
  descriptions: Readonly<Record<string, string | undefined>>;
  totals: Figures;
  totalsDerived: DerivedFigures;
  /** Present when comparing: the comparison period's totals. */
  previousTotals?: Figures | null;
  /** Label of the comparison period, for headers and hovers ("previous period"). */
  comparisonLabel?: string;
}

const empty = (): Cell => ({ text: '—', csv: '', sort: null });

function moneyCell(cents: bigint | null, fmt: Formatters): Cell {
  return cents === null ? empty() : { text: fmt.money(cents), csv: centsToDecimal(cents), sort: Number(cents) };
}

function countCell(value: bigint | null, fmt: Formatters): Cell {
  return value === null ? empty() : { text: fmt.count(value), csv: value.toString(), sort: Number(value) };
}

function decimalCell(value: number | null, fmt: Formatters): Cell {
  return value === null ? empty() : { text: fmt.decimal(value), csv: value.toFixed(2), sort: value };
}

function percentCell(value: number | null, fmt: Formatters): Cell {
  return value === null ? empty() : { text: fmt.percent(value), csv: `${(value * 100).toFixed(1)}%`, sort: value };
}

function changeCell(
  current: bigint,
  previous: Figures | null | undefined,
  pick: (f: Figures) => bigint,
  fmt: Formatters,
  show: (v: bigint) => string,
): Cell {
  if (previous === undefined) return empty();
  if (previous === null) return { text: 'new', csv: 'new', sort: Number.POSITIVE_INFINITY, title: 'Not present in the comparison period' };
  const before = pick(previous);
  const title = `Comparison period: ${show(before)}`;
  const delta = changeRatio(current, before);
  if (delta === null) return { text: current === 0n ? '—' : 'new', csv: current === 0n ? '' : 'new', sort: null, title };
  const cell: Cell = { text: fmt.change(delta), csv: `${(delta * 100).toFixed(1)}%`, sort: delta, title };
  if (delta > 0) cell.tone = 'up';
  else if (delta < 0) cell.tone = 'down';
  return cell;
}

interface FigureColumn extends ReportColumn {
  value(f: Figures, d: DerivedFigures, previous: Figures | null | undefined): Cell;
}

const BASE: { id: string; header: string; measure: string; money: boolean; pick: (f: Figures) => bigint }[] = [
  { id: 'units_billed', header: 'Units Billed', measure: MEASURES.units, money: false, pick: (f) => f.units },
  { id: 'visits_used', header: '# of Visits Used', measure: MEASURES.visits, money: false, pick: (f) => f.visits },
  { id: 'total_billed', header: 'Total Billed', measure: MEASURES.billed, money: true, pick: (f) => f.billed },
  { id: 'insurance_paid', header: 'Insurance Paid', measure: MEASURES.paid, money: true, pick: (f) => f.paid },
];

function figureColumns(ctx: TableContext): FigureColumn[] {
  const { fmt } = ctx;
  const about = (member: string, fallback: string) => ctx.descriptions[member] ?? fallback;
  const d = DERIVED_MEASURES;
  const cols: FigureColumn[] = BASE.map((fig) => ({
    id: fig.id,
    header: fig.header,
    description: about(fig.measure, fig.header),
    kind: fig.money ? 'money' : 'count',
    value: (f) => (fig.money ? moneyCell(fig.pick(f), fmt) : countCell(fig.pick(f), fmt)),
  }));
  cols.push(
    {
      id: 'patients_seen',
      header: 'Patients Seen',
      description: about(d.patients, 'Distinct patients.'),
      kind: 'count',
      value: (_f, x) => countCell(x.patients, fmt),
    },
    {
      id: 'billed_per_unit',
      header: 'Billed per Unit',
      description: about(d.billedPerUnit, 'Total Billed ÷ Units Billed.'),
      kind: 'money',
      value: (_f, x) => moneyCell(x.billedPerUnit, fmt),
    },
    {
      id: 'paid_per_unit',
      header: 'Paid per Unit',
      description: about(d.paidPerUnit, 'Insurance Paid ÷ Units Billed.'),
      kind: 'money',
      value: (_f, x) => moneyCell(x.paidPerUnit, fmt),
    },
    {
      id: 'paid_per_visit',
      header: 'Paid per Visit',
      description: about(d.paidPerVisit, 'Insurance Paid ÷ # of Visits Used.'),
      kind: 'money',
      value: (_f, x) => moneyCell(x.paidPerVisit, fmt),
    },
    {
      id: 'units_per_visit',
      header: 'Units per Visit',
      description: about(d.unitsPerVisit, 'Units Billed ÷ # of Visits Used.'),
      kind: 'decimal',
      value: (_f, x) => decimalCell(x.unitsPerVisit, fmt),
    },
    {
      id: 'paid_ratio',
      header: 'Paid ÷ Billed',
      description: about(d.paidRatio, 'Insurance Paid ÷ Total Billed.'),
      kind: 'percent',
      value: (_f, x) => percentCell(x.paidRatio, fmt),
    },
    {
      id: 'unit_share',
      header: 'Share of Units',
      description: "Units Billed as a share of the report's total Units Billed (the totals row).",
      kind: 'percent',
      value: (f) => percentCell(ratio(f.units, ctx.totals.units), fmt),
    },
  );
  if (ctx.previousTotals !== undefined) {
    for (const fig of BASE) {
      const show = (v: bigint) => (fig.money ? fmt.money(v) : fmt.count(v));
      cols.push({
        id: `${fig.id}_change`,
        header: `Δ ${fig.header}`,
        description: `Change in ${fig.header} against the ${ctx.comparisonLabel ?? 'comparison period'}.`,
        kind: 'change',
        value: (f, _x, previous) => changeCell(fig.pick(f), previous, fig.pick, fmt, show),
      });
    }
  }
  return cols;
}

export function buildTable(rows: readonly ReportRow[], ctx: TableContext): ReportTable {
  const def = GROUP_DEFINITIONS[ctx.group];
  const labelColumns: ReportColumn[] = [
    { id: 'name', header: def.label, description: ctx.descriptions[def.name] ?? def.label, kind: 'label' },
    ...def.details.map((d, i) => ({
      id: `detail_${i}`,
      header: d.label,
      description: ctx.descriptions[d.member] ?? d.label,
      kind: 'label' as const,
    })),
  ];
  const figures = figureColumns(ctx);
  const labelCell = (text: string): Cell => ({ text, csv: text, sort: text });
  return {
    columns: [...labelColumns, ...figures.map(({ value: _value, ...column }) => column)],
    rows: rows.map((row) => ({
      id: row.id,
      cells: [...row.labels.map(labelCell), ...figures.map((col) => col.value(row.figures, row.derived, row.previous))],
    })),
    totals: [
      labelCell('Total'),
      ...def.details.map(() => labelCell('')),
      ...figures.map((col) => col.value(ctx.totals, ctx.totalsDerived, ctx.previousTotals)),
    ],
  };
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Rows sorted by a column; empty values last whatever the direction. Stable. */
export function sortTable(table: ReportTable, sort: { column: string; direction: SortDirection } | null): ReportTable {
  if (!sort) return table;
  const index = table.columns.findIndex((c) => c.id === sort.column);
  if (index < 0) return table;
  const sign = sort.direction === 'asc' ? 1 : -1;
  const rows = table.rows
    .map((row, position) => ({ row, position }))
    .sort((a, b) => {
      const x = a.row.cells[index]!.sort;
      const y = b.row.cells[index]!.sort;
      if (x === null || y === null) return x === y ? a.position - b.position : x === null ? 1 : -1;
      const order = typeof x === 'string' || typeof y === 'string' ? collator.compare(String(x), String(y)) : x - y;
      return order === 0 ? a.position - b.position : sign * order;
    })
    .map(({ row }) => row);
  return { ...table, rows };
}
