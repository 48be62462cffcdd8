/** Shared constants of the browser tests (no I/O here: the global setup and the tests import it). */

export const CHROMIUM_PATH = process.env.SCU_CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** The demo clinic the report tests look at (seeded by test/support/test-databases.ts). */
export const DEMO_CLINIC = 1;

/**
 * A tiny clinic whose names a spreadsheet would run as formulas: the CSV export must neutralize them.
 * Ids far above the seeder's and the other test datasets'.
 */
export const HOSTILE_CLINIC = 1091;
const ID = 1_000_950_000_000;
export const HOSTILE_CLINIC_ROWS: Record<string, Record<string, string | number | null>[]> = {
  clinics: [{ id: HOSTILE_CLINIC, name: '=Evil Clinic', timezone: 'America/Chicago', currency: 'USD' }],
  providers: [{ id: ID + 1, clinic_id: HOSTILE_CLINIC, first_name: '@Ann', last_name: 'Lee', credentials: 'DC', npi: null, active: 1 }],
  payors: [{ id: ID + 2, clinic_id: HOSTILE_CLINIC, name: '=HYPERLINK("http://evil.example","Aetna")', payor_type: 'commercial' }],
  case_types: [{ id: ID + 3, clinic_id: HOSTILE_CLINIC, name: '+Personal Injury' }],
  service_codes: [
    {
      id: ID + 4,
      clinic_id: HOSTILE_CLINIC,
      code: '-SUPP',
      description: '=1+1 supplement, "quoted", with comma',
      code_type: 'custom',
      billable: 0,
      default_fee: '10.00',
    },
    {
      id: ID + 5,
      clinic_id: HOSTILE_CLINIC,
      code: '98941',
      description: '\tTabbed description',
      code_type: 'cpt',
      billable: 1,
      default_fee: '60.00',
    },
  ],
  patients: [{ id: ID + 6, clinic_id: HOSTILE_CLINIC, first_name: 'P', last_name: 'Q', date_of_birth: null }],
  patient_cases: [{ id: ID + 7, clinic_id: HOSTILE_CLINIC, patient_id: ID + 6, case_type_id: ID + 3, opened_on: '2026-09-01' }],
  purchases: [
    {
      id: ID + 8,
      clinic_id: HOSTILE_CLINIC,
      patient_id: ID + 6,
      patient_case_id: ID + 7,
      provider_id: ID + 1,
      payor_id: ID + 2,
      purchased_on: '2026-10-05',
      status: 'finalized',
      created_at: '2026-10-05 15:00:00',
      updated_at: '2026-10-05 15:00:00',
    },
  ],
  purchase_items: [
    {
      id: ID + 9,
      clinic_id: HOSTILE_CLINIC,
      purchase_id: ID + 8,
      service_code_id: ID + 4,
      rendering_provider_id: null,
      units: 2,
      unit_fee: '10.00',
      billed_amount: '20.00',
      modifiers: null,
      created_at: '2026-10-05 15:00:00',
      updated_at: '2026-10-05 15:00:00',
    },
    {
      id: ID + 10,
      clinic_id: HOSTILE_CLINIC,
      purchase_id: ID + 8,
      service_code_id: ID + 5,
      rendering_provider_id: null,
      units: 1,
      unit_fee: '60.00',
      billed_amount: '60.00',
      modifiers: null,
      created_at: '2026-10-05 15:00:00',
      updated_at: '2026-10-05 15:00:00',
    },
  ],
  payments: [
    {
      id: ID + 11,
      clinic_id: HOSTILE_CLINIC,
      source: 'insurance',
      payor_id: ID + 2,
      received_on: '2026-10-20',
      posted_at: '2026-10-20 12:00:00',
      reference: null,
    },
  ],
  payment_applications: [
    {
      id: ID + 12,
      clinic_id: HOSTILE_CLINIC,
      payment_id: ID + 11,
      purchase_item_id: ID + 10,
      amount: '45.50',
      applied_at: '2026-10-20 12:00:00',
    },
    {
      id: ID + 13,
      clinic_id: HOSTILE_CLINIC,
      payment_id: ID + 11,
      purchase_item_id: ID + 10,
      amount: '-5.25',
      applied_at: '2026-10-21 12:00:00',
    },
  ],
};
