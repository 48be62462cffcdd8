// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { effectScope, nextTick } from 'vue';
import { useAccessToken } from '../../../dashboard/src/composables/useAccessToken.js';
import { useReportState } from '../../../dashboard/src/composables/useReportState.js';
import { tokenExpiry } from '../../../dashboard/src/lib/access-token.js';

function jwt(payload: Record<string, unknown>): string {
  const b64 = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}.c2lnbmF0dXJl`;
}

let scope = effectScope();
beforeEach(() => {
  scope = effectScope();
  window.history.replaceState(null, '', '/');
});
afterEach(() => scope.stop());

describe('useReportState', () => {
  it('reads the state from the address bar', () => {
    window.history.replaceState(null, '', '/?from=2026-01-01&to=2026-01-31&codes=98941&group=provider');
    const { state } = scope.run(() => useReportState())!;
    expect(state.value).toMatchObject({ from: '2026-01-01', to: '2026-01-31', codes: ['98941'], group: 'provider' });
  });

  it('writes each change as a history entry that Back undoes', async () => {
    window.history.replaceState(null, '', '/?from=2026-01-01&to=2026-01-31');
    const { state, update } = scope.run(() => useReportState())!;
    const entries = window.history.length;
    update({ payors: ['12', 'none'] });
    expect(window.history.length).toBe(entries + 1);
    expect(window.location.search).toBe('?from=2026-01-01&to=2026-01-31&payors=12,none');
    update({ billing: 'billable', group: 'payor' });
    expect(window.location.search).toBe('?from=2026-01-01&to=2026-01-31&payors=12,none&billing=billable&group=payor');

    // Back: the browser restores the previous address and fires popstate.
    window.history.replaceState(null, '', '/?from=2026-01-01&to=2026-01-31&payors=12,none');
    window.dispatchEvent(new PopStateEvent('popstate'));
    expect(state.value.billing).toBeNull();
    expect(state.value.payors).toEqual(['12', 'none']);
  });

  it('fills in defaults without a history entry, and ignores no-op updates', () => {
    const { update } = scope.run(() => useReportState())!;
    const before = window.history.length;
    update({ from: '2026-10-01', to: '2026-10-31' }, 'replace');
    expect(window.location.search).toBe('?from=2026-10-01&to=2026-10-31');
    update({ from: '2026-10-01' });
    expect(window.history.length).toBe(before);
  });
});

describe('useAccessToken', () => {
  it('takes the token from the fragment and removes it from the address bar', () => {
    const token = jwt({ clinic_id: 1, role: 'owner', exp: Math.floor(Date.now() / 1000) + 3600 });
    window.history.replaceState(null, '', `/?from=2026-01-01&to=2026-01-31#token=${token}`);
    const access = scope.run(() => useAccessToken())!;
    expect(access.token.value).toBe(token);
    expect(window.location.href).not.toContain(token);
    expect(window.location.hash).toBe('');
    expect(window.location.search).toBe('?from=2026-01-01&to=2026-01-31');
    expect(access.expired.value).toBe(false);
  });

  it('knows a token past its exp is expired, and one the server refused', async () => {
    const old = jwt({ exp: Math.floor(Date.now() / 1000) - 5 });
    window.history.replaceState(null, '', `/#token=${old}`);
    const access = scope.run(() => useAccessToken())!;
    await new Promise((r) => setTimeout(r, 80));
    expect(access.expired.value).toBe(true);

    const fresh = jwt({ exp: Math.floor(Date.now() / 1000) + 3600 });
    window.history.replaceState(null, '', `/#token=${fresh}`);
    const other = scope.run(() => useAccessToken())!;
    expect(other.expired.value).toBe(false);
    other.markExpired();
    await nextTick();
    expect(other.expired.value).toBe(true);
  });

  it('has no token without a fragment', () => {
    const access = scope.run(() => useAccessToken())!;
    expect(access.token.value).toBeNull();
    expect(tokenExpiry('not-a-jwt')).toBeNull();
  });
});
