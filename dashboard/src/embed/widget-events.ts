/**
 * The widgets' events to the host page (DESIGN.md "Embedding contract"): DOM CustomEvents that bubble
 * and cross the shadow boundary (`composed`), so a portal can listen on the element or any ancestor.
 * Payloads never carry a token.
 */
import type { Query } from '@cubejs-client/core';
export interface WidgetEventDetails {
  'scu-ready': Record<string, never>;
  /** Milliseconds from the element's connection to its first data on screen. */
  'scu-loaded': { ms: number };
  'scu-error': { kind: 'config' | 'expired' | 'forbidden' | 'network' | 'server'; message: string };
  /** When the widget's token expires (epoch ms): set a new `token`, or give a `getToken`. */
  'scu-token-expiring': { expiresAt: number };
  /** The viewer changed the report's filters (the URL contract's keys; lists as arrays). */
  'scu-filters-change': { filters: Record<string, string | string[]> };
  /** The viewer opened the visit lines behind a figure (as the report page's iframe message). */
  'scu-drill': {
    figure: string;
    period: 'report' | 'comparison';
    from: string;
    to: string;
    narrow: Record<string, unknown>;
    /** A billing check the lines meet (docs/dashboard.md, "Billing checks"), when opened from one. */
    check?: string;
  };
  /** The viewer exported the table as CSV: how many rows of figures it held. */
  'scu-export': { rows: number };
  /** The analyst changed `<scu-explorer>`'s query (a Cube query, as the `query` attribute takes it). */
  'scu-query-change': { query: Query };
  /** The widget's content height in CSS pixels, whenever it changes. */
  'scu-resize': { height: number };
}
export type WidgetEventName = keyof WidgetEventDetails;

/** Every event, in one list (the iframe mode forwards each to its parent). */
export const WIDGET_EVENT_NAMES = [
  'scu-ready',
  'scu-loaded',
  'scu-filters-change',
  'scu-query-change',
  'scu-drill',
  'scu-export',
  'scu-error',
  'scu-token-expiring',
  'scu-resize',
] as const satisfies readonly WidgetEventName[];
// A new event must be added to the list above (this fails to type-check otherwise).
const listsEveryEvent: Exclude<WidgetEventName, (typeof WIDGET_EVENT_NAMES)[number]> extends never ? true : never = true;
void listsEveryEvent;

export function emitWidgetEvent<N extends WidgetEventName>(host: Element | null, name: N, detail: WidgetEventDetails[N]): void {
  host?.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
}
