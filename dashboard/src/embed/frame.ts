/**
 * The iframe mode (docs/embedding.md): `/embed/report`, `/embed/chart?kind=…`, `/embed/figure?measure=…`,
 * filters in the query string as the report's URL. The page holds one widget filling the frame; the
 * widget's events go to the parent as `{ type: 'service-code-usage:<event>', …detail }` (its height
 * as `resize`), and the parent's actions (token, set-filters, set-theme, set-locale, refresh) are taken
 * only from the parent window, of an origin the server allows (SCU_ALLOWED_ORIGINS, written into the
 * page by the server). The token comes in the fragment (`#token=…`, removed from the address bar) or
 * as a `service-code-usage:token` message; a token about to expire is asked for again.
 */
import './widgets.js';
import { takeTokenFromAddress, TOKEN_REQUEST_MESSAGE } from '../lib/access-token.js';
import { frameAction, frameWidget, MESSAGE_PREFIX, parentOrigin } from './frame-messages.js';
import { WIDGET_EVENT_NAMES } from './widget-events.js';
import { WidgetConfigError } from './widget-options.js';

const allowed = (document.querySelector<HTMLMetaElement>('meta[name="scu-allowed-origins"]')?.content ?? '').split(/\s+/).filter(Boolean);
const parent = window.parent !== window ? parentOrigin(allowed, [...(location.ancestorOrigins ?? [])], document.referrer) : null;
const tell = (message: Record<string, unknown>) => {
  if (parent) window.parent.postMessage(message, parent);
};

let widget: HTMLElement;
try {
  const { tag, attributes } = frameWidget(location.pathname, location.search);
  widget = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) widget.setAttribute(name, value);
} catch (e) {
  if (!(e instanceof WidgetConfigError)) throw e;
  widget = document.createElement('p');
  widget.setAttribute('role', 'alert');
  widget.textContent = e.message;
  tell({ type: `${MESSAGE_PREFIX}error`, kind: 'config', message: e.message });
}
widget.setAttribute('api-url', `${location.origin}/cubejs-api/v1`);

const fromHash = takeTokenFromAddress(window);
if (fromHash) widget.setAttribute('token', fromHash);
else tell({ type: TOKEN_REQUEST_MESSAGE, reason: 'missing' });

for (const event of WIDGET_EVENT_NAMES) {
  const name = event.replace(/^scu-/, '');
  widget.addEventListener(event, (e) => {
    const detail = (e as CustomEvent<Record<string, unknown>>).detail ?? {};
    tell({ ...detail, type: `${MESSAGE_PREFIX}${name}` });
    if (event === 'scu-token-expiring') tell({ type: TOKEN_REQUEST_MESSAGE, reason: 'expiring' });
  });
}

window.addEventListener('message', (event) => {
  // Only the parent, and only when it is an allowed portal: any other window's message is ignored.
  if (!parent || event.source !== window.parent || event.origin !== parent) return;
  const action = frameAction(event.data);
  if (!action) return;
  if (action.action === 'token') widget.setAttribute('token', action.token);
  else if (action.action === 'set-filters') widget.setAttribute('filters', JSON.stringify(action.filters));
  else if (action.action === 'set-theme') widget.setAttribute('theme', action.theme);
  else if (action.action === 'set-locale') widget.setAttribute('locale', action.locale);
  else (widget as HTMLElement & { refresh?: () => void }).refresh?.();
});

document.body.append(widget);
