import { computed, onScopeDispose, ref, shallowRef, type ComputedRef, type Ref } from 'vue';
import { TOKEN_MESSAGE, TOKEN_REQUEST_MESSAGE, takeTokenFromAddress, tokenExpiry } from '../lib/access-token.js';

interface AccessToken {
  /** The current token, held in memory only. */
  token: Ref<string | null>;
  /** True once the token's expiry has passed, or the server said so. */
  expired: ComputedRef<boolean>;
  embedded: boolean;
  /** Called when the server refuses the token as expired. */
  markExpired(): void;
}

/**
 * Takes the token from the URL fragment and removes it from the address bar (history.replaceState,
 * so the token is not in the history either). Embedded in a portal's iframe, the portal may send a
 * fresh token with postMessage({ type: 'service-code-usage:token', token }); when the token expires
 * (or there is none) the page asks its parent for one with
 * { type: 'service-code-usage:token-request', reason: 'expired' | 'missing' }.
 */
export function useAccessToken(win: Window = window): AccessToken {
  const token = ref<string | null>(null);
  /** Takes a token from the fragment, if there is one, and removes it from the address bar. */
  function takeFromFragment(): void {
    const fromHash = takeTokenFromAddress(win);
    if (!fromHash) return;
    token.value = fromHash;
    now.value = Date.now();
    schedule();
  }
  const embedded = win.parent !== win;
  const now = ref(Date.now());
  const refused = shallowRef<string | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;

  const expiresAt = computed(() => {
    const exp = token.value ? tokenExpiry(token.value) : null;
    return exp === null ? null : exp * 1000;
  });
  const expired = computed(
    () => token.value !== null && (refused.value === token.value || (expiresAt.value !== null && expiresAt.value <= now.value)),
  );

  function schedule(): void {
    clearTimeout(timer);
    const at = expiresAt.value;
    if (at === null) return;
    // setTimeout overflows past ~24.8 days: check again later instead.
    const wait = Math.min(Math.max(at - Date.now(), 0) + 50, 2 ** 31 - 1);
    timer = setTimeout(() => {
      now.value = Date.now();
      if (!expired.value) schedule();
      else requestToken('expired');
    }, wait);
  }

  /** Embedded, asks the portal for a (new) token. The message carries no data, so any origin may see it. */
  function requestToken(reason: 'missing' | 'expired'): void {
    if (embedded) win.parent.postMessage({ type: TOKEN_REQUEST_MESSAGE, reason }, '*');
  }

  function onMessage(event: MessageEvent): void {
    if (event.source !== win.parent || !embedded) return;
    const data = event.data as { type?: unknown; token?: unknown } | null;
    if (data?.type === TOKEN_MESSAGE && typeof data.token === 'string' && data.token) {
      token.value = data.token;
      now.value = Date.now();
      schedule();
    }
  }

  win.addEventListener('message', onMessage);
  // A new link opened in the same tab differs only in its fragment: no page load, a hashchange.
  win.addEventListener('hashchange', takeFromFragment);
  takeFromFragment();
  if (!token.value) requestToken('missing');
  onScopeDispose(() => {
    clearTimeout(timer);
    win.removeEventListener('message', onMessage);
    win.removeEventListener('hashchange', takeFromFragment);
  });

  return {
    token,
    expired,
    embedded,
    markExpired() {
      if (token.value && refused.value !== token.value) {
        refused.value = token.value;
        requestToken('expired');
      }
    },
  };
}
