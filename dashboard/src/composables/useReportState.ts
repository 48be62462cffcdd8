import { onScopeDispose, shallowRef, type ShallowRef } from 'vue';
import { parseReportState, sameState, serializeReportState, type ReportState } from '../lib/report-state.js';

interface ReportStateControl {
  state: Readonly<ShallowRef<ReportState>>;
  /** Changes the state and the address bar: 'push' makes a history entry (Back returns to the
   * previous view), 'replace' does not (filling in defaults). */
  update(patch: Partial<ReportState>, mode?: 'push' | 'replace'): void;
}

/** The report's state, held in the URL's query string (docs/contract.md, "Dashboard URL"). */
export function useReportState(win: Window = window): ReportStateControl {
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
