/**
 * What each token may see, from plain SQL on the host tables (docs/host-database.md; no Cube, no model):
 * per clinic the ids of its providers, payors and case types, its service codes, its counted visits
 * (purchases not void with at least one item) and, for a provider token, the visits holding an item that
 * provider rendered (`COALESCE(rendering_provider_id, purchases.provider_id)`). Every row the API returns
 * is checked against these sets (checkRow): a value outside them is a cross-tenant row.
 */
import type mysql from 'mysql2/promise';
import { presetRange, todayInZone } from '../../dashboard/src/lib/clinic-calendar.js';
import { rows } from '../bench/db.js';

export interface Tenant {
  clinicId: number;
  name: string;
  timezone: string;
  providers: Set<string>;
  payors: Set<string>;
  caseTypes: Set<string>;
  codes: Set<string>;
  /** Counted visits (purchases.id). */
  visits: Set<number>;
  /** Rendering provider → the counted visits with an item it rendered. */
  visitsByProvider: Map<number, Set<number>>;
  /** Providers with at least one counted item: who gets a provider token. */
  renderingProviders: number[];
  /** Last date of service of the clinic's data. */
  dataEnd: string;
  /** The clinic's "today" for the date presets: its real today, or the day after its data ends when the
   * data ends before last month (a seeded database ages; the bench moves its default view the same way). */
  today: string;
}

/** One row the API returned that its token may not see: which member, which value. */
export interface Leak {
  member: string;
  value: string;
}

const addDay = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

export async function loadTenants(db: mysql.Connection, database: string, only?: readonly number[]): Promise<Tenant[]> {
  const t = (name: string) => `${db.escapeId(database)}.${db.escapeId(name)}`;
  const clinics = await rows<{ id: string; name: string; timezone: string }>(
    db,
    `SELECT id, name, timezone FROM ${t('clinics')} ORDER BY id`,
  );
  const tenants: Tenant[] = [];
  for (const clinic of clinics) {
    const clinicId = Number(clinic.id);
    if (only && !only.includes(clinicId)) continue;
    const ids = async (table: string) =>
      new Set((await rows<{ id: string }>(db, `SELECT id FROM ${t(table)} WHERE clinic_id = ?`, [clinicId])).map((r) => String(r.id)));
    const codes = new Set(
      (await rows<{ code: string }>(db, `SELECT code FROM ${t('service_codes')} WHERE clinic_id = ?`, [clinicId])).map((r) => r.code),
    );
    // One row per (visit, rendering provider) of the counted items.
    const [pairs] = await db.query({
      sql: `SELECT DISTINCT p.id, COALESCE(i.rendering_provider_id, p.provider_id)
              FROM ${t('purchases')} p JOIN ${t('purchase_items')} i ON i.purchase_id = p.id
             WHERE p.clinic_id = ? AND p.status <> 'void'`,
      values: [clinicId],
      rowsAsArray: true,
    });
    const visits = new Set<number>();
    const visitsByProvider = new Map<number, Set<number>>();
    for (const [visit, provider] of pairs as [string, string][]) {
      visits.add(Number(visit));
      const p = Number(provider);
      let set = visitsByProvider.get(p);
      if (!set) visitsByProvider.set(p, (set = new Set()));
      set.add(Number(visit));
    }
    if (visits.size === 0) continue; // nothing to report for a clinic without counted items
    const [end] = await rows<{ d: string }>(
      db,
      `SELECT CAST(MAX(purchased_on) AS CHAR) AS d FROM ${t('purchases')} WHERE clinic_id = ? AND status <> 'void'`,
      [clinicId],
    );
    const dataEnd = end!.d;
    const realToday = todayInZone(clinic.timezone);
    const today = presetRange('last_month', realToday).from <= dataEnd ? realToday : addDay(dataEnd);
    tenants.push({
      clinicId,
      name: clinic.name,
      timezone: clinic.timezone,
      providers: await ids('providers'),
      payors: await ids('payors'),
      caseTypes: await ids('case_types'),
      codes,
      visits,
      visitsByProvider,
      renderingProviders: [...visitsByProvider.keys()].sort((a, b) => a - b),
      dataEnd,
      today,
    });
  }
  return tenants;
}

/** The member of a result key: `service_code_usage.provider_id` → provider_id,
 * `service_code_usage.date_of_service.month` → date_of_service. */
function memberOf(key: string): string {
  const parts = key.split('.');
  return parts[1] ?? parts[0]!;
}

const present = (v: unknown): boolean => v !== null && v !== undefined;

/**
 * The values of one result row that its token may not see: every member that identifies whose data a row
 * is (clinic, provider, payor, case type, service code, visit, the clinic view's name) is checked against
 * the token's sets; `providerId` is the provider token's own provider.
 */
export function checkRow(row: Record<string, unknown>, tenant: Tenant, providerId: number | undefined): Leak[] {
  const leaks: Leak[] = [];
  for (const [key, value] of Object.entries(row)) {
    const view = key.slice(0, key.indexOf('.'));
    const member = memberOf(key);
    let ok = true;
    switch (member) {
      case 'clinic_id':
        ok = Number(value) === tenant.clinicId;
        break;
      case 'provider_id':
        // Every counted item has a rendering provider: an empty one is not any of the clinic's.
        ok = present(value) && tenant.providers.has(String(value)) && (providerId === undefined || Number(value) === providerId);
        break;
      case 'payor_id':
        ok = !present(value) || tenant.payors.has(String(value)); // empty: self-pay
        break;
      case 'case_type_id':
        ok = !present(value) || tenant.caseTypes.has(String(value)); // empty: no case
        break;
      case 'service_code':
        ok = present(value) && tenant.codes.has(String(value));
        break;
      case 'visit_number': {
        const visits = providerId === undefined ? tenant.visits : tenant.visitsByProvider.get(providerId);
        ok = present(value) && /^\d+$/.test(String(value)) && !!visits?.has(Number(value));
        break;
      }
      case 'name':
        if (view === 'clinic') ok = value === tenant.name;
        break;
      case 'timezone':
        if (view === 'clinic') ok = value === tenant.timezone;
        break;
    }
    if (!ok) leaks.push({ member: key, value: String(value) });
  }
  return leaks;
}
