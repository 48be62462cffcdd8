/**
 * The filters in words: the print header, the CSV's first lines and the screen reader's summary.
 */
import type { Formatters } from './format.js';
import { GROUP_LABELS } from './report-query.js';
import type { ReportState } from './report-state.js';

interface NamedOption {
  id: string;
  label: string;
}

type OptionLists = Partial<Record<'providers' | 'payors' | 'caseTypes' | 'codes', readonly NamedOption[]>>;

function names(ids: readonly string[], options: readonly NamedOption[] | undefined): string {
  if (ids.length === 0) return 'All';
  const byId = new Map((options ?? []).map((o) => [o.id, o.label]));
  return ids.map((id) => byId.get(id) ?? id).join('; ');
}

export function filterSummary(
  state: ReportState,
  options: OptionLists,
  fmt: Formatters | null,
  extra: { clinic?: string; comparison?: string } = {},
): [string, string][] {
  const lines: [string, string][] = [];
  if (extra.clinic) lines.push(['Clinic', extra.clinic]);
  if (state.from && state.to) {
    lines.push(['Dates of service', `${state.from} to ${state.to}${fmt ? ` (${fmt.dateRange(state.from, state.to)})` : ''}`]);
  }
  lines.push(
    ['Providers', names(state.providers, options.providers)],
    ['Payors', names(state.payors, options.payors)],
    ['Case types', names(state.caseTypes, options.caseTypes)],
    ['Service codes', state.codes.length ? state.codes.join('; ') : 'All'],
    // Only when set: most reports never filter by modifiers, and their headers stay as they were.
    ...(state.modifiers.length
      ? [['Modifiers', state.modifiers.map((m) => (m === 'none' ? 'No modifier' : m)).join('; ')] as [string, string]]
      : []),
    ['Billing type', state.billing === 'billable' ? 'Billable' : state.billing === 'non-billable' ? 'Non-billable' : 'All'],
    ['Rows by', GROUP_LABELS[state.group]],
  );
  if (extra.comparison) lines.push(['Compared with', extra.comparison]);
  return lines;
}
