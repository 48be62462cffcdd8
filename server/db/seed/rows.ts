import type { HostTable } from './schema.js';

// Generated rows hold each value as the database would return it from a text query, so that the
// same row can be written to any target and compared or hashed without loss:
// ids and integers as numbers, money as a decimal string with two places ('45.00', '-12.50'),
// dates as 'YYYY-MM-DD', datetimes as 'YYYY-MM-DD HH:MM:SS', TINYINT(1) flags as 1 / 0.

export type Money = string;
export type IsoDate = string;
export type IsoDateTime = string;

export interface ClinicRow {
  id: number;
  name: string;
  timezone: string;
  currency: string;
}

export interface ProviderRow {
  id: number;
  clinic_id: number;
  first_name: string;
  last_name: string;
  credentials: string | null;
  npi: string | null;
  active: 0 | 1;
}

export type PayorType = 'commercial' | 'medicare' | 'medicaid' | 'workers_comp' | 'auto' | 'other';

export const PAYOR_TYPES: readonly PayorType[] = ['commercial', 'medicare', 'medicaid', 'workers_comp', 'auto', 'other'];

export interface PayorRow {
  id: number;
  clinic_id: number;
  name: string;
  payor_type: PayorType;
}

export interface CaseTypeRow {
  id: number;
  clinic_id: number;
  name: string;
}

export interface ServiceCodeRow {
  id: number;
  clinic_id: number;
  code: string;
  description: string;
  code_type: 'cpt' | 'custom';
  billable: 0 | 1;
  default_fee: Money | null;
}

export interface PatientRow {
  id: number;
  clinic_id: number;
  first_name: string;
  last_name: string;
  date_of_birth: IsoDate | null;
}

export interface PatientCaseRow {
  id: number;
  clinic_id: number;
  patient_id: number;
  case_type_id: number;
  opened_on: IsoDate;
}

export type PurchaseStatus = 'open' | 'finalized' | 'void';

export interface PurchaseRow {
  id: number;
  clinic_id: number;
  patient_id: number;
  patient_case_id: number | null;
  provider_id: number;
  payor_id: number | null;
  purchased_on: IsoDate;
  status: PurchaseStatus;
  created_at: IsoDateTime;
  updated_at: IsoDateTime;
}

export interface PurchaseItemRow {
  id: number;
  clinic_id: number;
  purchase_id: number;
  service_code_id: number;
  rendering_provider_id: number | null;
  units: number;
  unit_fee: Money;
  billed_amount: Money;
  modifiers: string | null;
  created_at: IsoDateTime;
  updated_at: IsoDateTime;
}

export interface PaymentRow {
  id: number;
  clinic_id: number;
  source: 'insurance' | 'patient';
  payor_id: number | null;
  received_on: IsoDate;
  posted_at: IsoDateTime;
  reference: string | null;
}

export interface PaymentApplicationRow {
  id: number;
  clinic_id: number;
  payment_id: number;
  purchase_item_id: number;
  amount: Money;
  applied_at: IsoDateTime;
}

export interface HostRowMap {
  clinics: ClinicRow;
  providers: ProviderRow;
  payors: PayorRow;
  case_types: CaseTypeRow;
  service_codes: ServiceCodeRow;
  patients: PatientRow;
  patient_cases: PatientCaseRow;
  purchases: PurchaseRow;
  purchase_items: PurchaseItemRow;
  payments: PaymentRow;
  payment_applications: PaymentApplicationRow;
}

/** One generated row, tagged with its table. */
export type HostRow = { [T in HostTable]: { table: T; row: HostRowMap[T] } }[HostTable];

/** Each table's columns in the DDL's order: what the writers insert, in this order. */
export const HOST_TABLE_COLUMNS: { readonly [T in HostTable]: readonly (keyof HostRowMap[T] & string)[] } = {
  clinics: ['id', 'name', 'timezone', 'currency'],
  providers: ['id', 'clinic_id', 'first_name', 'last_name', 'credentials', 'npi', 'active'],
  payors: ['id', 'clinic_id', 'name', 'payor_type'],
  case_types: ['id', 'clinic_id', 'name'],
  service_codes: ['id', 'clinic_id', 'code', 'description', 'code_type', 'billable', 'default_fee'],
  patients: ['id', 'clinic_id', 'first_name', 'last_name', 'date_of_birth'],
  patient_cases: ['id', 'clinic_id', 'patient_id', 'case_type_id', 'opened_on'],
  purchases: [
    'id',
    'clinic_id',
    'patient_id',
    'patient_case_id',
    'provider_id',
    'payor_id',
    'purchased_on',
    'status',
    'created_at',
    'updated_at',
  ],
  purchase_items: [
    'id',
    'clinic_id',
    'purchase_id',
    'service_code_id',
    'rendering_provider_id',
    'units',
    'unit_fee',
    'billed_amount',
    'modifiers',
    'created_at',
    'updated_at',
  ],
  payments: ['id', 'clinic_id', 'source', 'payor_id', 'received_on', 'posted_at', 'reference'],
  payment_applications: ['id', 'clinic_id', 'payment_id', 'purchase_item_id', 'amount', 'applied_at'],
};

/** A row's values in its table's column order. */
export function rowValues(hostRow: HostRow): (string | number | null)[] {
  const columns = HOST_TABLE_COLUMNS[hostRow.table] as readonly string[];
  const row = hostRow.row as unknown as Record<string, string | number | null>;
  const values = new Array<string | number | null>(columns.length);
  for (let i = 0; i < columns.length; i++) values[i] = row[columns[i]!] ?? null;
  return values;
}

/** Integer cents as a two-place decimal string: 4550 → '45.50', -1205 → '-12.05'. */
export function formatCents(cents: number): Money {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  const frac = abs - whole * 100;
  return `${sign}${whole}.${frac < 10 ? '0' : ''}${frac}`;
}

/** A two-place decimal string as integer cents: '45.50' → 4550. Exact for the strings formatCents makes. */
export function parseCents(money: Money): number {
  const negative = money.startsWith('-');
  const [whole = '0', frac = '0'] = (negative ? money.slice(1) : money).split('.');
  const cents = Number(whole) * 100 + Number(frac.padEnd(2, '0').slice(0, 2));
  return negative ? -cents : cents;
}
