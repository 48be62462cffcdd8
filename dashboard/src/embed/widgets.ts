/**
 * The embedding script, served at /embed/widgets.js (docs/embedding.md). Loading it registers the
 * widgets' custom elements and `window.ServiceCodeUsage`, the same widgets for portals that do not
 * write custom elements themselves: `mount(element, options)` → `{ update(options), refresh(), unmount() }`.
 *
 * Elements: `<scu-report>`, `<scu-chart kind="…">`, `<scu-figure measure="…">`, `<scu-explorer query="…">`; mounting another widget
 * says which there are instead of leaving an empty element.
 */
import { defineAsyncComponent, defineCustomElement, type Component, type DefineComponent } from 'vue';
import ScuFigure from './ScuFigure.ce.vue';
import { optionAttributes, WIDGET_TAGS as ELEMENTS, type WidgetAttributeOptions, type WidgetKind } from './widget-elements.js';

if (!customElements.get(ELEMENTS.figure)) customElements.define(ELEMENTS.figure, defineCustomElement(ScuFigure));
// The report and its charts (and ECharts) in a chunk of their own, fetched when the first of them connects.
const lazy = (load: () => Promise<Component>) => defineCustomElement(defineAsyncComponent(load) as DefineComponent);
if (!customElements.get(ELEMENTS.report))
  customElements.define(
    ELEMENTS.report,
    lazy(() => import('./report-element.js').then((m) => m.report)),
  );
if (!customElements.get(ELEMENTS.chart))
  customElements.define(
    ELEMENTS.chart,
    lazy(() => import('./report-element.js').then((m) => m.chart)),
  );
if (!customElements.get(ELEMENTS.explorer))
  customElements.define(
    ELEMENTS.explorer,
    lazy(() => import('./explorer-element.js').then((m) => m.explorer)),
  );

export interface MountOptions extends WidgetAttributeOptions {
  widget: WidgetKind;
  apiUrl: string;
  getToken?: () => Promise<string> | string;
  /** The URL contract's filter names, as an object. */
  filters?: Record<string, unknown>;
}

function apply(element: HTMLElement & { getToken?: unknown }, options: Partial<MountOptions>): void {
  for (const [name, value] of Object.entries(optionAttributes(options))) {
    if (value === null) element.removeAttribute(name);
    else element.setAttribute(name, value);
  }
  if (options.getToken !== undefined) element.getToken = options.getToken;
}

/** Puts a widget inside `container` (replacing nothing else in it); the handle updates or removes it. */
export function mount(container: Element, options: MountOptions) {
  if (!(container instanceof Element)) throw new TypeError('ServiceCodeUsage.mount: the first argument must be a DOM element');
  const tag = ELEMENTS[options?.widget];
  if (!tag)
    throw new TypeError(
      `ServiceCodeUsage.mount: widget must be one of ${Object.keys(ELEMENTS).join(', ')}, got ${JSON.stringify(options?.widget)}`,
    );
  const element = document.createElement(tag) as HTMLElement & { refresh?: () => void };
  apply(element, options);
  container.append(element);
  return {
    element,
    update: (next: Partial<Omit<MountOptions, 'widget'>>) => apply(element, next),
    refresh: () => element.refresh?.(),
    unmount: () => element.remove(),
  };
}

declare global {
  interface Window {
    ServiceCodeUsage?: { version: 1; mount: typeof mount };
  }
}
window.ServiceCodeUsage = { version: 1, mount };
