/**
 * Who is asking: the portal's JWT (DESIGN.md, "Auth"), checked on every REST and WebSocket request.
 * A missing, forged, expired or incomplete token is refused with 403 and no data.
 */
import type * as ApiGatewayModule from '@cubejs-backend/api-gateway';
import { createRequire } from 'node:module';
import jwt from 'jsonwebtoken';

const { CubejsHandlerError } = createRequire(import.meta.url)('@cubejs-backend/api-gateway') as typeof ApiGatewayModule;

export const ROLES = ['owner', 'billing', 'provider'] as const;
export type Role = (typeof ROLES)[number];

/** The security context every data path is scoped by (server/query-rewrite.ts). */
export interface SecurityContext {
  clinic_id: number;
  role: Role;
  /** Set exactly when role is `provider`: that provider sees only the items they rendered. */
  provider_id?: number;
  exp: number;
}

export class AuthError extends CubejsHandlerError {
  constructor(message: string) {
    super(403, 'Forbidden', message);
  }
}

function positiveId(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  if (typeof value === 'string' && /^[1-9]\d{0,15}$/.test(value)) return Number(value);
  return undefined;
}

/** Validates the claims of an already verified token; throws AuthError naming what is wrong. */
export function securityContextFromClaims(claims: unknown): SecurityContext {
  if (!claims || typeof claims !== 'object') throw new AuthError('Invalid token: the payload is not a JSON object');
  const c = claims as Record<string, unknown>;
  if (typeof c.exp !== 'number') throw new AuthError('Invalid token: the exp claim is required');
  const clinicId = positiveId(c.clinic_id);
  if (clinicId === undefined) throw new AuthError('Invalid token: clinic_id must be a positive integer');
  if (!ROLES.includes(c.role as Role)) {
    throw new AuthError(`Invalid token: role must be one of ${ROLES.join(', ')}`);
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
  return context;
}

export interface CheckAuthOptions {
  secret: string;
  /** Longest accepted lifetime: exp minus iat (or minus now when there is no iat). */
  maxTokenLifetimeSeconds: number;
  /** Clock for tests; seconds since the epoch. */
  now?: () => number;
}

/** Verifies an HS256 token and returns its security context, or throws AuthError. */
export function verifyToken(token: string | undefined, options: CheckAuthOptions): SecurityContext {
  if (!token) throw new AuthError('Authorization header with a token is required');
  const bearer = token.replace(/^Bearer\s+/i, '');
  const now = options.now?.() ?? Math.floor(Date.now() / 1000);
  let claims: unknown;
  try {
    // Only HS256: never `none`, never an algorithm the token chooses for itself.
    claims = jwt.verify(bearer, options.secret, { algorithms: ['HS256'], clockTimestamp: now });
  } catch (e) {
    if (e instanceof jwt.TokenExpiredError) throw new AuthError('Token expired');
    throw new AuthError(`Invalid token: ${(e as Error).message}`);
  }
  const context = securityContextFromClaims(claims);
  const issuedAt = typeof (claims as { iat?: unknown }).iat === 'number' ? (claims as { iat: number }).iat : now;
  if (context.exp - issuedAt > options.maxTokenLifetimeSeconds) {
    throw new AuthError(`Invalid token: lifetime exceeds the maximum of ${options.maxTokenLifetimeSeconds} seconds`);
  }
  return context;
}

/** Cube's `checkAuth` option: sets `req.securityContext` or throws (403). */
export function createCheckAuth(options: CheckAuthOptions) {
  return (req: { securityContext?: unknown }, authorization?: string): void => {
    req.securityContext = verifyToken(authorization, options);
  };
}
