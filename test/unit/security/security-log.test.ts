/**
 * What reaches the log from Cube's events (server/security/security-log.ts): never a token, but its fingerprint
 * and stated claims, and the tenant of an authorized request.
 */
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { redactLogParams, tokenFingerprint } from '../../../server/security/security-log.js';

describe('redactLogParams', () => {
  it('replaces a token by its fingerprint and unverified claims', () => {
    const token = jwt.sign({ clinic_id: 4, role: 'owner', exp: 2_000_000_000, secret_note: 'x' }, 'k'.repeat(40));
    const logged = redactLogParams({ url: '/cubejs-api/v1/load', token, error: 'Invalid token: invalid signature' });
    expect(logged).toEqual({
      url: '/cubejs-api/v1/load',
      error: 'Invalid token: invalid signature',
      tokenFingerprint: tokenFingerprint(token),
      unverifiedClaims: { clinic_id: 4, role: 'owner', exp: 2_000_000_000, iat: expect.any(Number) },
    });
    expect(JSON.stringify(logged)).not.toContain(token.split('.')[2]);
    expect(tokenFingerprint(token)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('keeps the tenant of a security context, not the context itself', () => {
    const logged = redactLogParams({
      error: 'x',
      securityContext: { clinic_id: 4, role: 'provider', provider_id: 9, exp: 1 },
      authInfo: { clinic_id: 4 },
    });
    expect(logged).toEqual({ error: 'x', tenant: { clinic_id: 4, role: 'provider', provider_id: 9 } });
  });

  it('logs garbage tokens by fingerprint only', () => {
    expect(redactLogParams({ token: 'not-a-jwt' })).toEqual({
      tokenFingerprint: tokenFingerprint('not-a-jwt'),
      unverifiedClaims: undefined,
    });
  });
});
