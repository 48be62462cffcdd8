import { inject, onScopeDispose, provide, shallowRef, type InjectionKey, type ShallowRef } from 'vue';
import { NO_LOCKS, unlockedPatch, type FilterLocks } from '../lib/filter-locks.js';
import { parseReportState, sameState, serializeReportState, type ReportState } from '../lib/report-state.js';

export interface ReportStateControl {
  state: Readonly<ShallowRef<ReportState>>;
  /** Changes the state and the address bar: 'push' makes a history entry (Back returns to the
   * previous view), 'replace' does not (filling in defaults). */
  update(patch: Partial<ReportState>, mode?: 'push' | 'replace'): void;
}

const REPORT_STATE: InjectionKey<ReportStateControl> = Symbol('report-state');

/** Holds the report's state elsewhere than the address bar for every report below (an embedded widget). */
export function provideReportState(control: ReportStateControl): void {
  provide(REPORT_STATE, control);
}

/**
 * The report's state in memory (a widget's: a portal page's address is the portal's). The viewer's
 * changes (`update`) leave the filters the portal fixed (`locks`) as they are and are told to
 * `onChange`; the host's (`reset`, a new `filters` attribute) are not told.
 */
export function memoryReportState(
  initial: ReportState,
  onChange: (state: ReportState) => void = () => undefined,
  locks: () => FilterLocks = () => NO_LOCKS,
): ReportStateControl & { reset(state: ReportState): void } {
  const state = shallowRef<ReportState>(initial);
  return {
    state,
    update(patch) {
      const next: ReportState = { ...state.value, ...unlockedPatch(patch, locks()) };
      if (sameState(next, state.value)) return;
      state.value = next;
      onChange(next);
    },
    reset(next) {
      if (!sameState(next, state.value)) state.value = next;
    },
  };
}

/** The report's state, held in the URL's query string (docs/contract.md, "Dashboard URL"), unless an
 * ancestor provides it (provideReportState). */
export function useReportState(win: Window = window): ReportStateControl {
  const provided = inject(REPORT_STATE, null);
  if (provided) return provided;
  const state = shallowRef<ReportState>(parseReportState(win.location.search));

  function update(patch: Partial<ReportState>, mode: 'push' | 'replace' = 'push'): void {
    const next: ReportState = { ...state.value, ...patch };
    if (sameState(next, state.value)) return;
    state.value = next;
    const url = `${win.location.pathname}${serializeReportState(next)}${win.location.hash}`;
    if (mode === 'push') win.history.pushState(null, '', url);
    else win.history.replaceState(win.history.state, '', url);
  }

  const onPopState = () => {
    state.value = parseReportState(win.location.search);
  };
  win.addEventListener('popstate', onPopState);
  onScopeDispose(() => win.removeEventListener('popstate', onPopState));

  return { state, update };
}
