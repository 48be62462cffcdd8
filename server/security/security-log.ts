/**
 * What Cube's log events may carry to our log: never a token (it is a bearer credential, valid until
 * it expires), but enough to tell whose request was refused: a fingerprint of the token, its
 * unverified clinic/role claims, and the tenant of an authorized request.
 */
import crypto from 'node:crypto';
import jwt from 'jsonwebtoken';

/** A short, stable, non-reversible name for a token: the same token gives the same fingerprint. */
export function tokenFingerprint(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex').slice(0, 16);
}

/** The token's claims as the token itself states them (signature not checked: for the log only). */
function unverifiedClaims(token: string): Record<string, unknown> | undefined {
  const payload = jwt.decode(token.replace(/^Bearer\s+/i, ''), { json: true });
  if (!payload) return undefined;
  const { clinic_id, role, provider_id, exp, iat, iss } = payload as Record<string, unknown>;
  return { clinic_id, role, provider_id, exp, iat, iss };
}

export function redactLogParams(params: Record<string, unknown>): Record<string, unknown> {
  const { securityContext, authInfo: _authInfo, token, ...rest } = params;
  if (typeof token === 'string' && token !== '') {
    rest.tokenFingerprint = tokenFingerprint(token);
    rest.unverifiedClaims = unverifiedClaims(token);
  }
  if (securityContext && typeof securityContext === 'object') {
    const { clinic_id, role, provider_id } = securityContext as Record<string, unknown>;
    rest.tenant = { clinic_id, role, provider_id };
  }
  return rest;
}
