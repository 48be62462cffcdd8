/**
 * Minting tokens for the portal (and for the demo link): HS256 with CUBEJS_API_SECRET and the claims
 * docs/contract.md ("Auth") fixes. The portal's backend does the same in its own code (README, "Minting tokens").
 */
import jwt from 'jsonwebtoken';
import { securityContextFromClaims, type Role, type ScopeId } from './auth.js';

export interface TokenClaims {
  clinic_id: number;
  role: Role;
  provider_id?: number;
  /** Optional scope claims (docs/security.md, "Scope claims"). */
  provider_ids?: number[];
  payor_ids?: ScopeId[];
  case_type_ids?: ScopeId[];
}

/** Signs a token valid for `ttlSeconds`; the claims are validated first, so a bad token is never minted. */
export function mintToken(secret: string, claims: TokenClaims, ttlSeconds: number): string {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new Error('ttlSeconds must be a positive whole number');
  const iat = Math.floor(Date.now() / 1000);
  const payload = { ...claims, iat, exp: iat + ttlSeconds };
  securityContextFromClaims(payload);
  // iat is in the payload, so jsonwebtoken keeps it as given (noTimestamp would delete it).
  return jwt.sign(payload, secret, { algorithm: 'HS256' });
}
