/**
 * Thin React components for the widgets of /embed/widgets.js (docs/embedding.md): each renders the
 * custom element itself (`<scu-report>`, `<scu-chart>`, `<scu-figure>`) with its props as the
 * element's attributes and properties, and the element's DOM events as callback props. The widgets
 * do the rest (their own client, token renewal, messages), exactly as on any portal page.
 *
 * widgets.js defines the elements: load it in the host page (`<script type="module"
 * src="https://reports.example.com/embed/widgets.js">`) or with `loadWidgets`; an element rendered
 * before that is upgraded when it arrives, with everything set on it kept.
 */
import { createElement, useLayoutEffect, useRef } from 'react';
import { OPTION_ATTRIBUTES, optionAttributes, WIDGET_TAGS } from '../src/embed/widget-elements.js';
import type { WidgetEventDetails } from '../src/embed/widget-events.js';
import type { FigureMeasure } from '../src/embed/widget-options.js';
import type { ChartKind } from '../src/lib/chart-kinds.js';
import type { ServiceCodeUsageWidgetFilters } from './queries.js';

export type { WidgetEventDetails } from '../src/embed/widget-events.js';
export type { FigureMeasure } from '../src/embed/widget-options.js';
export type { ChartKind } from '../src/lib/chart-kinds.js';

export { WIDGET_TAGS } from '../src/embed/widget-elements.js';

/** The widgets' events as callback props, each given the event's `detail`. */
export interface WidgetCallbacks {
  onReady?: (detail: WidgetEventDetails['scu-ready']) => void;
  onLoaded?: (detail: WidgetEventDetails['scu-loaded']) => void;
  onError?: (detail: WidgetEventDetails['scu-error']) => void;
  onFiltersChange?: (detail: WidgetEventDetails['scu-filters-change']) => void;
  onDrill?: (detail: WidgetEventDetails['scu-drill']) => void;
  onExport?: (detail: WidgetEventDetails['scu-export']) => void;
  onResize?: (detail: WidgetEventDetails['scu-resize']) => void;
  onTokenExpiring?: (detail: WidgetEventDetails['scu-token-expiring']) => void;
}

export const WIDGET_EVENTS = {
  onReady: 'scu-ready',
  onLoaded: 'scu-loaded',
  onError: 'scu-error',
  onFiltersChange: 'scu-filters-change',
  onDrill: 'scu-drill',
  onExport: 'scu-export',
  onResize: 'scu-resize',
  onTokenExpiring: 'scu-token-expiring',
} as const satisfies Record<keyof WidgetCallbacks, keyof WidgetEventDetails>;

export interface WidgetProps extends WidgetCallbacks {
  /** The plugin's Cube API base, `https://reports.example.com/cubejs-api/v1`. */
  apiUrl: string;
  token?: string | null;
  /** `() => Promise<string>`: set as the element's property (wins over `token`). */
  getToken?: (() => Promise<string> | string) | null;
  /** The report URL's filters (and `compare`), written as the `filters` attribute's JSON. */
  filters?: ServiceCodeUsageWidgetFilters | null;
  /** BCP 47 tag. */
  locale?: string | null;
  /** ISO 4217 code. */
  currency?: string | null;
  theme?: 'light' | 'dark' | null;
  /** Filter names the viewer cannot change / does not see (report and chart). */
  locked?: readonly string[] | null;
  hidden?: readonly string[] | null;
  /** The element's id and class. */
  id?: string | null;
  className?: string | null;
  /** The element's style as CSS names (`margin-block`, `--scu-accent`): the widgets are themed by `--scu-*`. */
  style?: Readonly<Record<string, string>> | null;
}

export type ReportProps = WidgetProps;
export interface ChartProps extends WidgetProps {
  kind: ChartKind;
}
export interface FigureProps extends WidgetProps {
  measure: FigureMeasure;
}

type AnyWidgetProps = WidgetProps & { kind?: string; measure?: string };

/** Every attribute a component may write (the others of the element are the widget's own). */
export const WIDGET_ATTRIBUTES = [...OPTION_ATTRIBUTES, 'id', 'class'] as const;
export type WidgetAttribute = (typeof WIDGET_ATTRIBUTES)[number];

/** The element's attributes for the props (as ServiceCodeUsage.mount writes them): absent values are
 * absent attributes; `filters` as JSON. */
export function widgetAttributes(props: AnyWidgetProps): Partial<Record<WidgetAttribute, string>> {
  const written = { ...optionAttributes(props), id: props.id, class: props.className };
  return Object.fromEntries(
    Object.entries(written).filter(([, value]) => value !== null && value !== undefined && value !== ''),
  ) as Partial<Record<WidgetAttribute, string>>;
}

