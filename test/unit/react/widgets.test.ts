// @vitest-environment happy-dom
/**
 * The React adapter's widget components (dashboard/react/widgets.ts): props → the custom element's
 * attributes and `getToken` property, all set before the element connects, and the element's DOM
 * events → callback props. The element here is a small recording custom element under the widget's
 * tag (the real widgets are driven in Chromium by test/browser/embed-react.test.ts).
 */
import { act, createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseFilters } from '../../../dashboard/src/embed/widget-options.js';
import { parseReportState } from '../../../dashboard/src/lib/report-state.js';
import {
  ServiceCodeUsageChart,
  ServiceCodeUsageFigure,
  ServiceCodeUsageReport,
  WIDGET_EVENTS,
  widgetAttributes,
} from '../../../dashboard/react/index.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** What each element had when it connected, and every attribute change after. */
class Recording extends HTMLElement {
  static observedAttributes = ['api-url', 'token', 'filters', 'measure', 'kind', 'theme', 'locale', 'currency'];
  getToken?: unknown;
  atConnect: { attributes: Record<string, string>; getToken: unknown } | null = null;
  changes: string[] = [];
  connectedCallback() {
    this.atConnect = {
      attributes: Object.fromEntries([...this.attributes].map((a) => [a.name, a.value])),
      getToken: this.getToken,
    };
  }
  attributeChangedCallback(name: string) {
    if (this.isConnected) this.changes.push(name);
  }
}

beforeAll(() => {
  for (const tag of ['scu-report', 'scu-chart', 'scu-figure']) customElements.define(tag, class extends Recording {});
});

let root: Root | null = null;
let container: HTMLElement;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
  container?.remove();
});
function render(element: ReturnType<typeof createElement>): void {
  if (!root) {
    container = document.createElement('main');
    document.body.append(container);
    root = createRoot(container);
  }
  act(() => root!.render(element));
}
const widget = (tag: string) => container.querySelector(tag) as Recording;

const FILTERS = {
  from: '2026-07-01',
  to: '2026-09-30',
  payors: [12, 'none'],
  codes: '97110,97140',
  billing: 'billable',
  compare: 'previous',
} as const;

describe('props → attributes', () => {
  it('writes the filters object as the JSON the widget reads with the URL’s meaning, and leaves absent props out', () => {
    const attributes = widgetAttributes({
      apiUrl: 'https://reports.example.com/cubejs-api/v1',
      measure: 'units_billed',
      filters: FILTERS,
      theme: 'dark',
    });
    expect(attributes).toEqual({
      'api-url': 'https://reports.example.com/cubejs-api/v1',
      measure: 'units_billed',
      filters: JSON.stringify(FILTERS),
      theme: 'dark',
    });
    expect(parseFilters(attributes.filters)).toEqual(
      parseReportState('?from=2026-07-01&to=2026-09-30&payors=12,none&codes=97110,97140&billing=billable&compare=previous'),
    );
    expect(widgetAttributes({ apiUrl: '/api', filters: null, token: '', locale: null, className: 'kpi', id: 'paid' })).toEqual({
      'api-url': '/api',
      class: 'kpi',
      id: 'paid',
    });
  });

  it('renders each component as its element with every attribute and getToken set before it connects', () => {
    const getToken = async () => 'a.b.c';
    render(
      createElement('div', null, [
        createElement(ServiceCodeUsageFigure, {
          key: 'f',
          apiUrl: '/cubejs-api/v1',
          measure: 'insurance_paid',
          filters: FILTERS,
          getToken,
          locale: 'en-GB',
          currency: 'GBP',
        }),
        createElement(ServiceCodeUsageChart, { key: 'c', apiUrl: '/cubejs-api/v1', kind: 'top-codes', token: 't.o.k' }),
        createElement(ServiceCodeUsageReport, {
          key: 'r',
          apiUrl: '/cubejs-api/v1',
          theme: 'dark',
          style: { '--scu-accent': 'rebeccapurple' },
        }),
      ]),
    );
    expect(widget('scu-figure').atConnect).toEqual({
      attributes: {
        'api-url': '/cubejs-api/v1',
        measure: 'insurance_paid',
        filters: JSON.stringify(FILTERS),
        locale: 'en-GB',
        currency: 'GBP',
      },
      getToken,
    });
    expect(widget('scu-chart').atConnect).toEqual({
      attributes: { 'api-url': '/cubejs-api/v1', kind: 'top-codes', token: 't.o.k' },
      getToken: undefined,
    });
    expect(widget('scu-report').atConnect!.attributes).toMatchObject({ 'api-url': '/cubejs-api/v1', theme: 'dark' });
    expect(widget('scu-report').style.getPropertyValue('--scu-accent')).toBe('rebeccapurple');
  });

  it('follows new props, rewrites no attribute that did not change, and removes those no longer given', () => {
    const figure = (filters: object | null, theme?: 'dark') =>
      createElement(ServiceCodeUsageFigure, { apiUrl: '/cubejs-api/v1', measure: 'units_billed', filters, token: 'one', theme });
    render(figure({ ...FILTERS }, 'dark'));
    const element = widget('scu-figure');
    render(figure({ ...FILTERS }, 'dark'));
    expect(element.changes).toEqual([]);
    render(figure({ from: '2026-10-01', to: '2026-10-31' }));
    expect(widget('scu-figure')).toBe(element);
    expect(element.getAttribute('filters')).toBe('{"from":"2026-10-01","to":"2026-10-31"}');
    expect(element.hasAttribute('theme')).toBe(false);
    expect(element.changes.sort()).toEqual(['filters', 'theme']);
    render(figure(null));
    expect(element.hasAttribute('filters')).toBe(false);
  });
});

