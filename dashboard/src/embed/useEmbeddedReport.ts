/**
 * The report inside a widget (`<scu-report>`, `<scu-chart>`): its state in memory, set by the `filters`
 * attribute and told to the portal when the viewer changes it, the filters the portal fixed (`locked`,
 * `hidden`) left as they are; what the viewer does told as events;
 * and a token the server refuses as expired handled without losing that state.
 */
import { ref, watch, type ComputedRef } from 'vue';
import { provideReportHost } from '../composables/useReportHost.js';
import { memoryReportState, provideReportState } from '../composables/useReportState.js';
import { NO_LOCKS, type FilterLocks } from '../lib/filter-locks.js';
import { parseReportState, type ReportState } from '../lib/report-state.js';
import type { useWidgetRoot, WidgetConfig } from './useWidgetRoot.js';
import { filtersOf } from './widget-options.js';

type Root = ReturnType<typeof useWidgetRoot>;

export function useEmbeddedReport(
  config: ComputedRef<WidgetConfig<{ state: ReportState; locks: FilterLocks }>>,
  root: Pick<Root, 'emit' | 'loaded' | 'invalidateToken'>,
  hasGetToken: () => boolean,
  token: () => string | undefined,
) {
  const { emit, loaded, invalidateToken } = root;
  const locks = () => (config.value.ok ? config.value.locks : NO_LOCKS);
  const state = memoryReportState(
    config.value.ok ? config.value.state : parseReportState(''),
    (s) => emit('scu-filters-change', { filters: filtersOf(s) }),
    locks,
  );
  provideReportState(state);
  watch(config, (c) => c.ok && state.reset(c.state));
  provideReportHost({
    loaded,
    drill: (drill) => emit('scu-drill', { ...drill }),
    exported: (rows) => emit('scu-export', { rows }),
    locks,
    formatting: () => (config.value.ok ? { locale: config.value.locale, currency: config.value.currency } : {}),
  });

  // With getToken the report starts again with a fresh token (its state is kept here, so the viewer's
  // filters, sort and open lines stay); with a plain token it says so until the portal sets a new one.
  const generation = ref(0);
  const expired = ref(false);
  function onExpired(): void {
    emit('scu-error', { kind: 'expired', message: 'Your access link has expired.' });
    if (hasGetToken()) {
      invalidateToken();
      generation.value++;
    } else expired.value = true;
  }
  watch(token, () => {
    if (!expired.value) return;
    expired.value = false;
    generation.value++;
  });

  return { generation, expired, onExpired, refresh: () => generation.value++ };
}
