import { inject, provide, type InjectionKey } from 'vue';
import type { DrillSelection } from '../lib/drill.js';
import { NO_LOCKS, type FilterLocks } from '../lib/filter-locks.js';

/** What the report tells the page that embeds it as a widget (the `<scu-report>` element's events). */
export interface ReportHost {
  /** The report's first figures are on screen. */
  loaded(): void;
  /** The viewer opened the lines behind a figure. */
  drill(drill: Pick<DrillSelection, 'figure' | 'period' | 'from' | 'to' | 'narrow'>): void;
  /** The viewer exported the table as CSV (`rows`: lines of figures in it). */
  exported(rows: number): void;
  /** Filters the portal fixed (`locked`, `hidden`). */
  locks(): FilterLocks;
  /** The portal's `locale` and `currency`, when it set them. */
  formatting(): { locale?: string | undefined; currency?: string | undefined };
}

const REPORT_HOST: InjectionKey<ReportHost> = Symbol('report-host');

export function provideReportHost(host: ReportHost): void {
  provide(REPORT_HOST, host);
}

/** The widget host of the report below it; null on the report page itself. */
export function useReportHost(): ReportHost | null {
  return inject(REPORT_HOST, null);
}

/** The filters fixed for the viewer: none on the report page itself. */
export function useFilterLocks(): () => FilterLocks {
  const host = useReportHost();
  return () => host?.locks() ?? NO_LOCKS;
}
