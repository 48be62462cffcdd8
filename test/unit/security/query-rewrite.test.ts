/**
 * Row-level security (server/security/query-rewrite.ts): the tenant filters are ANDed at the top level of the
 * query, whatever the client's filters are; a query on an unscoped view, or without a valid context,
 * is refused.
 */
import { describe, expect, it } from 'vitest';
import { VIEW_SCOPES, membersOfQuery, scopeQuery } from '../../../server/security/query-rewrite.js';

const FUTURE = Math.floor(Date.now() / 1000) + 600;
const owner = { securityContext: { clinic_id: 7, role: 'owner', exp: FUTURE } };
const provider = { securityContext: { clinic_id: 7, role: 'provider', provider_id: 42, exp: FUTURE } };
const V = 'service_code_usage';
const clinicFilter = { member: `${V}.clinic_id`, operator: 'equals', values: ['7'] };
const providerFilter = { member: `${V}.provider_id`, operator: 'equals', values: ['42'] };

describe('scopeQuery', () => {
  it('appends the clinic filter at the top level, after the client filters, which stay as they were', () => {
    const widening = {
      or: [{ member: `${V}.clinic_id`, operator: 'notEquals', values: ['7'] }, { and: [{ member: `${V}.clinic_id`, operator: 'set' }] }],
    };
    const query = { measures: [`${V}.units_billed`], filters: [widening], timezone: 'Asia/Tokyo' };
    expect(scopeQuery(query, owner)).toEqual({ ...query, filters: [widening, clinicFilter], timezone: 'UTC' });
  });

  it('adds the provider filter for the provider role only', () => {
    const query: { measures: string[]; filters?: unknown[] } = { measures: [`${V}.units_billed`] };
    expect(scopeQuery(query, provider).filters).toEqual([clinicFilter, providerFilter]);
    expect(scopeQuery(query, { securityContext: { clinic_id: 7, role: 'billing', exp: FUTURE } }).filters).toEqual([clinicFilter]);
  });

  it('scopes every view a query names, by any of its members', () => {
    const query = {
      dimensions: ['clinic.name'],
      filters: [{ or: [{ member: 'payment_maturity.service_code', operator: 'equals', values: ['97110'] }] }],
    };
    const filters = scopeQuery(query, provider).filters;
    expect(filters).toContainEqual({ member: 'clinic.clinic_id', operator: 'equals', values: ['7'] });
    expect(filters).toContainEqual({ member: 'payment_maturity.clinic_id', operator: 'equals', values: ['7'] });
    expect(filters).toContainEqual({ member: 'payment_maturity.provider_id', operator: 'equals', values: ['42'] });
  });

  it('finds members in measures, dimensions, time dimensions, segments, nested filters and both order forms', () => {
    const members = membersOfQuery({
      measures: ['a.m'],
      dimensions: ['b.d'],
      timeDimensions: [{ dimension: 'c.t', granularity: 'day' }],
      segments: ['d.s'],
      filters: [{ or: [{ and: [{ member: 'e.f', operator: 'set' }] }, { dimension: 'f.g', operator: 'set' }] }],
      order: [['g.o', 'asc']],
    });
    expect([...members].sort()).toEqual(['a.m', 'b.d', 'c.t', 'd.s', 'e.f', 'f.g', 'g.o']);
    expect([...membersOfQuery({ order: { 'h.o': 'desc' } })]).toEqual(['h.o']);
  });

  it.each([
    ['no context', {}, /No security context/],
    ['a context without clinic', { securityContext: { role: 'owner', exp: FUTURE } }, /No security context/],
    ['an unknown role', { securityContext: { clinic_id: 7, role: 'admin', exp: FUTURE } }, /No security context/],
    ['a provider without provider_id', { securityContext: { clinic_id: 7, role: 'provider', exp: FUTURE } }, /provider_id is required/],
    ['an expired context', { securityContext: { clinic_id: 7, role: 'owner', exp: FUTURE - 3600 } }, /Token expired/],
  ])('refuses %s with 403', (_case, context, reason) => {
    expect(() => scopeQuery({ measures: [`${V}.units_billed`] }, context)).toThrow(reason);
    try {
      scopeQuery({ measures: [`${V}.units_billed`] }, context);
    } catch (e) {
      expect((e as { status?: number }).status).toBe(403);
    }
  });

  it('refuses a query on a view without a declared scope, or on a private cube', () => {
    expect(() => scopeQuery({ measures: ['counted_items.units_billed'] }, owner)).toThrow(/'counted_items' is not a queryable view/);
    expect(() => scopeQuery({ measures: [`${V}.units_billed`], dimensions: ['patients.last_name'] }, owner)).toThrow(
      /'patients' is not a queryable view/,
    );
  });

  it('every declared scope names members of its own view', () => {
    for (const [view, scope] of Object.entries(VIEW_SCOPES)) {
      expect(scope.clinic.startsWith(`${view}.`)).toBe(true);
      if (scope.provider) expect(scope.provider.startsWith(`${view}.`)).toBe(true);
    }
  });
});
