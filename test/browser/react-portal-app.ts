/**
 * The React page of test/browser/embed-react.test.ts, bundled by that test (esbuild) and run in a
 * portal page of another origin: the React adapter (dashboard/react) as a host portal would use it.
 * It reads its API address and token from `window.API` and `window.TOKEN` (set by the test's page),
 * and leaves what it saw in `window.react` for the test.
 */
import { createElement as h, useState } from 'react';
import { createRoot } from 'react-dom/client';
import {
  ServiceCodeUsageFigure,
  ServiceCodeUsageProvider,
  useServiceCodeUsage,
  type ServiceCodeUsageFilters,
  type ServiceCodeUsageRow,
  type WidgetEventDetails,
} from '../../dashboard/react/index.js';

interface Seen {
  rows: ServiceCodeUsageRow[] | null;
  totals: unknown;
  range: unknown;
  error: string | null;
  events: { name: string; detail: unknown }[];
  tokenAsked: number;
}
const w = window as unknown as { API: string; TOKEN: string; FILTERS: ServiceCodeUsageFilters; react: Seen };
w.react = { rows: null, totals: null, range: null, error: null, events: [], tokenAsked: 0 };

function ReportTable() {
  const { rows, totals, range, isLoading, error } = useServiceCodeUsage(w.FILTERS);
  Object.assign(w.react, { rows, totals, range, error: error ? error.message : null });
  if (error) return h('p', { role: 'alert' }, error.message);
  if (isLoading || !rows || !totals) return h('p', { id: 'loading' }, 'Loading…');
  const cells = (f: { units_billed: string; visits_used: string; total_billed: string; insurance_paid: string }) =>
    [f.units_billed, f.visits_used, f.total_billed, f.insurance_paid].map((v, i) => h('td', { key: i }, v));
  return h(
    'table',
    { id: 'report' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ['Group', 'Units Billed', '# of Visits Used', 'Total Billed', 'Insurance Paid'].map((t) => h('th', { key: t }, t)),
      ),
    ),
    h(
      'tbody',
      null,
      rows.map((row) => h('tr', { key: row.id ?? 'none', 'data-id': row.id ?? 'none' }, h('th', null, row.name), cells(row))),
    ),
    h('tfoot', null, h('tr', null, h('th', null, 'Total'), cells(totals as Parameters<typeof cells>[0]))),
  );
}

function App() {
  const [loaded, setLoaded] = useState<WidgetEventDetails['scu-loaded'] | null>(null);
  const record = (name: string) => (detail: unknown) => w.react.events.push({ name, detail });
  return h(
    ServiceCodeUsageProvider,
    { apiUrl: w.API, token: w.TOKEN },
    h(ReportTable),
    h(ServiceCodeUsageFigure, {
      apiUrl: w.API,
      measure: 'units_billed',
      filters: { from: w.FILTERS.from, to: w.FILTERS.to },
      // The token through the element's getToken property (the adapter sets it before the element connects).
      getToken: async () => {
        w.react.tokenAsked += 1;
        return w.TOKEN;
      },
      onReady: record('ready'),
      onLoaded: (detail) => {
        record('loaded')(detail);
        setLoaded(detail);
      },
      onError: record('error'),
    }),
    loaded ? h('p', { id: 'figure-loaded' }, `figure loaded in ${loaded.ms} ms`) : null,
  );
}

createRoot(document.getElementById('root')!).render(h(App));
