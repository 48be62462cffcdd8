// The fixed vocabulary the demo data is drawn from: clinics, names, payors, case types and service codes.
// Fees are integer cents.

import type { PayorType } from './rows.js';

export type ClinicKind = 'chiro' | 'pt' | 'integrated';

export interface ClinicTemplate {
  name: string;
  timezone: string;
  currency: 'USD' | 'CAD';
  kind: ClinicKind;
  /** Relative size: a clinic's share of the visits is its size over the sum of all clinics' sizes. */
  size: number;
  /** Multiplies the standard fee schedule. */
  feeFactor: number;
  payors: Readonly<Record<PayorType, readonly string[]>>;
}

const US_PAYORS = (commercial: readonly string[], medicaid: string, workersComp: string): Record<PayorType, readonly string[]> => ({
  commercial,
  medicare: ['Medicare Part B'],
  medicaid: [medicaid],
  workers_comp: [workersComp, 'Liberty Mutual Workers Comp'],
  auto: ['State Farm Auto', 'GEICO', 'Progressive'],
  other: ['VA Community Care', 'Attorney Lien (Hale & Partners)'],
});

/** Clinic i (1-based) uses template (i - 1) mod length; beyond the list, names get a location number. */
export const CLINIC_TEMPLATES: readonly ClinicTemplate[] = [
  {
    name: 'Riverside Chiropractic & Rehab',
    timezone: 'America/New_York',
    currency: 'USD',
    kind: 'integrated',
    size: 1.25,
    feeFactor: 1.1,
    payors: US_PAYORS(['Blue Cross Blue Shield', 'Aetna', 'UnitedHealthcare'], 'New York Medicaid', 'NYS Insurance Fund'),
  },
  {
    name: 'Lakeshore Spine & Sport',
    timezone: 'America/Chicago',
    currency: 'USD',
    kind: 'chiro',
    size: 1.0,
    feeFactor: 1.0,
    payors: US_PAYORS(['Blue Cross Blue Shield', 'Cigna', 'Humana'], 'Illinois Medicaid', 'Illinois Workers Comp Fund'),
  },
  {
    name: 'Pacific Coast Physical Therapy',
    timezone: 'America/Los_Angeles',
    currency: 'USD',
    kind: 'pt',
    size: 0.75,
    feeFactor: 1.2,
    payors: US_PAYORS(['Anthem Blue Cross', 'Kaiser Permanente', 'UnitedHealthcare'], 'Medi-Cal', 'State Compensation Insurance Fund'),
  },
  {
    name: 'Maple Leaf Wellness Centre',
    timezone: 'America/Toronto',
    currency: 'CAD',
    kind: 'integrated',
    size: 0.9,
    feeFactor: 1.05,
    payors: {
      commercial: ['Sun Life', 'Manulife', 'Canada Life'],
      medicare: ['OHIP'],
      medicaid: ['Ontario Disability Support Program'],
      workers_comp: ['WSIB'],
      auto: ['Intact Insurance', 'Aviva Canada'],
      other: ['Veterans Affairs Canada'],
    },
  },
  {
    name: 'Mile High Chiropractic',
    timezone: 'America/Denver',
    currency: 'USD',
    kind: 'chiro',
    size: 0.8,
    feeFactor: 0.95,
    payors: US_PAYORS(['Blue Cross Blue Shield', 'Aetna', 'Cigna'], 'Health First Colorado', 'Pinnacol Assurance'),
  },
  {
    name: 'Desert Sun Rehab',
    timezone: 'America/Phoenix',
    currency: 'USD',
    kind: 'pt',
    size: 0.85,
    feeFactor: 1.0,
    payors: US_PAYORS(['Blue Cross Blue Shield', 'UnitedHealthcare', 'Humana'], 'AHCCCS', 'CopperPoint'),
  },
  {
    name: 'Gulf Coast Family Chiropractic',
    timezone: 'America/Chicago',
    currency: 'USD',
    kind: 'chiro',
    size: 1.1,
    feeFactor: 0.9,
    payors: US_PAYORS(['Blue Cross Blue Shield', 'Aetna', 'UnitedHealthcare'], 'Texas Medicaid', 'Texas Mutual'),
  },
  {
    name: 'Harbor Point Physical Therapy',
    timezone: 'America/New_York',
    currency: 'USD',
    kind: 'pt',
    size: 0.95,
    feeFactor: 1.15,
    payors: US_PAYORS(['Harvard Pilgrim', 'Tufts Health Plan', 'Blue Cross Blue Shield'], 'MassHealth', 'Massachusetts Workers Comp'),
  },
  {
    name: 'Cascade Integrated Health',
    timezone: 'America/Los_Angeles',
    currency: 'USD',
    kind: 'integrated',
    size: 1.15,
    feeFactor: 1.1,
    payors: US_PAYORS(['Premera Blue Cross', 'Regence', 'Aetna'], 'Apple Health', 'Washington L&I'),
  },
  {
    name: 'Island Spine Center',
    timezone: 'Pacific/Honolulu',
    currency: 'USD',
    kind: 'chiro',
    size: 0.6,
    feeFactor: 1.25,
    payors: US_PAYORS(['HMSA', 'Kaiser Permanente', 'UHA Health'], 'Med-QUEST', 'Hawaii Employers Mutual'),
  },
];

