/* global document */
/**
 * What every page of the demo portal shares: the token getter and the live event log.
 * Plain browser JavaScript, no build: what a portal's own page would hold.
 */

/**
 * The widgets' getToken: asks the portal's OWN server, which signs a short-lived token for the signed-in
 * user (server.ts, GET /token). The secret never reaches the browser; the widget calls this again
 * a minute before the token it got expires.
 */
export async function getToken() {
  const res = await fetch('/token', { credentials: 'same-origin' });
  if (!res.ok) throw new Error(await res.text());
  return res.text();
}

/** Every event a widget sends (docs/embedding.md, "Events"). */
export const WIDGET_EVENTS = [
  'scu-ready',
  'scu-loaded',
  'scu-filters-change',
  'scu-drill',
  'scu-export',
  'scu-error',
  'scu-token-expiring',
  'scu-resize',
];

/** Adds a line to the page's event log (`#event-log`), newest first, the last 60 kept. */
export function logLine(source, name, detail) {
  const list = document.getElementById('event-log');
  const item = document.createElement('li');
  const time = new Date().toLocaleTimeString('en-GB');
  item.textContent = `${time}  ${source}  ${name}  ${JSON.stringify(detail ?? {})}`;
  item.dataset.event = name;
  list.prepend(item);
  while (list.children.length > 60) list.lastElementChild.remove();
}

/** Logs every widget event: they bubble and are `composed`, so one listener on the document hears them all. */
export function logWidgetEvents(root = document) {
  for (const name of WIDGET_EVENTS) {
    root.addEventListener(name, (event) => logLine(event.target.id || event.target.localName, name, event.detail));
  }
}
