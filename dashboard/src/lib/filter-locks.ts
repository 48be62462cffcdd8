/**
 * Filters a portal fixes for a widget's viewer (`locked`: shown, not changeable; `hidden`: not shown,
 * not changeable). A convenience of the page, not a control: the token's scope claims are the control
 * (docs/security.md). Enforced on the widget's state itself, so that no path of the page (a control,
 * a chart's "Show only", "Clear filters") changes a fixed filter.
 */
import type { ReportState } from './report-state.js';

/** What the viewer sees as one control. */
export type FilterControl = 'dates' | 'providers' | 'payors' | 'caseTypes' | 'codes' | 'modifiers' | 'billing' | 'group' | 'compare';

/** Each URL filter name's control (`from` and `to` are one date range). */
export const CONTROL_OF_KEY: Readonly<Record<string, FilterControl>> = {
  from: 'dates',
  to: 'dates',
  providers: 'providers',
  payors: 'payors',
  case_types: 'caseTypes',
  codes: 'codes',
  modifiers: 'modifiers',
  billing: 'billing',
  group: 'group',
  compare: 'compare',
};

/** The state's fields each control sets (grouping includes the code × provider pivot). */
const FIELDS: Readonly<Record<FilterControl, readonly (keyof ReportState)[]>> = {
  dates: ['from', 'to'],
  providers: ['providers'],
  payors: ['payors'],
  caseTypes: ['caseTypes'],
  codes: ['codes'],
  modifiers: ['modifiers'],
  billing: ['billing'],
  group: ['group', 'pivot'],
  compare: ['compare'],
};

export interface FilterLocks {
  /** Not changeable (hidden ones included). */
  locked: ReadonlySet<FilterControl>;
  /** Not shown. */
  hidden: ReadonlySet<FilterControl>;
}

export const NO_LOCKS: FilterLocks = { locked: new Set(), hidden: new Set() };

/** The part of a change that leaves every fixed filter as it is. */
export function unlockedPatch(patch: Partial<ReportState>, locks: FilterLocks): Partial<ReportState> {
  const fixed = new Set([...locks.locked].flatMap((c) => FIELDS[c]));
  return Object.fromEntries(Object.entries(patch).filter(([field]) => !fixed.has(field as keyof ReportState))) as Partial<ReportState>;
}
