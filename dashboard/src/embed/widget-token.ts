/**
 * Where a widget's token comes from: the `token` attribute, or the host's `getToken()` (asked again when
 * the token it gave is within a minute of expiring, so a widget renews without losing anything). With
 * a plain `token`, the widget says `scu-token-expiring` a minute before it expires (`watch`), so that
 * the host can set a new one; the next request uses it, and nothing reloads.
 */
import { tokenExpiry } from '../lib/access-token.js';
import { WidgetConfigError } from './widget-options.js';

/** How long before a token's expiry it is renewed (or the host told). */
export const RENEW_BEFORE_MS = 60_000;

export interface TokenSource {
  token?: string | null;
  getToken?: (() => Promise<string> | string) | null;
}

export function createWidgetToken(source: () => TokenSource, onExpiring: (expiresAt: number) => void, now = () => Date.now()) {
  let fromHost: string | null = null;
  let pending: Promise<string> | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const fresh = (token: string) => {
    const exp = tokenExpiry(token);
    return exp === null || exp * 1000 - now() > RENEW_BEFORE_MS;
  };

  /** The token for the next request. */
  async function current(): Promise<string> {
    const { token, getToken } = source();
    if (getToken) {
      if (fromHost && fresh(fromHost)) return fromHost;
      pending ??= Promise.resolve()
        .then(() => getToken())
        .then((t) => {
          if (typeof t !== 'string' || t === '') throw new WidgetConfigError('getToken() must resolve to a token (a non-empty string)');
          fromHost = t;
          return t;
        })
        .finally(() => {
          pending = null;
        });
      return pending;
    }
    if (!token) throw new WidgetConfigError('no token: set the token attribute or the getToken property');
    return token;
  }

  /** Tells the host (onExpiring) a minute before the plain token expires; call on every new token. */
  function watch(token: string | null | undefined): void {
    clearTimeout(timer);
    const exp = token ? tokenExpiry(token) : null;
    if (exp === null) return;
    // setTimeout overflows past ~24.8 days.
    const wait = Math.min(Math.max(exp * 1000 - RENEW_BEFORE_MS - now(), 0), 2 ** 31 - 1);
    timer = setTimeout(() => onExpiring(exp * 1000), wait);
  }

  /** Forgets the token getToken gave (the server refused it as expired, whatever the clocks say). */
  function invalidate(): void {
    fromHost = null;
  }

  return { current, watch, invalidate, dispose: () => clearTimeout(timer) };
}
