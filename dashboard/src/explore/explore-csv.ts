/**
 * The explorer's CSV, in the report's shape (lib/csv.ts, reportCsv): a title, the header lines
 * (label, value), a blank line, then the table exactly as shown (flat or pivot) and its totals row.
 */
import { numberCell, textCell } from '../lib/csv.js';
import type { ShownCell, ShownTable } from './explore-table.js';

/** A numeric cell's exact value ("-2.50", "-8.9%") is written as a number, as the report's CSV does; anything else is text. */
const cell = (c: ShownCell): string => (c.numeric ? numberCell(c.csv) : textCell(c.csv));

export function exploreCsv(title: string, header: readonly (readonly [string, string])[], table: ShownTable): string {
  const lines: string[] = [textCell(title)];
  for (const [label, value] of header) lines.push(`${textCell(label)},${textCell(value)}`);
  lines.push('');
  lines.push(table.columns.map((c) => textCell(c.header)).join(','));
  for (const row of table.rows) lines.push(row.map(cell).join(','));
  if (table.totals) lines.push(table.totals.map(cell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
