/**
 * Who is asking: the portal's JWT (docs/contract.md, "Auth"), checked on every REST request and on every
 * WebSocket message. HS256 with CUBEJS_API_SECRET, or RS256 with a key of the portal's JWKS
 * (SCU_JWKS_URL). A missing, forged, unsigned, expired, over-long or incomplete token is refused with
 * 403, a message saying what is wrong, and no data; Cube logs the refusal (server/app.ts).
 */
import type * as ApiGatewayModule from '@cubejs-backend/api-gateway';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import jwt from 'jsonwebtoken';
import type { JwksKeys } from './jwks.js';

const { CubejsHandlerError } = createRequire(import.meta.url)('@cubejs-backend/api-gateway') as typeof ApiGatewayModule;

export const ROLES = ['owner', 'billing', 'provider'] as const;
export type Role = (typeof ROLES)[number];

/** The security context every data path is scoped by (server/security/query-rewrite.ts). */
export interface SecurityContext {
  clinic_id: number;
  role: Role;
  /** Set exactly when role is `provider`: that provider sees only the items they rendered. */
  provider_id?: number;
  /** Optional scope claims (docs/security.md, "Scope claims"): each narrows every view that has the
   * dimension to these ids; absent, the claim does not narrow. Validated, de-duplicated and sorted. */
  provider_ids?: number[];
  /** `'none'` (NO_ID) stands for self-pay (no payor). */
  payor_ids?: ScopeId[];
  /** `'none'` (NO_ID) stands for items without a case. */
  case_type_ids?: ScopeId[];
  exp: number;
}

/** In `payor_ids` and `case_type_ids`, the id of "no payor" (self-pay) / "no case": the dashboard's
 * NONE_ID (dashboard/src/lib/report-state.ts), so a scope reads like the report's URL. */
export const NO_ID = 'none';
export type ScopeId = number | typeof NO_ID;

/** Most ids a scope claim may list: a scope longer than this is better served by another clinic token. */
export const MAX_SCOPE_IDS = 500;

/** The scope claims, in the order they are validated and documented. */
export const SCOPE_CLAIMS = ['provider_ids', 'payor_ids', 'case_type_ids'] as const;
export type ScopeClaim = (typeof SCOPE_CLAIMS)[number];

export class AuthError extends CubejsHandlerError {
  constructor(message: string) {
    super(403, 'Forbidden', message);
  }
}

/** Seconds a token's `iat` may lie in the future (clocks of portal and server differ a little). */
const CLOCK_SKEW_SECONDS = 60;

