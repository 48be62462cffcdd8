/**
 * CSV export (RFC 4180, CRLF). Text that a spreadsheet would run as a formula — a cell starting with
 * = + - @, a tab or a carriage return — gets a leading apostrophe (OWASP, "CSV injection"). Figures
 * the dashboard itself formats from numbers are written as plain numbers so they stay numbers.
 */
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

const textCell = (text: string): string => quoteCsv(neutralizeFormula(text));

/** A figure the dashboard formatted itself: -12.50, 3, 45.0%. Anything else is treated as text. */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?%?$/;
const numberCell = (text: string): string => (PLAIN_NUMBER.test(text) ? text : textCell(text));

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
