/**
 * The optional scope claims provider_ids, payor_ids, case_type_ids (docs/security.md, "Scope claims"):
 * strictly validated in server/security/auth.ts (403 naming the claim for anything but a non-empty,
 * bounded list of positive integer ids, "none" standing for self-pay / no case), and turned by
 * server/security/query-rewrite.ts into top-level filters on the views that have the dimension.
 */
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { AuthError, MAX_SCOPE_IDS, securityContextFromClaims, verifyToken } from '../../../server/security/auth.js';
import { VIEW_SCOPES, idsFilter, scopeQuery } from '../../../server/security/query-rewrite.js';
import { mintToken } from '../../../server/security/tokens.js';

const SECRET = 'unit-test-secret-unit-test-secret-0123456789';
const NOW = Math.floor(Date.now() / 1000);
const owner = { clinic_id: 7, role: 'owner', exp: NOW + 600 };
const provider = { clinic_id: 7, role: 'provider', provider_id: 42, exp: NOW + 600 };

function refusal(claims: object): AuthError {
  try {
    securityContextFromClaims(claims);
  } catch (e) {
    expect(e).toBeInstanceOf(AuthError);
    expect((e as AuthError).status).toBe(403);
    return e as AuthError;
  }
  throw new Error(`accepted: ${JSON.stringify(claims)}`);
}

describe('scope claims in the token', () => {
  it('accepts lists of ids (numbers or digit strings), de-duplicated and sorted, "none" last', () => {
    expect(
      securityContextFromClaims({ ...owner, provider_ids: [9, '3', 9], payor_ids: ['none', 12, '5'], case_type_ids: ['none'] }),
    ).toEqual({ ...owner, provider_ids: [3, 9], payor_ids: [5, 12, 'none'], case_type_ids: ['none'] });
    expect(securityContextFromClaims({ ...owner, payor_ids: [1] })).toEqual({ ...owner, payor_ids: [1] });
    expect(
      securityContextFromClaims({ ...owner, case_type_ids: Array.from({ length: MAX_SCOPE_IDS }, (_, i) => i + 1) }).case_type_ids,
    ).toHaveLength(MAX_SCOPE_IDS);
  });

  it('without the claims, the context is as before (an explicit undefined is no claim)', () => {
    expect(securityContextFromClaims(owner)).toEqual(owner);
    expect(securityContextFromClaims({ ...owner, payor_ids: undefined })).toEqual(owner);
  });

  it.each([
    ['null', { payor_ids: null }, /payor_ids must be a non-empty array .* got null/],
    ['a single id', { payor_ids: 5 }, /payor_ids must be a non-empty array/],
    ['a comma-separated string', { provider_ids: '1,2' }, /provider_ids must be a non-empty array/],
    ['an object', { case_type_ids: { 0: 1 } }, /case_type_ids must be a non-empty array/],
    ['an empty array', { payor_ids: [] }, /payor_ids .* got an empty array/],
    ['an empty provider list', { provider_ids: [] }, /provider_ids .* got an empty array/],
    ['too many ids', { case_type_ids: Array.from({ length: MAX_SCOPE_IDS + 1 }, (_, i) => i + 1) }, /got 501 ids/],
    ['a zero', { payor_ids: [3, 0] }, /payor_ids\[1\] is 0/],
    ['a negative id', { provider_ids: [-4] }, /provider_ids\[0\] is -4/],
    ['a fraction', { case_type_ids: [1.5] }, /case_type_ids\[0\] is 1.5/],
    ['a float string', { payor_ids: ['2.0'] }, /payor_ids\[0\] is "2.0"/],
    ['SQL', { payor_ids: ['1 OR 1=1'] }, /payor_ids\[0\]/],
    ['an unsafe integer', { payor_ids: [2 ** 53] }, /payor_ids\[0\]/],
    ['a JSON null inside', { payor_ids: [3, null] }, /payor_ids\[1\] is null \(write "none" for self-pay\)/],
    ['a JSON null in case types', { case_type_ids: [null] }, /\(write "none" for no case\)/],
    ['a nested list', { payor_ids: [[1]] }, /payor_ids\[0\]/],
    ['a boolean', { case_type_ids: [true] }, /case_type_ids\[0\] is true/],
    ['"none" in provider_ids (a counted item always has a provider)', { provider_ids: ['none'] }, /provider_ids\[0\] is "none"/],
    ['"None" spelled otherwise', { payor_ids: ['None'] }, /payor_ids\[0\] is "None"/],
  ])('refuses %s with 403', (_case, claims, reason) => {
    expect(refusal({ ...owner, ...claims }).message).toMatch(reason);
  });

  it('a provider token may carry provider_ids only as [provider_id]', () => {
    expect(securityContextFromClaims({ ...provider, provider_ids: [42, '42'] })).toEqual({ ...provider, provider_ids: [42] });
    expect(refusal({ ...provider, provider_ids: [42, 43] }).message).toMatch(
      /with role provider, provider_ids may only be \[provider_id\] \(\[42\]\)/,
    );
    expect(refusal({ ...provider, provider_ids: [43] }).message).toMatch(/may only be \[provider_id\]/);
    expect(securityContextFromClaims({ ...provider, payor_ids: ['none'] })).toEqual({ ...provider, payor_ids: ['none'] });
  });

  it('verifyToken refuses a signed token with a bad scope claim, and mintToken will not mint one', async () => {
    const options = { secret: SECRET, maxTokenLifetimeSeconds: 3600 };
    const token = jwt.sign({ ...owner, payor_ids: [] }, SECRET, { algorithm: 'HS256' });
    await expect(verifyToken(token, options)).rejects.toThrow(/payor_ids .* empty array/);
    const good = mintToken(SECRET, { clinic_id: 7, role: 'billing', payor_ids: [4, 'none'] }, 60);
    expect((await verifyToken(good, options)).payor_ids).toEqual([4, 'none']);
    expect(() => mintToken(SECRET, { clinic_id: 7, role: 'billing', case_type_ids: [] }, 60)).toThrow(/case_type_ids/);
  });
});