function positiveId(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  if (typeof value === 'string' && /^[1-9]\d{0,15}$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
  return undefined;
}

/**
 * A scope claim: absent (undefined), or a non-empty array of at most MAX_SCOPE_IDS positive integer ids
 * (numbers, or strings of digits as clinic_id accepts), plus NO_ID where `allowNone` (payors, case
 * types: provider is never empty on a counted item). Anything else (null, a scalar, an empty array, a
 * 0, a fraction, a JSON null inside) is refused: a malformed scope must never read as "no scope".
 */
function scopeIds(claims: Record<string, unknown>, name: ScopeClaim, allowNone: boolean): ScopeId[] | undefined {
  if (!(name in claims) || claims[name] === undefined) return undefined;
  const value = claims[name];
  const what = `${name} must be a non-empty array of at most ${MAX_SCOPE_IDS} positive integer ids${allowNone ? ` (or "${NO_ID}")` : ''}`;
  if (!Array.isArray(value)) throw new AuthError(`Invalid token: ${what}, got ${JSON.stringify(value)?.slice(0, 60) ?? 'nothing'}`);
  if (value.length === 0) throw new AuthError(`Invalid token: ${what}, got an empty array (leave the claim out for no scope)`);
  if (value.length > MAX_SCOPE_IDS) throw new AuthError(`Invalid token: ${what}, got ${value.length} ids`);
  const ids = new Set<ScopeId>();
  for (const [i, item] of value.entries()) {
    if (allowNone && item === NO_ID) {
      ids.add(NO_ID);
      continue;
    }
    const id = positiveId(item);
    if (id === undefined) {
      const hint = item === null && allowNone ? ` (write "${NO_ID}" for ${name === 'payor_ids' ? 'self-pay' : 'no case'})` : '';
      throw new AuthError(`Invalid token: ${what}; ${name}[${i}] is ${JSON.stringify(item)?.slice(0, 60) ?? 'nothing'}${hint}`);
    }
    ids.add(id);
  }
  // Sorted (ids ascending, NO_ID last): equal scopes give equal SQL parameters, so they share the cache.
  return [...ids].sort((a, b) => (a === NO_ID ? 1 : b === NO_ID ? -1 : a - b));
}

/** Validates the claims of an already verified token; throws AuthError naming what is wrong. */
export function securityContextFromClaims(claims: unknown): SecurityContext {
  if (!claims || typeof claims !== 'object' || Array.isArray(claims)) {
    throw new AuthError('Invalid token: the payload is not a JSON object');
  }
  const c = claims as Record<string, unknown>;
  if (typeof c.exp !== 'number' || !Number.isFinite(c.exp)) {
    throw new AuthError('Invalid token: the exp claim (expiry, seconds since the epoch) is required');
  }
  const clinicId = positiveId(c.clinic_id);
  if (clinicId === undefined) throw new AuthError('Invalid token: clinic_id (a positive integer) is required');
  if (typeof c.role !== 'string' || !(ROLES as readonly string[]).includes(c.role)) {
    throw new AuthError(`Invalid token: role must be one of ${ROLES.join(', ')}, got ${JSON.stringify(c.role ?? null)}`);
  }
  const role = c.role as Role;
  const context: SecurityContext = { clinic_id: clinicId, role, exp: c.exp };
  if (role === 'provider') {
    const providerId = positiveId(c.provider_id);
    if (providerId === undefined) {
      throw new AuthError('Invalid token: provider_id (a positive integer) is required when role is provider');
    }
    context.provider_id = providerId;
  }
  const providerIds = scopeIds(c, 'provider_ids', false) as number[] | undefined;
  if (providerIds) {
    // A provider token already sees only its own items: a list naming anyone else is a minting mistake.
    if (role === 'provider' && (providerIds.length !== 1 || providerIds[0] !== context.provider_id)) {
      throw new AuthError(
        `Invalid token: with role provider, provider_ids may only be [provider_id] ([${context.provider_id}]), got ${JSON.stringify(c.provider_ids)}`,
      );
    }
    context.provider_ids = providerIds;
  }
  const payorIds = scopeIds(c, 'payor_ids', true);
  if (payorIds) context.payor_ids = payorIds;
  const caseTypeIds = scopeIds(c, 'case_type_ids', true);
  if (caseTypeIds) context.case_type_ids = caseTypeIds;
  return context;
}

export interface CheckAuthOptions {
  secret: string;
  /** Longest accepted lifetime: exp minus iat, and exp minus now. */
  maxTokenLifetimeSeconds: number;
  /** Keys for RS256 tokens (SCU_JWKS_URL); absent: HS256 only. */
  jwks?: JwksKeys;
  /** When set, the token's `aud` / `iss` must match. */
  audience?: string;
  issuer?: string;
  /** Clock for tests; seconds since the epoch. */
  now?: () => number;
}

const nowSeconds = (options: { now?: () => number }) => options.now?.() ?? Math.floor(Date.now() / 1000);

/** The token of an Authorization header value: `<JWT>` or `Bearer <JWT>`. */
export function tokenOfHeader(header: string | undefined): string | undefined {
  const token = header?.trim().replace(/^Bearer(\s+|$)/i, '');
  return token ? token : undefined;
}

/** The HS256 secret as a KeyObject, made once per secret: given a string, jsonwebtoken tries
 * `createPublicKey` on it first and fails, on every request (measured: 6 % of the server's CPU under
 * load at 1 M items). */
const secretKeys = new Map<string, KeyObject>();
function secretKey(secret: string): KeyObject {
  let key = secretKeys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    secretKeys.clear(); // one server, one secret: keep only the current one
    secretKeys.set(secret, key);
  }
  return key;
}

