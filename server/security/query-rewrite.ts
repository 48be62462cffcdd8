/**
 * Row-level security: Cube's `queryRewrite`, run on every data path (load, sql, dry-run,
 * WebSocket, each query of a compare or multi query) after Cube has normalized the query.
 *
 * The scope filters are added at the top level of `filters`, which Cube ANDs together, so no client
 * filter, however nested in `or`/`and`, can widen them. A query that names a view without a
 * declared scope is refused: the list below is the only way data leaves the server.
 */
import type * as ApiGatewayModule from '@cubejs-backend/api-gateway';
import { createRequire } from 'node:module';
import { AuthError, NO_ID, ROLES, SCOPE_CLAIMS, assertTokenCurrent, type ScopeId, type SecurityContext } from './auth.js';

const { UserError } = createRequire(import.meta.url)('@cubejs-backend/api-gateway') as typeof ApiGatewayModule;

/**
 * Which member of a view each part of the token's scope filters. Every key is required: adding a view
 * means deciding, for each claim, the member that carries it or `null` (the view has no such
 * dimension, so the claim cannot apply and has nothing to leak: `clinic` is the clinic's own labels,
 * which every token of the clinic may read whatever its provider, payor or case-type scope).
 */
interface ViewScope {
  /** Member holding the clinic id; always filtered to the token's clinic. */
  clinic: string;
  /** Member holding the rendering provider: filtered for the `provider` role and by `provider_ids`. */
  provider: string | null;
  /** Member holding the visit's payor (empty for self-pay): filtered by `payor_ids`. */
  payor: string | null;
  /** Member holding the visit's case type (empty without a case): filtered by `case_type_ids`. */
  caseType: string | null;
}

const itemScope = (view: string): ViewScope => ({
  clinic: `${view}.clinic_id`,
  provider: `${view}.provider_id`,
  payor: `${view}.payor_id`,
  caseType: `${view}.case_type_id`,
});

export const VIEW_SCOPES: Readonly<Record<string, ViewScope>> = {
  service_code_usage: itemScope('service_code_usage'),
  payment_maturity: itemScope('payment_maturity'),
  visit_lines: itemScope('visit_lines'),
  clinic: { clinic: 'clinic.clinic_id', provider: null, payor: null, caseType: null },
};

type Query = Record<string, unknown> & { filters?: unknown[] };

function collectMembers(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) value.forEach((v) => collectMembers(v, into));
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const key of ['member', 'dimension', 'id', 'and', 'or']) if (key in o) collectMembers(o[key], into);
  }
}

/** Every member a query names: measures, dimensions, segments, time dimensions, filters, order. */
export function membersOfQuery(query: Query): Set<string> {
  const members = new Set<string>();
  for (const key of ['measures', 'dimensions', 'segments', 'timeDimensions', 'filters']) {
    collectMembers(query[key], members);
  }
  const order = query.order;
  if (Array.isArray(order)) {
    for (const entry of order) collectMembers(Array.isArray(entry) ? entry[0] : entry, members);
  } else if (order && typeof order === 'object') {
    Object.keys(order).forEach((m) => members.add(m));
  }
  return members;
}

function viewsOfQuery(query: Query): Set<string> {
  return new Set([...membersOfQuery(query)].map((m) => m.split('.')[0]!));
}

/** The filters that confine a query on `view` to what the token may see. */
function scopeFilters(view: string, security: SecurityContext): unknown[] {
  const scope = VIEW_SCOPES[view];
  if (!scope) throw new UserError(`'${view}' is not a queryable view. Query the public views listed by /meta`);
  const filters: unknown[] = [{ member: scope.clinic, operator: 'equals', values: [String(security.clinic_id)] }];
  if (security.role === 'provider' && scope.provider) {
    filters.push({ member: scope.provider, operator: 'equals', values: [String(security.provider_id)] });
  }
  if (security.provider_ids && scope.provider) filters.push(idsFilter(scope.provider, security.provider_ids));
  if (security.payor_ids && scope.payor) filters.push(idsFilter(scope.payor, security.payor_ids));
  if (security.case_type_ids && scope.caseType) filters.push(idsFilter(scope.caseType, security.case_type_ids));
  return filters;
}

/** One top-level filter: the member is one of the ids, or empty when the list holds NO_ID
 * (`IN (…) OR IS NULL`, an `or` group that is itself ANDed with the rest). */
export function idsFilter(member: string, ids: readonly ScopeId[]): unknown {
  const values = ids.filter((id) => id !== NO_ID).map(String);
  const equals = { member, operator: 'equals', values };
  if (!ids.includes(NO_ID)) return equals;
  const notSet = { member, operator: 'notSet' };
  return values.length === 0 ? notSet : { or: [equals, notSet] };
}

/** The scope claims of a context are what auth.ts made of them; anything else means a path we did not expect. */
function assertScopeClaims(security: SecurityContext): void {
  for (const claim of SCOPE_CLAIMS) {
    const ids = security[claim] as unknown;
    if (ids === undefined) continue;
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => id === NO_ID || (Number.isSafeInteger(id) && (id as number) > 0))) {
      throw new AuthError(`Invalid token: ${claim} is not a list of ids`);
    }
  }
}

/** Cube's `queryRewrite` option. Throws to deny (403 without a valid context, 400 for a bad query). */
export function scopeQuery<Q extends Query>(query: Q, context: { securityContext?: unknown }): Q {
  const security = context.securityContext as SecurityContext | undefined;
  if (!security || typeof security.clinic_id !== 'number' || !ROLES.includes(security.role)) {
    // checkAuth sets the context on every request; its absence means a path we did not expect.
    throw new AuthError('No security context: the request is not authorized');
  }
  if (security.role === 'provider' && typeof security.provider_id !== 'number') {
    throw new AuthError('Invalid token: provider_id is required when role is provider');
  }
  assertScopeClaims(security);
  // A WebSocket subscription outlives its token otherwise: re-check the expiry on every query.
  assertTokenCurrent(security);
  const views = viewsOfQuery(query);
  if (views.size === 0) throw new UserError('The query names no members');
  const filters = [...views].flatMap((view) => scopeFilters(view, security));
  return {
    ...query,
    // Top-level filters are ANDed: whatever the client's own filters say (nested or/and included),
    // they can only narrow these.
    filters: [...(query.filters ?? []), ...filters],
    // Dates of service are clinic calendar dates: never shift them (docs/contract.md, "Measured behaviour of stock Cube 1.7.43").
    timezone: 'UTC',
  };
}
