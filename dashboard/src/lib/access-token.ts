/**
 * The access token: a JWT minted by the portal. The page reads it from the URL fragment (never sent
 * to a server, never logged), keeps it in memory only, and removes it from the address bar.
 */

/** The token in a location's fragment (`#token=…`), or null. */
export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('token');
  return token && /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token) ? token : null;
}

/** The fragment without its token parameter ('' when nothing else was in it). */
export function hashWithoutToken(hash: string): string {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  params.delete('token');
  const rest = params.toString();
  return rest ? `#${rest}` : '';
}

/** Takes the token from the window's address (`#token=…`) and removes it from the address bar
 * (history.replaceState: not in the history either); null when there is none. */
export function takeTokenFromAddress(win: Window): string | null {
  const token = tokenFromHash(win.location.hash);
  if (!token) return null;
  const { pathname, search, hash } = win.location;
  win.history.replaceState(win.history.state, '', `${pathname}${search}${hashWithoutToken(hash)}`);
  return token;
}

/**
 * The token's `exp` claim (seconds since the epoch), read without verifying the signature: only to
 * know when to show the expired state. The server verifies every request.
 */
export function tokenExpiry(token: string): number | null {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(
      payload
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(payload.length / 4) * 4, '='),
    );
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp : null;
  } catch {
    return null;
  }
}

/** Messages exchanged with an embedding portal (window.postMessage). */
export const TOKEN_MESSAGE = 'service-code-usage:token';
export const TOKEN_REQUEST_MESSAGE = 'service-code-usage:token-request';
