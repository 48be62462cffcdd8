/** The report's charts by the names the `<scu-chart kind="…">` widget takes (DESIGN.md "Embedding contract"). */
export const CHART_KINDS = ['trend', 'top-codes', 'payor-mix', 'maturity', 'heatmap'] as const;
export type ChartKind = (typeof CHART_KINDS)[number];
