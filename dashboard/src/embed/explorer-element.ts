/**
 * The explorer widget (`<scu-explorer>`) with the explorer page's stylesheets for its shadow root.
 * Loaded on first use (widgets.ts): a portal page without an explorer never fetches it.
 */
import exploreCss from '../explore/explore.css?inline';
import reportCss from '../style.css?inline';
import ScuExplorer from './ScuExplorer.ce.vue';
import widgetCss from './report-widget.css?inline';

export const explorer = Object.assign({}, ScuExplorer, {
  styles: [reportCss.replace(/:root\b/g, ':host'), exploreCss, widgetCss],
}) as typeof ScuExplorer;