async function verificationKey(header: jwt.JwtHeader, options: CheckAuthOptions): Promise<jwt.Secret | import('node:crypto').KeyObject> {
  switch (header.alg) {
    case 'HS256':
      return secretKey(options.secret);
    case 'RS256':
      if (!options.jwks) {
        throw new AuthError('Invalid token: RS256 tokens need SCU_JWKS_URL on the server; this server accepts HS256 only');
      }
      try {
        return await options.jwks.key(header.kid);
      } catch (e) {
        throw new AuthError(`Invalid token: cannot verify the RS256 signature: ${(e as Error).message}`);
      }
    case 'none':
    case undefined:
      throw new AuthError('Invalid token: unsigned tokens (alg "none") are refused');
    default:
      throw new AuthError(`Invalid token: algorithm ${JSON.stringify(header.alg)} is not accepted; use HS256 or RS256`);
  }
}

/** Verifies a token and returns its security context, or throws AuthError. */
export async function verifyToken(authorization: string | undefined, options: CheckAuthOptions): Promise<SecurityContext> {
  const token = tokenOfHeader(authorization);
  if (!token) {
    throw new AuthError('Authorization header with a token is required: "Authorization: Bearer <JWT>"');
  }
  const decoded = jwt.decode(token, { complete: true });
  if (!decoded || typeof decoded.payload !== 'object') throw new AuthError('Invalid token: not a signed JWT');
  const key = await verificationKey(decoded.header, options);
  const now = nowSeconds(options);
  let claims: unknown;
  try {
    // The algorithm is fixed by the key we chose, never by the token: no alg confusion, never `none`.
    claims = jwt.verify(token, key, {
      algorithms: [decoded.header.alg as jwt.Algorithm],
      clockTimestamp: now,
      ...(options.audience ? { audience: options.audience } : {}),
      ...(options.issuer ? { issuer: options.issuer } : {}),
    });
  } catch (e) {
    if (e instanceof jwt.TokenExpiredError) throw new AuthError(`Token expired at ${e.expiredAt.toISOString()}`);
    if (e instanceof jwt.NotBeforeError) throw new AuthError(`Token not valid before ${e.date.toISOString()}`);
    throw new AuthError(`Invalid token: ${(e as Error).message}`);
  }
  const context = securityContextFromClaims(claims);
  const iat = (claims as { iat?: unknown }).iat;
  if (iat !== undefined && (typeof iat !== 'number' || iat > now + CLOCK_SKEW_SECONDS)) {
    throw new AuthError('Invalid token: iat (issued at) must be a time that has passed');
  }
  const max = options.maxTokenLifetimeSeconds;
  // Both bounds: a token issued "in the future" must not outlive the maximum either.
  if (context.exp - now > max || (typeof iat === 'number' && context.exp - iat > max)) {
    throw new AuthError(
      `Invalid token: its lifetime exceeds the maximum of ${max} seconds (SCU_MAX_TOKEN_LIFETIME); mint shorter-lived tokens`,
    );
  }
  return context;
}

/**
 * Throws when a context verified earlier has expired since. A WebSocket connection authenticates once
 * and then sends queries (and Cube re-runs its subscriptions) for as long as it stays open: every data
 * and meta request checks the expiry again, so an expired token never exports data.
 */
export function assertTokenCurrent(securityContext: unknown, now: number = Math.floor(Date.now() / 1000)): void {
  const exp = (securityContext as Partial<SecurityContext> | undefined)?.exp;
  if (typeof exp !== 'number') throw new AuthError('No valid token: authorize first');
  if (exp <= now) throw new AuthError(`Token expired at ${new Date(exp * 1000).toISOString()}`);
}

/** Cube's `checkAuth` option: sets `req.securityContext` or throws (403). */
export function createCheckAuth(options: CheckAuthOptions) {
  return async (req: { securityContext?: unknown }, authorization?: string): Promise<void> => {
    req.securityContext = await verifyToken(authorization, options);
  };
}
