/**
 * The report widgets (`<scu-report>`, `<scu-chart>`) with the report page's stylesheet for their shadow
 * roots. Loaded on first use (widgets.ts): the report and its charts are most of the script, and a page
 * with only figures never needs them.
 */
import reportCss from '../style.css?inline';
import widgetCss from './report-widget.css?inline';
import ScuReport from './ScuReport.ce.vue';

/** The report page's stylesheet, for a shadow root: its document-level rules (`:root`) become the host's. */
const styles = [reportCss.replace(/:root\b/g, ':host'), widgetCss];

/** Both elements (the root tells them apart by the element's name). */
export const report = Object.assign({}, ScuReport, { styles }) as typeof ScuReport;
export const chart = report;
