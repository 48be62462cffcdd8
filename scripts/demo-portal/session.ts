/**
 * The demo portal's "signed-in user": who the viewer is (clinic, role, provider, payor scope) and the
 * period its pages show. A real portal knows its user from its own session and never lets the browser
 * choose a clinic or a role; here the picker IS the sign-in, so that one portal can show every role.
 * The user is kept as a query string, in a cookie (and read from the picker's form the same way).
 */
import { NO_ID, type Role, type ScopeId } from '../../server/security/auth.js';
import type { TokenClaims } from '../../server/security/tokens.js';

export interface PortalUser {
  clinicId: number;
  role: Role;
  /** Only for role `provider`: the rendering provider the token is limited to. */
  providerId?: number;
  /** Optional payor scope (docs/security.md, "Scope claims"): `none` is self-pay. */
  payorIds?: ScopeId[];
  /** The period the pages' widgets show, `YYYY-MM-DD`. */
  from: string;
  to: string;
}

export const COOKIE = 'demo_portal_user';
const ROLES: readonly Role[] = ['owner', 'billing', 'provider'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The last whole calendar quarter before `today` (UTC): a period with data in the demo database. */
export function lastQuarter(today = new Date()): { from: string; to: string } {
  const startMonth = Math.floor(today.getUTCMonth() / 3) * 3 - 3; // may be -3: Date rolls the year back
  const from = new Date(Date.UTC(today.getUTCFullYear(), startMonth, 1));
  const to = new Date(Date.UTC(today.getUTCFullYear(), startMonth + 3, 0));
  return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
}

/** Clinic 1's owner over the last quarter: who a first visit sees. */
export function defaultUser(): PortalUser {
  return { clinicId: 1, role: 'owner', ...lastQuarter() };
}

function positiveInteger(value: string | null, name: string): number {
  if (value === null || !/^[1-9]\d*$/.test(value.trim())) throw new Error(`${name} must be a positive whole number`);
  return Number(value.trim());
}

/**
 * The user of the picker's fields (`clinic`, `role`, `provider`, `payors`, `from`, `to`); throws a
 * message fit to show when a field is wrong. The token's own rules are checked again by mintToken.
 */
export function userFromParams(params: URLSearchParams): PortalUser {
  const role = params.get('role') as Role;
  if (!ROLES.includes(role)) throw new Error(`role must be one of ${ROLES.join(', ')}`);
  const user: PortalUser = { clinicId: positiveInteger(params.get('clinic'), 'clinic'), role, ...lastQuarter() };
  if (role === 'provider') user.providerId = positiveInteger(params.get('provider'), 'provider (for role provider)');
  const payors = (params.get('payors') ?? '').split(',').map((p) => p.trim());
  if (payors.some((p) => p !== '')) {
    user.payorIds = payors.filter((p) => p !== '').map((p) => (p === NO_ID ? NO_ID : positiveInteger(p, `payor id "${p}"`)));
  }
  const from = params.get('from') || user.from;
  const to = params.get('to') || user.to;
  if (!DATE.test(from) || !DATE.test(to) || from > to) throw new Error('from and to must be dates (YYYY-MM-DD), from not after to');
  return { ...user, from, to };
}

/** The same fields as a query string: the cookie's value and the picker's pre-filled form. */
export function userToParams(user: PortalUser): URLSearchParams {
  const params = new URLSearchParams({ clinic: String(user.clinicId), role: user.role });
  if (user.providerId !== undefined) params.set('provider', String(user.providerId));
  if (user.payorIds) params.set('payors', user.payorIds.join(','));
  params.set('from', user.from);
  params.set('to', user.to);
  return params;
}

/** The signed-in user of a request's cookie; the default user when there is none (or it is unreadable). */
export function userFromCookie(cookieHeader: string | undefined): PortalUser {
  const cookie = (cookieHeader ?? '')
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${COOKIE}=`));
  if (!cookie) return defaultUser();
  try {
    return userFromParams(new URLSearchParams(decodeURIComponent(cookie.slice(COOKIE.length + 1))));
  } catch {
    return defaultUser();
  }
}

/** The token's claims for this user (docs/security.md): the portal's server decides them, not the browser. */
export function claimsOf(user: PortalUser): TokenClaims {
  return {
    clinic_id: user.clinicId,
    role: user.role,
    ...(user.providerId !== undefined ? { provider_id: user.providerId } : {}),
    ...(user.payorIds ? { payor_ids: user.payorIds } : {}),
  };
}