/**
 * Writes the props on the element, as ServiceCodeUsage.mount does: the attributes (a changed one only,
 * so that re-rendering the same `filters` does not reset a report the viewer changed), the `getToken`
 * property, and the style's properties (those of `previousStyle` no longer given are removed).
 */
export function applyWidgetProps(
  element: HTMLElement & { getToken?: unknown },
  props: AnyWidgetProps,
  previousStyle: Readonly<Record<string, string>> | null = null,
): void {
  const attributes = widgetAttributes(props);
  for (const name of WIDGET_ATTRIBUTES) {
    const value = attributes[name];
    if (value === undefined) {
      if (element.hasAttribute(name)) element.removeAttribute(name);
    } else if (element.getAttribute(name) !== value) element.setAttribute(name, value);
  }
  const getToken = props.getToken ?? undefined;
  if (element.getToken !== getToken) element.getToken = getToken;
  for (const name of Object.keys(previousStyle ?? {})) if (!props.style || !(name in props.style)) element.style.removeProperty(name);
  for (const [name, value] of Object.entries(props.style ?? {})) element.style.setProperty(name, value);
}

/**
 * The element, made by hand inside a `display: contents` box (a box that draws nothing) rather than by
 * React: React sets a custom element's props after creating it, and a property only once the element
 * has it (a widget has `getToken` only once connected), so a `getToken` would be lost; here everything
 * is set first, then the element is appended, as ServiceCodeUsage.mount does. Removed on unmount.
 */
function Widget({ tag, props }: { tag: string; props: AnyWidgetProps }) {
  const box = useRef<HTMLDivElement>(null);
  const element = useRef<HTMLElement | null>(null);
  const latest = useRef(props);
  const style = useRef<Readonly<Record<string, string>> | null>(null);
  useLayoutEffect(() => {
    latest.current = props;
  });
  useLayoutEffect(() => {
    const el = document.createElement(tag);
    applyWidgetProps(el, latest.current);
    style.current = latest.current.style ?? null;
    // One listener per event, calling the latest callback prop, for the element's own events only.
    const listeners = Object.entries(WIDGET_EVENTS).map(([prop, event]) => {
      const listener = (e: Event) => {
        const callback = latest.current[prop as keyof WidgetCallbacks] as ((detail: unknown) => void) | undefined;
        if (e.target === el) callback?.((e as CustomEvent).detail);
      };
      el.addEventListener(event, listener);
      return () => el.removeEventListener(event, listener);
    });
    element.current = el;
    box.current!.append(el);
    return () => {
      listeners.forEach((remove) => remove());
      el.remove();
      element.current = null;
    };
  }, [tag]);
  useLayoutEffect(() => {
    if (!element.current) return;
    applyWidgetProps(element.current, props, style.current);
    style.current = props.style ?? null;
  });
  return createElement('div', { ref: box, style: { display: 'contents' } });
}

/** `<scu-report>`: the whole report, its state in the widget (changes told as onFiltersChange). */
export function ServiceCodeUsageReport(props: ReportProps) {
  return createElement(Widget, { tag: WIDGET_TAGS.report, props });
}

/** `<scu-chart kind>`: one of the report's charts. */
export function ServiceCodeUsageChart(props: ChartProps) {
  return createElement(Widget, { tag: WIDGET_TAGS.chart, props });
}

/** `<scu-figure measure>`: one figure of the report, with `filters.compare` its compared period. */
export function ServiceCodeUsageFigure(props: FigureProps) {
  return createElement(Widget, { tag: WIDGET_TAGS.figure, props });
}

const loading = new Map<string, Promise<void>>();

/**
 * Loads `<serverUrl>/embed/widgets.js` once per page (a `<script type="module">` in the head); resolves
 * when the widgets are defined. `serverUrl` is the plugin's server (`https://reports.example.com`),
 * whose SCU_ALLOWED_ORIGINS must list the portal's origin.
 */
export function loadWidgets(serverUrl: string): Promise<void> {
  const src = new URL('embed/widgets.js', new URL(serverUrl.replace(/\/?$/, '/'), document.baseURI)).href;
  let done = loading.get(src);
  if (!done) {
    done = new Promise<void>((resolve, reject) => {
      const script = document.createElement('script');
      script.type = 'module';
      script.src = src;
      script.onload = () => resolve();
      script.onerror = () => {
        loading.delete(src);
        script.remove();
        reject(new Error(`the widgets could not be loaded from ${src} (is this page's origin in SCU_ALLOWED_ORIGINS?)`));
      };
      document.head.append(script);
    }).then(() => Promise.all(Object.values(WIDGET_TAGS).map((tag) => customElements.whenDefined(tag))).then(() => undefined));
    loading.set(src, done);
  }
  return done;
}