export const FIRST_NAMES: readonly string[] = [
  'James',
  'Mary',
  'Robert',
  'Patricia',
  'John',
  'Jennifer',
  'Michael',
  'Linda',
  'David',
  'Elizabeth',
  'William',
  'Barbara',
  'Richard',
  'Susan',
  'Joseph',
  'Jessica',
  'Thomas',
  'Sarah',
  'Carlos',
  'Karen',
  'Daniel',
  'Lisa',
  'Matthew',
  'Nancy',
  'Anthony',
  'Sandra',
  'Mark',
  'Ashley',
  'Steven',
  'Emily',
  'Andrew',
  'Michelle',
  'Kevin',
  'Amanda',
  'Brian',
  'Melissa',
  'Jose',
  'Stephanie',
  'Wei',
  'Priya',
  'Aisha',
  'Mohammed',
  'Sofia',
  'Mateo',
  'Chloé',
  'Liam',
  'Noah',
  'Olivia',
  'Emma',
  'Ava',
  'Hiroshi',
  'Mei',
  'Dmitri',
  'Ingrid',
  'Kwame',
  'Fatima',
  'Rosa',
  'Tyrone',
  'Keanu',
  'Leilani',
];

export const LAST_NAMES: readonly string[] = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Perez',
  'Thompson',
  'White',
  'Harris',
  'Sanchez',
  'Clark',
  'Ramirez',
  'Lewis',
  'Robinson',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
  'Scott',
  'Torres',
  'Nguyen',
  'Hill',
  'Flores',
  "O'Brien",
  "O'Connor",
  'Núñez',
  'Kowalski',
  'Nakamura',
  'Chen',
  'Patel',
  'Okafor',
  'Schmidt',
  'Dubois',
  'Kahananui',
  'Ivanova',
  'Lindqvist',
  'Mensah',
  'Haddad',
  'Rossi',
  'Fischer',
  'Murphy',
  'Kelly',
  'Sullivan',
];

/** How a case type decides the purchase's payor. */
export type CasePayorRule = 'auto' | 'workers_comp' | 'medicare' | 'self_pay' | 'own_insurance';

export interface CaseTypeDef {
  name: string;
  payorRule: CasePayorRule;
  /** How often a new episode of care is of this type. */
  weight: number;
}

export const CASE_TYPES: readonly CaseTypeDef[] = [
  { name: 'Personal Injury', payorRule: 'auto', weight: 18 },
  { name: 'Workers Comp', payorRule: 'workers_comp', weight: 10 },
  { name: 'Wellness', payorRule: 'self_pay', weight: 12 },
  { name: 'Medicare', payorRule: 'medicare', weight: 12 },
  { name: 'Sports Injury', payorRule: 'own_insurance', weight: 14 },
  { name: 'Post-Surgical Rehab', payorRule: 'own_insurance', weight: 10 },
  { name: 'Chronic Pain', payorRule: 'own_insurance', weight: 16 },
];

/** What a code is used for when a visit's items are composed. */
export type CodeGroup =
  | 'cmt'
  | 'therapy'
  | 'modality'
  | 'em_new'
  | 'em_established'
  | 'eval'
  | 'massage'
  | 'retail'
  | 'imaging'
  | 'report'
  | 'no_show'
  | 'no_charge';

export interface ServiceCodeDef {
  code: string;
  description: string;
  codeType: 'cpt' | 'custom';
  billable: boolean;
  /** Standard fee in cents before the clinic's fee factor; null: no default fee. */
  fee: number | null;
  /** Billed in 15-minute units (1–4 on a line). */
  timed: boolean;
  group: CodeGroup;
  /** Which kinds of clinic keep this code in their catalogue (all when absent). */
  kinds?: readonly ClinicKind[];
}

