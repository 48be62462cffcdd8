/**
 * The report's five filters in a query string: `providers`, `payors`, `case_types`, `codes`, `billing`
 * (docs/contract.md, "Dashboard URL"), and the same five under a prefix where a drill-through narrows
 * them (`drill_providers`, …; lib/drill.ts). One reader and one writer, so both read values alike.
 */
import type { ReportFilterValues } from './report-query.js';

export const BILLING_TYPES = ['billable', 'non-billable'] as const;
export type BillingFilter = (typeof BILLING_TYPES)[number];

/** A provider, payor or case type id; `none` stands for Self-pay and No case. */
const ID = /^(?:[1-9]\d{0,18}|none)$/;

function list(params: URLSearchParams, name: string, valid: (v: string) => boolean): string[] {
  const raw = params.get(name);
  if (!raw) return [];
  const values = raw
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '' && valid(v));
  return [...new Set(values)];
}

/**
 * A modifiers list in the URL: its commas are spaces there (`modifiers=GP+59,AT,none`), because the
 * parameter's own items are separated by commas; the state holds the list as the model writes it (GP,59).
 */
const MODIFIERS_IN_URL = /^[A-Z0-9]{1,5}( [A-Z0-9]{1,5}){0,9}$/;
const toUrlModifiers = (list: string): string => list.replace(/,/g, ' ');
const fromUrlModifiers = (item: string): string => item.replace(/ /g, ',');

export function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | null {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

/** Reads the five filters named `<prefix>providers` …; an invalid value is left out. */
export function readFilterParams(params: URLSearchParams, prefix = ''): ReportFilterValues & { modifiers: string[] } {
  return {
    providers: list(params, `${prefix}providers`, (v) => ID.test(v)),
    payors: list(params, `${prefix}payors`, (v) => ID.test(v)),
    caseTypes: list(params, `${prefix}case_types`, (v) => ID.test(v)),
    codes: list(params, `${prefix}codes`, (v) => v.length <= 40),
    modifiers: list(params, `${prefix}modifiers`, (v) => v === 'none' || MODIFIERS_IN_URL.test(v)).map(fromUrlModifiers),
    billing: oneOf(params.get(`${prefix}billing`), BILLING_TYPES),
  };
}

/** Writes the five filters under `prefix`, omitting the empty ones. */
export function writeFilterParams(params: URLSearchParams, values: ReportFilterValues, prefix = ''): void {
  if (values.providers.length) params.set(`${prefix}providers`, values.providers.join(','));
  if (values.payors.length) params.set(`${prefix}payors`, values.payors.join(','));
  if (values.caseTypes.length) params.set(`${prefix}case_types`, values.caseTypes.join(','));
  if (values.codes.length) params.set(`${prefix}codes`, values.codes.join(','));
  if (values.modifiers?.length) params.set(`${prefix}modifiers`, values.modifiers.map(toUrlModifiers).join(','));
  if (values.billing) params.set(`${prefix}billing`, values.billing);
}
