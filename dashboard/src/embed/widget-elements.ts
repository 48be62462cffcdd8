/**
 * The widgets' element names and how options become their attributes, without defining the elements
 * (no side effect): shared by `ServiceCodeUsage.mount` (widgets.ts) and the React components
 * (dashboard/react/widgets.ts), so that both write the same attributes the same way.
 */
export const WIDGET_TAGS = { report: 'scu-report', chart: 'scu-chart', figure: 'scu-figure', explorer: 'scu-explorer' } as const;
export type WidgetKind = keyof typeof WIDGET_TAGS;

/** What a portal gives a widget as attributes (docs/embedding.md); `getToken` is a property. */
export interface WidgetAttributeOptions {
  apiUrl?: string | null;
  token?: string | null;
  /** `<scu-chart>`'s chart. */
  kind?: string | null;
  /** `<scu-figure>`'s measure. */
  measure?: string | null;
  /** The URL contract's filter names, as an object: written as JSON. */
  filters?: object | null;
  /** `<scu-explorer>`'s Cube query, as an object: written as JSON. */
  query?: object | null;
  /** Filter names the viewer cannot change / does not see (`<scu-report>`, `<scu-chart>`). */
  locked?: readonly string[] | null;
  hidden?: readonly string[] | null;
  locale?: string | null;
  currency?: string | null;
  theme?: string | null;
}

/** Every attribute an option can write, in one list. */
export const OPTION_ATTRIBUTES = [
  'api-url',
  'token',
  'kind',
  'measure',
  'filters',
  'query',
  'locked',
  'hidden',
  'locale',
  'currency',
  'theme',
] as const;
export type OptionAttribute = (typeof OPTION_ATTRIBUTES)[number];

/**
 * The attributes of the options given: a value to write, or null to remove (null, '' or an empty
 * list). An option left undefined is not in the result (the attribute stays as it is).
 */
export function optionAttributes(options: WidgetAttributeOptions): Partial<Record<OptionAttribute, string | null>> {
  const text = (value: string | null | undefined) => (value === undefined ? undefined : value === null || value === '' ? null : value);
  const list = (value: readonly string[] | null | undefined) =>
    value === undefined ? undefined : value === null || value.length === 0 ? null : value.join(',');
  const values: Record<OptionAttribute, string | null | undefined> = {
    'api-url': text(options.apiUrl),
    token: text(options.token),
    kind: text(options.kind),
    measure: text(options.measure),
    filters: options.filters === undefined ? undefined : options.filters === null ? null : JSON.stringify(options.filters),
    query: options.query === undefined ? undefined : options.query === null ? null : JSON.stringify(options.query),
    locked: list(options.locked),
    hidden: list(options.hidden),
    locale: text(options.locale),
    currency: text(options.currency),
    theme: text(options.theme),
  };
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<
    Record<OptionAttribute, string | null>
  >;
}
