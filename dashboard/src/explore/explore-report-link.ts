/**
 * The report page's address for an explorer query, when the report can show the same slice: a query
 * on the report's view (or on one of the views that share its filter names), filtered only where the
 * report's filters reach (`equals` on provider, payor, case type, code, billing type; the date of
 * service range), grouped, if at all, by a dimension the report groups by. Otherwise the reason why not.
 */
import { GROUP_DEFINITIONS } from '../lib/report-query.js';
import { DEFAULT_STATE, serializeReportState, type GroupBy, type ReportState } from '../lib/report-state.js';
import { queryView, type ExploreQuery } from './explore-query.js';

/** The report is the Service Code Usage view's (visit_lines has the same members, over lines). */
const LINKABLE_VIEWS = ['service_code_usage', 'visit_lines'];

/** Dimension (without its view) → the report's grouping it identifies: each grouping's key and name
 * (report-query.ts); a code's description or type alone is not a grouping of the report. */
const GROUP_OF: ReadonlyMap<string, GroupBy> = new Map(
  (Object.entries(GROUP_DEFINITIONS) as [GroupBy, (typeof GROUP_DEFINITIONS)[GroupBy]][]).flatMap(([group, d]) =>
    [d.key, d.name].map((member) => [member.slice(member.indexOf('.') + 1), group] as const),
  ),
);

const ID_FILTERS = { provider_id: 'providers', payor_id: 'payors', case_type_id: 'caseTypes' } as const;
const BILLING_VALUES: Readonly<Record<string, ReportState['billing']>> = { Billable: 'billable', 'Non-billable': 'non-billable' };

export type ReportLink = { href: string } | { reason: string };

export function reportLinkOf(q: ExploreQuery, reportPath = '/'): ReportLink {
  const view = queryView(q);
  if (!view || !LINKABLE_VIEWS.includes(view)) return { reason: 'The report shows the Service Code Usage view only.' };
  const local = (member: string) => member.slice(view.length + 1);
  const state: ReportState = { ...DEFAULT_STATE, providers: [], payors: [], caseTypes: [], codes: [] };
  const groups = new Set(q.dimensions.map((d) => GROUP_OF.get(local(d))));
  if (groups.has(undefined)) return { reason: 'The report cannot group by every dimension of this query.' };
  if (groups.size > 1) return { reason: 'The report groups by one thing at a time.' };
  const group = [...groups][0];
  if (group) state.group = group;
  if (q.time) {
    if (local(q.time.dimension) !== 'date_of_service') return { reason: 'The report is by date of service.' };
    if (q.time.dateRange) {
      state.from = q.time.dateRange.from;
      state.to = q.time.dateRange.to;
    }
    state.compare = q.time.compare;
  }
  const filtered = q.filters.map((f) => f.member);
  // Two filters on one member are both applied (AND); the report's values of one filter are any-of.
  if (new Set(filtered).size < filtered.length) return { reason: 'The report has one filter per field.' };
  for (const f of q.filters) {
    const name = local(f.member);
    const ids = ID_FILTERS[name as keyof typeof ID_FILTERS];
    if (ids && f.operator === 'equals' && f.values.every((v) => /^[1-9]\d*$/.test(v))) state[ids].push(...f.values);
    else if (ids && f.operator === 'notSet') state[ids].push('none');
    else if (name === 'service_code' && f.operator === 'equals') state.codes.push(...f.values);
    else if (name === 'billing_type' && f.operator === 'equals' && f.values.length === 1 && BILLING_VALUES[f.values[0]!]) {
      state.billing = BILLING_VALUES[f.values[0]!]!;
    } else if (name === 'date_of_service' && f.operator === 'inDateRange' && f.values.length === 2 && !state.from) {
      [state.from, state.to] = [f.values[0]!.slice(0, 10), f.values[1]!.slice(0, 10)];
    } else {
      return { reason: `The report has no filter like "${f.member} ${f.operator}".` };
    }
  }
  // Without dates the report would show its default range (last month), not this query's rows.
  if (!state.from || !state.to) return { reason: 'The report needs a range of dates of service: set one.' };
  for (const key of ['providers', 'payors', 'caseTypes', 'codes'] as const) state[key] = [...new Set(state[key])];
  return { href: `${reportPath}${serializeReportState(state)}` };
}