describe('events → callback props', () => {
  it('calls each callback with its event’s detail, only for the element’s own events, with the latest callback', () => {
    const first = vi.fn();
    const calls: [string, unknown][] = [];
    const callbacks = Object.fromEntries(Object.keys(WIDGET_EVENTS).map((prop) => [prop, (detail: unknown) => calls.push([prop, detail])]));
    render(createElement(ServiceCodeUsageReport, { apiUrl: '/cubejs-api/v1', ...callbacks, onLoaded: first }));
    const element = widget('scu-report');
    const fire = (target: Element, name: string, detail: unknown) =>
      target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
    fire(element, 'scu-loaded', { ms: 812 });
    expect(first).toHaveBeenCalledWith({ ms: 812 });
    render(createElement(ServiceCodeUsageReport, { apiUrl: '/cubejs-api/v1', ...callbacks }));
    const details: Record<string, unknown> = {
      'scu-ready': {},
      'scu-loaded': { ms: 5 },
      'scu-error': { kind: 'config', message: 'filters is not valid JSON' },
      'scu-filters-change': { filters: { from: '2026-07-01', to: '2026-09-30', payors: ['12'] } },
      'scu-drill': { figure: 'units_billed', period: 'report', from: '2026-07-01', to: '2026-09-30', narrow: {} },
      'scu-export': { rows: 14 },
      'scu-resize': { height: 420 },
      'scu-token-expiring': { expiresAt: 1_800_000_000_000 },
    };
    for (const name of Object.values(WIDGET_EVENTS)) fire(element, name, details[name]);
    expect(calls).toEqual(Object.entries(WIDGET_EVENTS).map(([prop, name]) => [prop, details[name]]));
    expect(first).toHaveBeenCalledTimes(1);
    // An event of another element inside it (bubbling through) is not the widget's.
    calls.length = 0;
    const inner = document.createElement('span');
    element.append(inner);
    fire(inner, 'scu-loaded', { ms: 1 });
    expect(calls).toEqual([]);
  });

  it('removes the element and stops listening on unmount', () => {
    const onLoaded = vi.fn();
    render(createElement(ServiceCodeUsageFigure, { apiUrl: '/cubejs-api/v1', measure: 'units_billed', onLoaded }));
    const element = widget('scu-figure');
    act(() => root!.unmount());
    root = null;
    expect(element.isConnected).toBe(false);
    element.dispatchEvent(new CustomEvent('scu-loaded', { detail: { ms: 1 } }));
    expect(onLoaded).not.toHaveBeenCalled();
  });
});
