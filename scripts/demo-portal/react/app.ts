/**
 * The portal's React page (/react): the React adapter (dashboard/react/README.md) as a React portal
 * uses it. Bundled by Vite when the portal starts (bundle.ts). Written with `createElement` (`h`)
 * rather than JSX only so that the repository's TypeScript check reads this file as it is.
 */
import { createElement as h, useState } from 'react';
import { createRoot } from 'react-dom/client';
import {
  GROUPS,
  ServiceCodeUsageChart,
  ServiceCodeUsageFigure,
  ServiceCodeUsageProvider,
  loadWidgets,
  useServiceCodeUsage,
  type GroupBy,
  type ServiceCodeUsageFigures,
} from '../../../dashboard/react/index.js';

// The server fills these in (react.html): the plugin's address and the signed-in user's period.
const root = document.getElementById('root')!;
const { api = '', from = '', to = '' } = root.dataset;
const apiUrl = `${api}/cubejs-api/v1`;

/** The token from the portal's own server (server.ts, GET /token), as on the other pages. */
async function getToken(): Promise<string> {
  const res = await fetch('/token', { credentials: 'same-origin' });
  if (!res.ok) throw new Error(await res.text());
  return res.text();
}

const FIGURES = ['units_billed', 'visits_used', 'total_billed', 'insurance_paid'] as const;
const figureCells = (f: ServiceCodeUsageFigures) => FIGURES.map((k) => h('td', { key: k }, f[k]));

/** The portal's own table of the report's rows (the hook's data, the portal's markup). */
function UsageTable({ group }: { group: GroupBy }) {
  const { rows, totals, isLoading, error } = useServiceCodeUsage({ from, to, group });
  if (error) return h('p', { role: 'alert' }, error.message);
  if (isLoading || !rows || !totals) return h('p', null, 'Loading…');
  return h(
    'table',
    { id: 'usage' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ['', 'Units Billed', '# of Visits Used', 'Total Billed', 'Insurance Paid'].map((t) => h('th', { key: t }, t)),
      ),
    ),
    h(
      'tbody',
      null,
      rows.map((row) => h('tr', { key: row.id ?? 'none' }, h('th', null, row.name), figureCells(row))),
    ),
    h('tfoot', null, h('tr', null, h('th', null, 'Total'), figureCells(totals))),
  );
}

function App() {
  const [group, setGroup] = useState<GroupBy>('payor');
  const [log, setLog] = useState<string[]>([]);
  const note = (name: string) => (detail: unknown) =>
    setLog((lines) => [`${new Date().toLocaleTimeString('en-GB')}  ${name}  ${JSON.stringify(detail)}`, ...lines].slice(0, 30));
  return h(
    // One provider for the hooks; the widgets take their own token getter.
    ServiceCodeUsageProvider,
    { apiUrl, getToken },
    h(
      'section',
      { className: 'row' },
      h(
        'div',
        { className: 'card' },
        h(ServiceCodeUsageFigure, {
          id: 'react-units',
          apiUrl,
          getToken,
          measure: 'units_billed',
          filters: { from, to, compare: 'previous' },
          onReady: note('onReady'),
          onLoaded: note('onLoaded'),
          onError: note('onError'),
        }),
      ),
      h(
        'div',
        { className: 'card' },
        h(ServiceCodeUsageChart, { apiUrl, getToken, kind: 'payor-mix', filters: { from, to }, onLoaded: note('chart onLoaded') }),
      ),
    ),
    h(
      'section',
      { className: 'card' },
      h('h2', null, 'useServiceCodeUsage: the rows, in the portal’s own table'),
      h(
        'label',
        null,
        'Rows by ',
        h(
          'select',
          { value: group, onChange: (e: { target: { value: string } }) => setGroup(e.target.value as GroupBy) },
          GROUPS.map((g) => h('option', { key: g, value: g }, g)),
        ),
      ),
      h(UsageTable, { group }),
    ),
    h(
      'section',
      { className: 'card' },
      h('h2', null, 'Event log (callback props)'),
      h(
        'ol',
        { id: 'event-log' },
        log.map((l, i) => h('li', { key: log.length - i }, l)),
      ),
    ),
  );
}

// The widgets' script from the plugin (once per page), then the app.
void loadWidgets(api);
createRoot(root).render(h(App));
