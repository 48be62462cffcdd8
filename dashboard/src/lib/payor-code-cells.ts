/**
 * The payor × code heatmap's cells from the API's answer to `payorCodeQuery` (report-query.ts): each
 * cell's figures over the whole range and over its mature part (lib/payor-rates.ts). One function for
 * the chart and for the tests that check its flags against the database.
 */
import type { ResultSet } from '@cubejs-client/core';
import { toCents, toCount } from './decimal.js';
import { perUnit, type PayorCodeCell } from './payor-rates.js';
import { MEASURES, m } from './report-query.js';

type Row = Record<string, unknown>;

const key = (row: Row) => `${String(row[m('payor_id')])}\u0000${String(row[m('service_code')])}`;

/**
 * `resultSet` answers payorCodeQuery(state, range, mature): with compareDateRange (the mature part is
 * not the whole range) its second range is the mature part; otherwise every row is mature, or none
 * (`mature` null: no visit of the range is old enough).
 */
export function payorCodeCells(resultSet: ResultSet, compared: boolean, anyMature: boolean): PayorCodeCell[] {
  const parts = compared ? resultSet.decompose() : [resultSet];
  const rows = (parts[0]?.rawData() ?? []) as Row[];
  const matureRows = compared ? ((parts[1]?.rawData() ?? []) as Row[]) : anyMature ? rows : [];
  const matureByKey = new Map(matureRows.map((row) => [key(row), row]));
  return rows.map((row) => {
    const units = toCount(row[MEASURES.units]);
    const paid = toCents(row[MEASURES.paid]);
    const old = matureByKey.get(key(row));
    const matureUnits = old ? toCount(old[MEASURES.units]) : 0n;
    const maturePaid = old ? toCents(old[MEASURES.paid]) : 0n;
    return {
      payorId: String(row[m('payor_id')]),
      payorName: String(row[m('payor_name')] ?? ''),
      code: String(row[m('service_code')]),
      units,
      paid,
      perUnit: perUnit(paid, units),
      matureUnits,
      maturePaid,
      maturePerUnit: perUnit(maturePaid, matureUnits),
    };
  });
}
