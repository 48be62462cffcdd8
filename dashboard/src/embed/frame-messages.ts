/**
 * The iframe mode's protocol (docs/embedding.md, "Iframe mode"), pure so that it can be tested alone:
 * which widget a frame address asks for, and which messages from the portal are actions. Messages are
 * `{ type: 'service-code-usage:<name>', … }`; only the frame's parent, of an origin the server allows
 * (SCU_ALLOWED_ORIGINS), is listened to and written to.
 */
import { TOKEN_MESSAGE } from '../lib/access-token.js';
import { parseReportState } from '../lib/report-state.js';
import { filtersOf, WidgetConfigError } from './widget-options.js';

export const MESSAGE_PREFIX = 'service-code-usage:';

/** The element a frame address stands for, with its attributes (the query string as the report's URL). */
export function frameWidget(pathname: string, search: string): { tag: string; attributes: Record<string, string> } {
  const params = new URLSearchParams(search);
  const page = /^\/embed\/(report|chart|figure)\/?$/.exec(pathname)?.[1];
  if (!page) throw new WidgetConfigError(`not a frame address: ${pathname} (use /embed/report, /embed/chart or /embed/figure)`);
  const attributes: Record<string, string> = { filters: JSON.stringify(filtersOf(parseReportState(search))) };
  for (const name of ['theme', 'locale', 'currency', ...(page === 'chart' ? ['kind'] : page === 'figure' ? ['measure'] : [])]) {
    const value = params.get(name);
    // A chart without a kind and a figure without a measure say so in the widget.
    if (value !== null) attributes[name] = value;
  }
  return { tag: `scu-${page}`, attributes };
}

/** What the portal may ask of a frame. */
export type FrameAction =
  | { action: 'token'; token: string }
  | { action: 'set-filters'; filters: Record<string, unknown> }
  | { action: 'set-theme'; theme: string }
  | { action: 'set-locale'; locale: string }
  | { action: 'refresh' };

/** The action in a message, or null when the message is not one (any other message is ignored). */
export function frameAction(data: unknown): FrameAction | null {
  if (data === null || typeof data !== 'object') return null;
  const message = data as Record<string, unknown>;
  switch (message.type) {
    case TOKEN_MESSAGE:
      return typeof message.token === 'string' && message.token ? { action: 'token', token: message.token } : null;
    case `${MESSAGE_PREFIX}set-filters`:
      return message.filters !== null && typeof message.filters === 'object' && !Array.isArray(message.filters)
        ? { action: 'set-filters', filters: message.filters as Record<string, unknown> }
        : null;
    case `${MESSAGE_PREFIX}set-theme`:
      return typeof message.theme === 'string' ? { action: 'set-theme', theme: message.theme } : null;
    case `${MESSAGE_PREFIX}set-locale`:
      return typeof message.locale === 'string' ? { action: 'set-locale', locale: message.locale } : null;
    case `${MESSAGE_PREFIX}refresh`:
      return { action: 'refresh' };
    default:
      return null;
  }
}

/**
 * The origin of the page that frames this one, when the server allows it; null otherwise (then the
 * frame neither writes to nor listens to its parent). Chromium and Safari say it in ancestorOrigins;
 * elsewhere the referrer's origin stands in.
 */
export function parentOrigin(allowed: readonly string[], ancestorOrigins: readonly string[] | undefined, referrer: string): string | null {
  let origin = ancestorOrigins?.[0] ?? null;
  if (origin === null && referrer) {
    try {
      origin = new URL(referrer).origin;
    } catch {
      origin = null;
    }
  }
  return origin !== null && allowed.includes(origin) ? origin : null;
}
