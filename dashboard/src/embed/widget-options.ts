/**
 * The embedded widgets' attributes (docs/embedding.md; DESIGN.md "Embedding contract"), read strictly:
 * a portal that writes a wrong filter, measure or locale gets a message saying which and why (shown in
 * the widget and sent as an `scu-error` event), never a blank box or figures silently unfiltered.
 * `filters` takes the dashboard URL's own names and means exactly what the URL means (the same parser).
 */
import { CHART_KINDS, type ChartKind } from '../lib/chart-kinds.js';
import { CONTROL_OF_KEY, type FilterLocks } from '../lib/filter-locks.js';
import { FIGURE_INFO } from '../lib/drill-lines.js';
import type { DrillFigure } from '../lib/drill.js';
import { isIsoDate } from '../lib/clinic-calendar.js';
import { GROUPS, parseReportState, serializeReportState, type ReportState } from '../lib/report-state.js';

export class WidgetConfigError extends Error {
  override name = 'WidgetConfigError';
}

/** The keys `filters` (and `locked`, `hidden`) may name: the report URL's parameters. */
export const FILTER_KEYS = [
  'from',
  'to',
  'providers',
  'payors',
  'case_types',
  'codes',
  'modifiers',
  'billing',
  'group',
  'compare',
] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
const LIST_KEYS: readonly FilterKey[] = ['providers', 'payors', 'case_types', 'codes'];

/** The measures a `<scu-figure>` can show: those of service_code_usage the report shows. */
export type FigureMeasure = Exclude<DrillFigure, 'lines'>;
export const FIGURE_MEASURES = Object.keys(FIGURE_INFO).filter((m) => m !== 'lines') as FigureMeasure[];

const describe = (value: unknown) => JSON.stringify(value) ?? String(value);

function listValue(key: string, value: unknown): string {
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : null;
  if (!items || !items.every((v) => (typeof v === 'string' && v.trim() !== '') || (typeof v === 'number' && Number.isInteger(v))))
    throw new WidgetConfigError(`filters.${key} must be a list of ids (an array, or a comma-separated string), got ${describe(value)}`);
  return items.map((v) => String(v).trim()).join(',');
}

/** `modifiers`: an array of modifiers lists as the model writes them (["GP,59", "AT", "none"]): a list's
 * own commas make a comma-separated string ambiguous. Written as the URL has them (commas as spaces). */
function modifiersValue(value: unknown): string {
  const valid = (v: unknown) => typeof v === 'string' && (v === 'none' || /^[A-Z0-9]{1,5}(,[A-Z0-9]{1,5}){0,9}$/.test(v));
  if (!Array.isArray(value) || !value.every(valid))
    throw new WidgetConfigError(
      `filters.modifiers must be an array of modifiers lists such as ["GP,59", "AT", "none"], got ${describe(value)}`,
    );
  return (value as string[]).map((v) => v.replace(/,/g, ' ')).join(',');
}

function oneOfValue(key: string, value: unknown, allowed: readonly string[]): string {
  if (typeof value !== 'string' || !allowed.includes(value))
    throw new WidgetConfigError(`filters.${key} must be one of ${allowed.join(', ')}, got ${describe(value)}`);
  return value;
}

