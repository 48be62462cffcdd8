/** Colours and text styles shared by the charts (and by the print stylesheet's light background). */
export const CHART_COLORS = ['#2563a8', '#c2571a', '#2f8f5b', '#8a4fb8', '#b8860b', '#4a7a8c'] as const;
export const COMPARISON_COLOR = '#8c96a3';
export const TEXT_STYLE = { color: '#1f2933', fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' } as const;

/** Figures a chart can plot, with how to read them from a row and format them. */
export type ChartFigure = 'units' | 'visits' | 'billed' | 'paid';

export const FIGURE_LABELS: Readonly<Record<ChartFigure, string>> = {
  units: 'Units Billed',
  visits: '# of Visits Used',
  billed: 'Total Billed',
  paid: 'Insurance Paid',
};

/** Shortens long category labels (payor names) on an axis; the tooltip shows the full text. */
export function shorten(text: string, max = 22): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