describe('scope claims in the query', () => {
  const V = 'service_code_usage';
  const context = (claims: object) => ({ securityContext: securityContextFromClaims({ ...owner, ...claims }) });
  const dimensions = (...members: string[]): { dimensions: string[]; filters?: unknown[] } => ({ dimensions: members });

  it('idsFilter: ids, "none" alone, or both as an or of equals and notSet', () => {
    expect(idsFilter('v.payor_id', [3, 5])).toEqual({ member: 'v.payor_id', operator: 'equals', values: ['3', '5'] });
    expect(idsFilter('v.payor_id', ['none'])).toEqual({ member: 'v.payor_id', operator: 'notSet' });
    expect(idsFilter('v.payor_id', [3, 'none'])).toEqual({
      or: [
        { member: 'v.payor_id', operator: 'equals', values: ['3'] },
        { member: 'v.payor_id', operator: 'notSet' },
      ],
    });
  });

  it('appends one top-level filter per claim, after the client filters and the clinic filter', () => {
    const widening = {
      or: [
        { member: `${V}.payor_id`, operator: 'set' },
        { member: `${V}.payor_id`, operator: 'notSet' },
      ],
    };
    const query = { measures: [`${V}.units_billed`], filters: [widening] };
    expect(scopeQuery(query, context({ provider_ids: [8, 9], payor_ids: [3, 'none'], case_type_ids: [2] })).filters).toEqual([
      widening,
      { member: `${V}.clinic_id`, operator: 'equals', values: ['7'] },
      { member: `${V}.provider_id`, operator: 'equals', values: ['8', '9'] },
      {
        or: [
          { member: `${V}.payor_id`, operator: 'equals', values: ['3'] },
          { member: `${V}.payor_id`, operator: 'notSet' },
        ],
      },
      { member: `${V}.case_type_id`, operator: 'equals', values: ['2'] },
    ]);
  });

  it('applies to every item view, and not to the clinic view, which has none of these dimensions', () => {
    for (const view of ['service_code_usage', 'visit_lines', 'payment_maturity']) {
      const filters = scopeQuery(dimensions(`${view}.service_code`), context({ payor_ids: ['none'], case_type_ids: [1] })).filters;
      expect(filters).toContainEqual({ member: `${view}.payor_id`, operator: 'notSet' });
      expect(filters).toContainEqual({ member: `${view}.case_type_id`, operator: 'equals', values: ['1'] });
    }
    expect(scopeQuery(dimensions('clinic.name'), context({ provider_ids: [1], payor_ids: [2], case_type_ids: [3] })).filters).toEqual([
      { member: 'clinic.clinic_id', operator: 'equals', values: ['7'] },
    ]);
  });

  it('every view states, for each claim, its member or that it has none', () => {
    for (const [view, scope] of Object.entries(VIEW_SCOPES)) {
      for (const key of ['provider', 'payor', 'caseType'] as const) {
        expect(key in scope).toBe(true);
        const member = scope[key];
        if (member !== null) expect(member.startsWith(`${view}.`)).toBe(true);
      }
    }
  });

  it('refuses a context whose scope claims did not come from auth.ts', () => {
    for (const bad of [[], 'none', [0], [null], { 0: 1 }]) {
      expect(() => scopeQuery({ measures: [`${V}.units_billed`] }, { securityContext: { ...owner, payor_ids: bad } })).toThrow(
        /payor_ids is not a list of ids/,
      );
    }
  });
});
