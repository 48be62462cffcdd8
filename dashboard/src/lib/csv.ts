/**
 * CSV export (RFC 4180, CRLF). Text that a spreadsheet would run as a formula — a cell starting with
 * = + - @, a tab or a carriage return — gets a leading apostrophe (OWASP, "CSV injection"). Figures
 * the dashboard itself formats from numbers are written as plain numbers so they stay numbers.
 */
import { lineCsvValue } from './drill-lines.js';
import type { LineColumn } from './drill.js';
import type { ReportTable } from './report-table.js';

const FORMULA_START = /^[=+\-@\t\r]/;

/** Neutralizes a text cell that a spreadsheet would evaluate as a formula. */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** Quotes a cell when it holds a delimiter, quote or line break. */
export function quoteCsv(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A text cell: formula-neutralized and quoted. */
export const textCell = (text: string): string => quoteCsv(neutralizeFormula(text));

/** A figure the dashboard formatted itself: -12.50, 3, 45.0%. Anything else is treated as text. */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?%?$/;
export const numberCell = (text: string): string => (PLAIN_NUMBER.test(text) ? text : textCell(text));

/**
 * The report as CSV: a title, the filters (label, value) lines, a blank line, then the table exactly
 * as shown (same columns, same order, every row) and its totals row.
 */
export function reportCsv(title: string, filters: readonly (readonly [string, string])[], table: ReportTable): string {
  const lines: string[] = [textCell(title)];
  for (const [label, value] of filters) lines.push(`${textCell(label)},${textCell(value)}`);
  lines.push('');
  lines.push(table.columns.map((c) => textCell(c.header)).join(','));
  const row = (cells: ReportTable['totals']) =>
    cells.map((cell, i) => (table.columns[i]!.kind === 'label' ? textCell(cell.csv) : numberCell(cell.csv))).join(',');
  for (const r of table.rows) lines.push(row(r.cells));
  lines.push(row(table.totals));
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * The visit lines of a drill as CSV: a title, the header lines (the report's filters and what the lines
 * were opened from), a blank line, the columns, every line with its exact values, then a totals line
 * (`totals`: exact text by column id; the first column says "Total").
 */
export function linesCsv(
  title: string,
  header: readonly (readonly [string, string])[],
  columns: readonly LineColumn[],
  lines: readonly Record<string, unknown>[],
  totals: Readonly<Record<string, string>>,
): string {
  const out: string[] = [textCell(title)];
  for (const [label, value] of header) out.push(`${textCell(label)},${textCell(value)}`);
  out.push('');
  out.push(columns.map((c) => textCell(c.header)).join(','));
  const cell = (column: LineColumn, text: string) =>
    column.kind === 'count' || column.kind === 'money' ? numberCell(text) : textCell(text);
  for (const line of lines) out.push(columns.map((c) => cell(c, lineCsvValue(c, line[c.member]))).join(','));
  out.push(columns.map((c, i) => (i === 0 ? textCell('Total') : cell(c, totals[c.id] ?? ''))).join(','));
  return `${out.join('\r\n')}\r\n`;
}
