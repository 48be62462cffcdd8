/**
 * The `<scu-report>` widget with the report page's stylesheet for its shadow root. Loaded on first use
 * (widgets.ts): the report and its charts are most of the script, and a page with only figures never
 * needs them.
 */
import reportCss from '../style.css?inline';
import ScuReport from './ScuReport.ce.vue';

/** The report page's stylesheet, for a shadow root: its document-level rules (`:root`) become the host's. */
const reportStyles = reportCss.replace(/:root\b/g, ':host');

const own = (ScuReport as { styles?: string[] }).styles ?? [];
export default Object.assign({}, ScuReport, { styles: [reportStyles, ...own] }) as typeof ScuReport;
