/**
 * Token verification (server/security/auth.ts) with a fixed clock: every way a token can be wrong is refused
 * with a 403 whose message names the problem; a good token yields exactly the claims docs/contract.md ("Auth") fixes.
 */
import jwt from 'jsonwebtoken';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AuthError,
  assertTokenCurrent,
  securityContextFromClaims,
  tokenOfHeader,
  verifyToken,
  type CheckAuthOptions,
} from '../../../server/security/auth.js';

const SECRET = 'unit-test-secret-unit-test-secret-0123456789';
const NOW = 1_800_000_000;
const options: CheckAuthOptions = { secret: SECRET, maxTokenLifetimeSeconds: 3600, now: () => NOW };
const sign = (claims: object, opts: jwt.SignOptions = {}) =>
  jwt.sign(claims, SECRET, { algorithm: 'HS256', ...('iat' in claims ? {} : { noTimestamp: true }), ...opts });
const owner = { clinic_id: 7, role: 'owner', iat: NOW - 10, exp: NOW + 600 };

/** Signs any payload, even one jsonwebtoken would refuse to sign. */
function signRaw(payload: object): string {
  const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
  return `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
}

async function refusal(token: string | undefined, opts: CheckAuthOptions = options): Promise<AuthError> {
  try {
    await verifyToken(token, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(AuthError);
    expect((e as AuthError).status).toBe(403);
    return e as AuthError;
  }
  throw new Error('the token was accepted');
}

describe('verifyToken', () => {
  it('accepts an HS256 token, bare or as a Bearer header, and returns only the scope claims', async () => {
    const token = sign({ ...owner, name: 'extra claims are ignored' });
    for (const header of [token, `Bearer ${token}`, `bearer  ${token}`]) {
      expect(await verifyToken(header, options)).toEqual({ clinic_id: 7, role: 'owner', exp: NOW + 600 });
    }
    expect(await verifyToken(sign({ clinic_id: '12', role: 'provider', provider_id: '34', exp: NOW + 60 }), options)).toEqual({
      clinic_id: 12,
      role: 'provider',
      provider_id: 34,
      exp: NOW + 60,
    });
  });

  it.each([
    ['no header', undefined, /Authorization header with a token is required/],
    ['an empty Bearer', 'Bearer ', /Authorization header with a token is required/],
    ['garbage', 'abc.def', /not a signed JWT/],
    ['another secret', jwt.sign(owner, 'x'.repeat(44), { algorithm: 'HS256' }), /invalid signature/],
    [
      'alg none',
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(owner)).toString('base64url')}.`,
      /alg "none"/,
    ],
    ['HS384', sign(owner, { algorithm: 'HS384' }), /algorithm "HS384" is not accepted/],
    [
      'RS256 without a JWKS',
      `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(owner)).toString('base64url')}.c2ln`,
      /need SCU_JWKS_URL/,
    ],
    ['expired', sign({ ...owner, exp: NOW }), /Token expired at 2027-01-15T08:00:00.000Z/],
    ['not yet valid', sign({ ...owner, nbf: NOW + 100 }), /not valid before/],
    ['no exp', sign({ clinic_id: 7, role: 'owner' }), /exp claim .* is required/],
    ['exp a string', signRaw({ clinic_id: 7, role: 'owner', exp: 'tomorrow' }), /exp/],
    [
      'a lifetime over the maximum (exp - iat)',
      sign({ ...owner, iat: NOW - 100, exp: NOW + 3600 }),
      /lifetime exceeds the maximum of 3600 seconds/,
    ],
    ['a lifetime over the maximum (no iat)', sign({ clinic_id: 7, role: 'owner', exp: NOW + 3601 }), /lifetime exceeds/],
    ['iat in the future, short exp - iat', sign({ ...owner, iat: NOW + 7200, exp: NOW + 7300 }), /iat/],
    ['no clinic_id', sign({ role: 'owner', exp: NOW + 60 }), /clinic_id \(a positive integer\) is required/],
    ['clinic_id 0', sign({ ...owner, clinic_id: 0 }), /clinic_id/],
    ['clinic_id negative', sign({ ...owner, clinic_id: -3 }), /clinic_id/],
    ['clinic_id fractional', sign({ ...owner, clinic_id: 1.5 }), /clinic_id/],
    ['clinic_id SQL', sign({ ...owner, clinic_id: '7 OR 1=1' }), /clinic_id/],
    ['clinic_id a list', sign({ ...owner, clinic_id: [7, 8] }), /clinic_id/],
    ['no role', sign({ clinic_id: 7, exp: NOW + 60 }), /role must be one of owner, billing, provider, got null/],
    ['an unknown role', sign({ ...owner, role: 'admin' }), /got "admin"/],
    ['a role with another case', sign({ ...owner, role: 'Owner' }), /got "Owner"/],
    [
      'provider without provider_id',
      sign({ ...owner, role: 'provider' }),
      /provider_id \(a positive integer\) is required when role is provider/,
    ],
    ['provider with provider_id 0', sign({ ...owner, role: 'provider', provider_id: 0 }), /provider_id/],
  ])('refuses %s', async (_case, token, reason) => {
    expect((await refusal(token)).message).toMatch(reason);
  });

  it('checks aud and iss when the server is configured with them', async () => {
    const strict = { ...options, audience: 'scu', issuer: 'https://portal.example' };
    expect((await verifyToken(sign({ ...owner, aud: 'scu', iss: 'https://portal.example' }), strict)).clinic_id).toBe(7);
    expect((await refusal(sign({ ...owner, aud: 'other', iss: 'https://portal.example' }), strict)).message).toMatch(/audience invalid/);
    expect((await refusal(sign({ ...owner, aud: 'scu' }), strict)).message).toMatch(/issuer invalid/);
  });

  it('a provider_id is dropped for roles that see the whole clinic', () => {
    expect(securityContextFromClaims({ clinic_id: 1, role: 'billing', provider_id: 5, exp: NOW })).toEqual({
      clinic_id: 1,
      role: 'billing',
      exp: NOW,
    });
  });
});

describe('assertTokenCurrent', () => {
  it('refuses a context whose exp has passed, or that has none', () => {
    expect(() => assertTokenCurrent({ clinic_id: 1, role: 'owner', exp: NOW + 1 }, NOW)).not.toThrow();
    expect(() => assertTokenCurrent({ clinic_id: 1, role: 'owner', exp: NOW }, NOW)).toThrow(/Token expired/);
    expect(() => assertTokenCurrent({}, NOW)).toThrow(/authorize first/);
    expect(() => assertTokenCurrent(undefined, NOW)).toThrow(AuthError);
  });
});

describe('tokenOfHeader', () => {
  it('reads a bare token or a Bearer token', () => {
    expect(tokenOfHeader('abc')).toBe('abc');
    expect(tokenOfHeader('Bearer abc')).toBe('abc');
    expect(tokenOfHeader('  ')).toBeUndefined();
    expect(tokenOfHeader(undefined)).toBeUndefined();
  });
});