export const SERVICE_CODES: readonly ServiceCodeDef[] = [
  {
    code: '98940',
    description: 'Chiropractic manipulative treatment; spinal, 1-2 regions',
    codeType: 'cpt',
    billable: true,
    fee: 4500,
    timed: false,
    group: 'cmt',
  },
  {
    code: '98941',
    description: 'Chiropractic manipulative treatment; spinal, 3-4 regions',
    codeType: 'cpt',
    billable: true,
    fee: 6000,
    timed: false,
    group: 'cmt',
  },
  {
    code: '98942',
    description: 'Chiropractic manipulative treatment; spinal, 5 regions',
    codeType: 'cpt',
    billable: true,
    fee: 7500,
    timed: false,
    group: 'cmt',
  },
  {
    code: '97110',
    description: 'Therapeutic exercise, each 15 minutes',
    codeType: 'cpt',
    billable: true,
    fee: 4000,
    timed: true,
    group: 'therapy',
  },
  {
    code: '97112',
    description: 'Neuromuscular re-education, each 15 minutes',
    codeType: 'cpt',
    billable: true,
    fee: 4200,
    timed: true,
    group: 'therapy',
  },
  {
    code: '97140',
    description: 'Manual therapy techniques, each 15 minutes',
    codeType: 'cpt',
    billable: true,
    fee: 3800,
    timed: true,
    group: 'therapy',
  },
  {
    code: '97530',
    description: 'Therapeutic activities, each 15 minutes',
    codeType: 'cpt',
    billable: true,
    fee: 4400,
    timed: true,
    group: 'therapy',
  },
  {
    code: '97014',
    description: 'Electrical stimulation, unattended',
    codeType: 'cpt',
    billable: true,
    fee: 2000,
    timed: false,
    group: 'modality',
  },
  {
    code: 'G0283',
    description: 'Electrical stimulation, unattended (Medicare)',
    codeType: 'cpt',
    billable: true,
    fee: 2000,
    timed: false,
    group: 'modality',
  },
  {
    code: '97035',
    description: 'Ultrasound therapy, each 15 minutes',
    codeType: 'cpt',
    billable: true,
    fee: 1800,
    timed: true,
    group: 'modality',
  },
  { code: '97012', description: 'Mechanical traction', codeType: 'cpt', billable: true, fee: 2500, timed: false, group: 'modality' },
  {
    code: '99203',
    description: 'Office visit, new patient, low complexity',
    codeType: 'cpt',
    billable: true,
    fee: 13000,
    timed: false,
    group: 'em_new',
  },
  {
    code: '99213',
    description: 'Office visit, established patient, low complexity',
    codeType: 'cpt',
    billable: true,
    fee: 9500,
    timed: false,
    group: 'em_established',
  },
  {
    code: '97161',
    description: 'Physical therapy evaluation, low complexity',
    codeType: 'cpt',
    billable: true,
    fee: 12000,
    timed: false,
    group: 'eval',
  },
  {
    code: '97162',
    description: 'Physical therapy evaluation, moderate complexity',
    codeType: 'cpt',
    billable: true,
    fee: 14000,
    timed: false,
    group: 'eval',
  },
  {
    code: 'MASS60',
    description: 'Therapeutic massage, 60 minutes (cash service)',
    codeType: 'custom',
    billable: false,
    fee: 8000,
    timed: false,
    group: 'massage',
    kinds: ['chiro', 'integrated'],
  },
  {
    code: 'SUPP-VITD',
    description: 'Vitamin D3 supplement, 90 count',
    codeType: 'custom',
    billable: false,
    fee: 1850,
    timed: false,
    group: 'retail',
    kinds: ['chiro', 'integrated'],
  },
  {
    code: 'X-RAY-2V',
    description: 'In-office X-ray, 2 views',
    codeType: 'custom',
    billable: true,
    fee: 8500,
    timed: false,
    group: 'imaging',
    kinds: ['chiro', 'integrated'],
  },
  {
    code: 'PI-REPORT',
    description: 'Narrative report for a personal-injury claim',
    codeType: 'custom',
    billable: true,
    fee: 15000,
    timed: false,
    group: 'report',
    kinds: ['chiro', 'integrated'],
  },
  { code: 'NOSHOW', description: 'Missed appointment', codeType: 'custom', billable: false, fee: null, timed: false, group: 'no_show' },
  {
    code: 'REEXAM-NC',
    description: 'Progress re-examination, no charge',
    codeType: 'custom',
    billable: false,
    fee: 0,
    timed: false,
    group: 'no_charge',
  },
];