/** The `filters` attribute (a JSON object with the URL's names) as the report's state. Empty: no filter. */
export function parseFilters(text: string | null | undefined): ReportState {
  if (text === null || text === undefined || text.trim() === '') return parseReportState('');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new WidgetConfigError(`filters is not valid JSON (${(e as Error).message}): ${text.slice(0, 200)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new WidgetConfigError(`filters must be a JSON object such as {"from":"2026-01-01","to":"2026-01-31"}, got ${text.slice(0, 200)}`);
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(parsed)) {
    if (!(FILTER_KEYS as readonly string[]).includes(key))
      throw new WidgetConfigError(`filters has an unknown key "${key}": the keys are ${FILTER_KEYS.join(', ')}`);
    if (value === null) continue;
    if (key === 'from' || key === 'to') {
      if (typeof value !== 'string' || !isIsoDate(value))
        throw new WidgetConfigError(`filters.${key} must be a date of service as YYYY-MM-DD, got ${describe(value)}`);
      params.set(key, value);
    } else if (key === 'modifiers') params.set(key, modifiersValue(value));
    else if (LIST_KEYS.includes(key as FilterKey)) params.set(key, listValue(key, value));
    else if (key === 'billing') params.set(key, oneOfValue(key, value, ['billable', 'non-billable']));
    else if (key === 'group') params.set(key, oneOfValue(key, value, GROUPS));
    else params.set(key, oneOfValue(key, value, ['previous', 'last_year']));
  }
  const from = params.get('from');
  const to = params.get('to');
  if ((from === null) !== (to === null))
    throw new WidgetConfigError('filters must give both "from" and "to", or neither (the clinic’s last month)');
  if (from && to && from > to) throw new WidgetConfigError(`filters.from (${from}) is after filters.to (${to})`);
  return parseReportState(params.toString());
}

export function parseMeasure(text: string | null | undefined): FigureMeasure {
  if (!text) throw new WidgetConfigError(`measure is required: one of ${FIGURE_MEASURES.join(', ')}`);
  if (!(FIGURE_MEASURES as string[]).includes(text))
    throw new WidgetConfigError(`measure "${text}" is not a figure of the report: one of ${FIGURE_MEASURES.join(', ')}`);
  return text as FigureMeasure;
}

export function parseChartKind(text: string | null | undefined): ChartKind {
  if (!text) throw new WidgetConfigError(`kind is required: one of ${CHART_KINDS.join(', ')}`);
  if (!(CHART_KINDS as readonly string[]).includes(text))
    throw new WidgetConfigError(`kind "${text}" is not a chart of the report: one of ${CHART_KINDS.join(', ')}`);
  return text as ChartKind;
}

export function parseTheme(text: string | null | undefined): 'light' | 'dark' {
  if (!text || text === 'light') return 'light';
  if (text === 'dark') return 'dark';
  throw new WidgetConfigError(`theme must be light or dark, got ${describe(text)}`);
}

/** A BCP 47 locale, canonical; undefined: the clinic's. */
export function parseLocale(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  try {
    return Intl.getCanonicalLocales(text)[0];
  } catch {
    throw new WidgetConfigError(`locale must be a BCP 47 language tag such as en-US, got ${describe(text)}`);
  }
}

/** An ISO 4217 currency code; undefined: the clinic's. */
export function parseCurrency(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  if (!/^[A-Z]{3}$/.test(text)) throw new WidgetConfigError(`currency must be an ISO 4217 code such as USD, got ${describe(text)}`);
  return text;
}

/** The `api-url` attribute: the Cube API base of the plugin's server (https://host/cubejs-api/v1). */
export function parseApiUrl(text: string | null | undefined, base: string): string {
  if (!text) throw new WidgetConfigError('api-url is required: the plugin server’s API, such as https://reports.example.com/cubejs-api/v1');
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw new WidgetConfigError(`api-url is not a URL: ${describe(text)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new WidgetConfigError(`api-url must be http(s), got ${describe(text)}`);
  return url.href.replace(/\/$/, '');
}

/** The report's filters as a `filters` attribute's object (what parseFilters reads back): lists as arrays. */
export function filtersOf(state: ReportState): Record<string, string | string[]> {
  const params = new URLSearchParams(serializeReportState(state));
  const filters: Record<string, string | string[]> = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value === null) continue;
    if (key === 'modifiers') filters[key] = state.modifiers;
    else filters[key] = LIST_KEYS.includes(key) ? value.split(',') : value;
  }
  return filters;
}

/** `locked` and `hidden` (comma-separated filter names of the URL) as the controls they fix; a hidden
 * filter is locked too (a viewer could not see, let alone undo, a change to it). */
export function parseLocks(locked: string | null | undefined, hidden: string | null | undefined): FilterLocks {
  const controls = (attribute: string, text: string | null | undefined) =>
    (text ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean)
      .map((key) => {
        const control = CONTROL_OF_KEY[key];
        if (!control)
          throw new WidgetConfigError(`${attribute} names an unknown filter "${key}": the filters are ${FILTER_KEYS.join(', ')}`);
        return control;
      });
  const hiddenControls = new Set(controls('hidden', hidden));
  return { locked: new Set([...controls('locked', locked), ...hiddenControls]), hidden: hiddenControls };
}
