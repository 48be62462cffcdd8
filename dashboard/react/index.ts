/** The React adapter of Service Code Usage (README.md here). */
export { ServiceCodeUsageProvider, createServiceCodeUsageApi } from './client.js';
export type { ServiceCodeUsageApiOptions, ServiceCodeUsageProviderProps } from './client.js';
export { useServiceCodeUsage } from './useServiceCodeUsage.js';
export type { ServiceCodeUsageResult, UseServiceCodeUsageOptions } from './useServiceCodeUsage.js';
export { GROUPS, filterIdOf, figuresOf, reportRange, reportStateOf, rowsOf, serviceCodeUsageQueries } from './queries.js';
export type {
  DateRange,
  Decimal,
  GroupBy,
  ServiceCodeUsageFigures,
  ServiceCodeUsageFilters,
  ServiceCodeUsageRow,
  ServiceCodeUsageWidgetFilters,
} from './queries.js';
export {
  ServiceCodeUsageChart,
  ServiceCodeUsageFigure,
  ServiceCodeUsageReport,
  WIDGET_EVENTS,
  WIDGET_TAGS,
  loadWidgets,
  applyWidgetProps,
  widgetAttributes,
  WIDGET_ATTRIBUTES,
} from './widgets.js';
export type {
  ChartKind,
  ChartProps,
  FigureMeasure,
  FigureProps,
  ReportProps,
  WidgetCallbacks,
  WidgetEventDetails,
  WidgetProps,
  WidgetAttribute,
} from './widgets.js';
