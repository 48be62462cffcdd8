// The demo-data generator: a pure, deterministic stream of host-database rows.
//
// Reference rows (clinics, providers, payors, case types, service codes, patients) come first, then
// the days of the window in order; each day, each clinic generates its visits with their items,
// any new patient cases, and the payments that will have arrived by the end date. Only the current
// day's rows are buffered, so memory stays bounded at any scale. Each clinic draws from its own
// PRNG stream, ids are per-table counters in emission order: the same options give the same rows.

import {
  CASE_TYPES,
  CLINIC_TEMPLATES,
  FIRST_NAMES,
  LAST_NAMES,
  SERVICE_CODES,
  type CaseTypeDef,
  type ClinicKind,
  type ClinicTemplate,
  type ServiceCodeDef,
} from './catalog.js';
import { dayParts, formatDay, formatEpochSeconds, isFirstOfMonth, isLastOfMonth, utcOffsetSeconds, weekday } from './calendar.js';
import { resolveSeedOptions, VISITS_PER_DAY_AT_SCALE_1, type ResolvedSeedOptions, type SeedOptions } from './options.js';
import { Random, WeightedChoice } from './random.js';
import {
  formatCents,
  PAYOR_TYPES,
  type HostRow,
  type HostRowMap,
  type PayorType,
  type PurchaseItemRow,
  type PurchaseStatus,
} from './rows.js';
import { HOST_TABLES, type HostTable } from './schema.js';

// ---- the shape of the data ------------------------------------------------------------------

/** Visits by weekday, Sunday first: Mon–Fri busy, Saturday light, Sunday closed. */
const WEEKDAY_SHAPE = [0, 1.15, 1.0, 1.1, 1.0, 0.9, 0.35] as const;
/** Visits by month, January first: the New-Year bump, the summer and December dips. */
const SEASON_SHAPE = [1.22, 1.05, 1.05, 1.0, 1.0, 0.9, 0.8, 0.82, 1.0, 1.05, 0.97, 0.8] as const;
/** Practices grow a little: ±4 % a year around the middle of the window. */
const GROWTH_PER_YEAR = 0.08;

const ITEMS_PER_VISIT = new WeightedChoice([1, 2, 3, 4, 5], [0.15, 0.25, 0.3, 0.2, 0.1]);
const TIMED_UNITS = new WeightedChoice([1, 2, 3, 4], [0.4, 0.35, 0.18, 0.07]);

const VOID_RATE = 0.02;
const NO_SHOW_RATE = 0.015;
const DUPLICATE_CODE_RATE = 0.04;
const NO_CASE_EPISODE_RATE = 0.15;
/** A void purchase keeps the payments it had received before it was voided this often. */
const VOID_WITH_PAYMENTS_RATE = 0.4;

// Modifiers: what a payor audits (issue 12), realistic, with the billing mistakes the checks catch.
/** Medicare CMT billed without AT (active treatment), a mistake: by most DCs rarely, by the clinic's forgetful DC often. */
const CMT_WITHOUT_AT_RATE = 0.04;
const CMT_WITHOUT_AT_RATE_FORGETFUL = 0.25;
/** The distinct-procedure modifier a line gets: mostly 59, sometimes one of its X{EPSU} subsets. */
const DISTINCT_PROCEDURE = new WeightedChoice(['59', 'XS', 'XU', 'XE', 'XP'], [0.75, 0.12, 0.09, 0.02, 0.02]);
/** 97140 billed with a CMT or with 97530 on one visit (NCCI pairs) carries 59/X* this often; the rest go without. */
const PAIRED_97140_DISTINCT_RATE = 0.85;
/**
 * The clinic's 59 overuser puts 59/X* on this share of the therapy and modality lines they render themselves,
 * by role (a DC's visit has fewer such lines): about 3.5 times the rate of the clinic's other providers either way.
 */
const OVERUSE_DISTINCT_RATE: Readonly<Record<Role, number>> = { DC: 0.5, PT: 0.25, LMT: 0, AIDE: 0 };
/** A patient's Medicare therapy is past the yearly threshold (KX) from this Medicare therapy visit of the calendar year on. */
const KX_FROM_VISIT = 12;

/** The share of the billed amount an insurance payor pays: mean and spread, by payor type. */
const PAID_RATIO: Readonly<Record<PayorType, readonly [number, number]>> = {
  commercial: [0.62, 0.1],
  medicare: [0.48, 0.05],
  medicaid: [0.4, 0.05],
  workers_comp: [0.88, 0.07],
  auto: [0.85, 0.1],
  other: [0.7, 0.12],
};

/** Days from the visit to the insurance payment's arrival: most within weeks, some after months. */
const CLAIM_LAG = new WeightedChoice<readonly [number, number]>(
  [
    [10, 45],
    [46, 120],
    [121, 300],
  ],
  [0.7, 0.2, 0.1],
);

// ---- the sink: ids and the day's buffer -----------------------------------------------------

type RowWithoutId<T extends HostTable> = Omit<HostRowMap[T], 'id'>;

class RowSink {
  readonly pending: HostRow[] = [];
  private readonly lastId = Object.fromEntries(HOST_TABLES.map((t) => [t, 0])) as Record<HostTable, number>;

  emit<T extends HostTable>(table: T, values: RowWithoutId<T>): number {
    const id = ++this.lastId[table];
    const row = { id, ...values } as HostRowMap[T];
    this.pending.push({ table, row } as HostRow);
    return id;
  }
}

// ---- one clinic ----------------------------------------------------------------------------

type Role = 'DC' | 'PT' | 'LMT' | 'AIDE';

const CREDENTIALS: Readonly<Record<Role, string | null>> = { DC: 'DC', PT: 'PT', LMT: 'LMT', AIDE: null };

interface Provider {
  id: number;
  role: Role;
  /** Last day of service this provider works (inactive providers left during the window). */
  lastDay: number;
}

interface Code {
  id: number;
  def: ServiceCodeDef;
  /** Clinic's fee in cents; null: none set. */
  fee: number | null;
}

interface CaseType {
  id: number;
  def: CaseTypeDef;
}

interface ItemDraft {
  code: Code;
  units: number;
  /** Comma-separated, in claim order: GP/AT/25 first, then 59 or X{EPSU}, then KX. */
  modifiers: string | null;
  /** Has 59 or an X{EPSU} modifier. */
  distinct: boolean;
  renderingProviderId: number | null;
}

function withModifier(modifiers: string | null, modifier: string): string {
  return modifiers === null ? modifier : `${modifiers},${modifier}`;
}

const ESTIM = 'ESTIM'; // 97014, or G0283 for Medicare

const FILL_CODES: Readonly<Record<Role, readonly (readonly [string, number])[]>> = {
  DC: [
    ['97140', 3],
    ['97110', 3],
    ['97112', 2],
    [ESTIM, 3],
    ['97035', 1.5],
    ['97012', 1.5],
    ['97530', 1],
    ['MASS60', 0.6],
    ['SUPP-VITD', 0.4],
  ],
  PT: [
    ['97110', 4],
    ['97112', 3],
    ['97140', 2.5],
    ['97530', 3],
    ['97035', 0.8],
    [ESTIM, 1],
  ],
  LMT: [
    ['97140', 2],
    ['SUPP-VITD', 1],
  ],
  AIDE: [
    ['97110', 3],
    ['97530', 2],
    ['97112', 1],
    [ESTIM, 1],
  ],
};

const VISIT_ROLES: Readonly<Record<ClinicKind, readonly (readonly [Role, number])[]>> = {
  integrated: [
    ['DC', 0.5],
    ['PT', 0.33],
    ['LMT', 0.12],
    ['AIDE', 0.05],
  ],
  chiro: [
    ['DC', 0.78],
    ['PT', 0.04],
    ['LMT', 0.15],
    ['AIDE', 0.03],
  ],
  pt: [
    ['PT', 0.86],
    ['DC', 0.04],
    ['LMT', 0],
    ['AIDE', 0.1],
  ],
};

/** Providers per role, given the clinic's "provider slots" (its size in full-time providers). */
function staffing(kind: ClinicKind, slots: number): Record<Role, number> {
  switch (kind) {
    case 'integrated':
      return {
        DC: Math.max(2, Math.round(slots * 0.45)),
        PT: Math.max(1, Math.round(slots * 0.3)),
        LMT: Math.max(1, Math.round(slots * 0.12)),
        AIDE: 1,
      };
    case 'chiro':
      return { DC: Math.max(2, Math.round(slots * 0.72)), PT: 1, LMT: Math.max(1, Math.round(slots * 0.15)), AIDE: 1 };
    case 'pt':
      return { DC: 1, PT: Math.max(2, Math.round(slots * 0.72)), LMT: 0, AIDE: Math.max(1, Math.round(slots * 0.1)) };
  }
}

function clinicTemplate(index: number): { template: ClinicTemplate; name: string } {
  const template = CLINIC_TEMPLATES[index % CLINIC_TEMPLATES.length]!;
  const round = Math.floor(index / CLINIC_TEMPLATES.length);
  return { template, name: round === 0 ? template.name : `${template.name} ${round + 1}` };
}

/** Fee in cents, scaled by the clinic's fee factor and rounded to 50 cents. */
function clinicFee(fee: number | null, factor: number): number | null {
  if (fee === null || fee === 0) return fee;
  return Math.round((fee * factor) / 50) * 50;
}

class ClinicGenerator {
  readonly id: number;
  private readonly random: Random;
  private readonly template: ClinicTemplate;
  private readonly providers: Provider[] = [];
  private readonly byRole: Record<Role, Provider[]> = { DC: [], PT: [], LMT: [], AIDE: [] };
  private readonly visitRoles: WeightedChoice<Role>;
  private readonly payorsByType = {} as Record<PayorType, number[]>;
  private readonly payorType = new Map<number, PayorType>();
  private readonly caseTypes: CaseType[] = [];
  private readonly caseTypeChoice: WeightedChoice<CaseType>;
  private readonly codes = new Map<string, Code>();
  private readonly fillChoice = {} as Record<Role, WeightedChoice<string>>;
  /** The DC who often forgets AT on Medicare CMT, and the provider who overuses 59/X* (see the constructor). */
  private readonly atForgetter: Provider | undefined;
  private readonly distinctOveruser: Provider | undefined;

  // Patients: state in typed arrays, so that a big clinic costs a few bytes per patient.
  private readonly patientCount: number;
  private readonly firstPatientId: number;
  private readonly patientFirstDay: Int32Array;
  private readonly patientBirthDay: Int32Array;
  private readonly patientInsurance: Float64Array; // own insurance payor id, 0 = uninsured
  private readonly episodeCaseType: Int16Array; // -2 none yet, -1 visits outside any case, ≥0 case type index
  private readonly episodeCaseId: Float64Array;
  private readonly episodePayorId: Float64Array; // 0 = self-pay
  private readonly episodeStart: Int32Array;
  private readonly episodeVisits: Int32Array;
  private readonly therapyYear: Int16Array; // calendar year of medicareTherapyVisits
  private readonly medicareTherapyVisits: Int16Array; // Medicare visits with therapy (GP) lines in that year
  private patientsArrived = 0;

  private dayOffsetSeconds = 0;

  constructor(
    private readonly sink: RowSink,
    private readonly options: ResolvedSeedOptions,
    readonly index: number,
    readonly meanVisitsPerDay: number,
  ) {
    this.random = new Random(options.seed, 0x5eed, index + 1);
    const { template, name } = clinicTemplate(index);
    this.template = template;
    const random = this.random;

    this.id = sink.emit('clinics', { name, timezone: template.timezone, currency: template.currency });

    // Providers: enough for the clinic's volume; the last of the largest group left mid-window.
    const slots = Math.max(4, Math.ceil(meanVisitsPerDay / 7));
    const counts = staffing(template.kind, slots);
    const leaverRole: Role = template.kind === 'pt' ? 'PT' : 'DC';
    const leftOn = options.startDay + Math.floor((options.endDay - options.startDay) * 0.4);
    for (const role of ['DC', 'PT', 'LMT', 'AIDE'] as const) {
      for (let i = 0; i < counts[role]; i++) {
        const leaves = role === leaverRole && i === counts[role] - 1 && counts[role] > 1;
        const credentials = CREDENTIALS[role];
        const id = sink.emit('providers', {
          clinic_id: this.id,
          first_name: random.pick(FIRST_NAMES),
          last_name: random.pick(LAST_NAMES),
          credentials,
          npi: credentials === 'DC' || credentials === 'PT' ? String(random.int(1_000_000_000, 1_999_999_999)) : null,
          active: leaves ? 0 : 1,
        });
        const provider = { id, role, lastDay: leaves ? leftOn : Number.POSITIVE_INFINITY };
        this.providers.push(provider);
        this.byRole[role].push(provider);
      }
    }
    // Billing habits, chosen from the staff list (no draw), among the DCs and PTs who stay the whole
    // window, the clinic's main discipline first: the first DC forgets AT, the next clinician overuses 59.
    const staying = (role: Role) => this.byRole[role].filter((p) => p.lastDay === Number.POSITIVE_INFINITY);
    const clinicians = template.kind === 'pt' ? [...staying('PT'), ...staying('DC')] : [...staying('DC'), ...staying('PT')];
    this.atForgetter = staying('DC')[0];
    this.distinctOveruser = clinicians.slice(1).find((p) => p !== this.atForgetter) ?? clinicians[0];
    this.visitRoles = WeightedChoice.of(VISIT_ROLES[template.kind].filter(([role, weight]) => weight > 0 && this.byRole[role].length > 0));

    for (const type of PAYOR_TYPES) {
      this.payorsByType[type] = template.payors[type].map((payorName) => {
        const id = sink.emit('payors', { clinic_id: this.id, name: payorName, payor_type: type });
        this.payorType.set(id, type);
        return id;
      });
    }

    for (const def of CASE_TYPES) {
      this.caseTypes.push({ id: sink.emit('case_types', { clinic_id: this.id, name: def.name }), def });
    }
    this.caseTypeChoice = new WeightedChoice(
      this.caseTypes,
      this.caseTypes.map((c) => c.def.weight * (template.kind === 'pt' && c.def.name === 'Post-Surgical Rehab' ? 2.5 : 1)),
    );

    for (const def of SERVICE_CODES) {
      if (def.kinds && !def.kinds.includes(template.kind)) continue;
      const fee = clinicFee(def.fee, template.feeFactor);
      const id = sink.emit('service_codes', {
        clinic_id: this.id,
        code: def.code,
        description: def.description,
        code_type: def.codeType,
        billable: def.billable ? 1 : 0,
        default_fee: fee === null ? null : formatCents(fee),
      });
      this.codes.set(def.code, { id, def, fee });
    }
    for (const role of ['DC', 'PT', 'LMT', 'AIDE'] as const) {
      const usable = FILL_CODES[role].filter(([code]) => code === ESTIM || this.codes.has(code));
      this.fillChoice[role] = WeightedChoice.of(usable);
    }

    // Patients: about 30 per daily visit; a third are patients already at the start, the others
    // arrive evenly over the window (their first possible visit), so patient ids grow with time.
    const count = Math.ceil(meanVisitsPerDay * 30) + 20;
    this.patientCount = count;
    this.patientFirstDay = new Int32Array(count);
    this.patientBirthDay = new Int32Array(count);
    this.patientInsurance = new Float64Array(count);
    this.episodeCaseType = new Int16Array(count).fill(-2);
    this.episodeCaseId = new Float64Array(count);
    this.episodePayorId = new Float64Array(count);
    this.episodeStart = new Int32Array(count);
    this.episodeVisits = new Int32Array(count);
    this.therapyYear = new Int16Array(count);
    this.medicareTherapyVisits = new Int16Array(count);
    const windowDays = options.endDay - options.startDay + 1;
    const existing = Math.floor(count * 0.35);
    const ageBand = new WeightedChoice<readonly [number, number]>(
      [
        [5, 17],
        [18, 39],
        [40, 64],
        [65, 92],
      ],
      [0.05, 0.3, 0.45, 0.2],
    );
    const insuranceType = new WeightedChoice<PayorType | null>(['commercial', 'medicaid', 'other', null], [0.62, 0.15, 0.05, 0.18]);
    let firstPatientId = 0;
    for (let i = 0; i < count; i++) {
      this.patientFirstDay[i] =
        i < existing ? options.startDay : options.startDay + Math.floor(((i - existing) / (count - existing)) * windowDays);
      const [minAge, maxAge] = ageBand.pick(random);
      const age = random.int(minAge, maxAge);
      const birthDay = options.endDay - Math.floor(age * 365.25) - random.int(0, 364);
      this.patientBirthDay[i] = birthDay;
      // Seniors' own insurance is mostly Medicare.
      const type = age >= 67 && random.chance(0.8) ? 'medicare' : insuranceType.pick(random);
      // An 'other' plan of one's own is the first 'other' payor (VA, not an attorney's lien).
      this.patientInsurance[i] = type === null ? 0 : type === 'other' ? this.payorsByType.other[0]! : random.pick(this.payorsByType[type]);
      const id = sink.emit('patients', {
        clinic_id: this.id,
        first_name: random.pick(FIRST_NAMES),
        last_name: random.pick(LAST_NAMES),
        date_of_birth: random.chance(0.02) ? null : formatDay(birthDay),
      });
      if (i === 0) firstPatientId = id;
    }
    this.firstPatientId = firstPatientId;
  }

  /** Expected visits on a day (before the month-edge guarantee). */
  static expectedVisits(meanVisitsPerDay: number, day: number, options: ResolvedSeedOptions): number {
    const { month, dayOfMonth } = dayParts(day);
    if ((month === 12 && dayOfMonth === 25) || (month === 7 && dayOfMonth === 4)) return 0;
    const middle = (options.startDay + options.endDay) / 2;
    const growth = 1 + (GROWTH_PER_YEAR * (day - middle)) / 365.25;
    return meanVisitsPerDay * WEEKDAY_SHAPE[weekday(day)]! * SEASON_SHAPE[month - 1]! * growth;
  }

  generateDay(day: number): void {
    const random = this.random;
    // The offset at local noon is the day's offset during opening hours (DST switches at night).
    this.dayOffsetSeconds = utcOffsetSeconds(this.template.timezone, day * 86_400_000 + 12 * 3_600_000);
    while (this.patientsArrived < this.patientCount && this.patientFirstDay[this.patientsArrived]! <= day) this.patientsArrived++;
    let visits = random.poisson(ClinicGenerator.expectedVisits(this.meanVisitsPerDay, day, this.options));
    // Month and year edges always see visits, even on a Sunday or a holiday: reports must get them right.
    if (visits === 0 && (isFirstOfMonth(day) || isLastOfMonth(day))) visits = 1;
    for (let v = 0; v < visits; v++) this.generateVisit(day);
  }

  /** Local wall-clock seconds on `day` → epoch seconds (UTC). */
  private utcSeconds(day: number, localSeconds: number): number {
    return day * 86_400 + localSeconds - this.dayOffsetSeconds;
  }

  /** The latest instant the data may mention: the end of the end date, local time. */
  private get endOfData(): number {
    return (this.options.endDay + 1) * 86_400 - this.dayOffsetSeconds - 1;
  }

  private pickPatient(): number {
    const random = this.random;
    const arrived = Math.max(1, this.patientsArrived);
    if (random.chance(0.5)) return random.int(0, arrived - 1);
    // Recent arrivals are in active care: favour them.
    const u = random.float();
    return arrived - 1 - Math.floor(arrived * u * u);
  }

  /** Continues the patient's episode of care or starts a new one (possibly a new case). */
  private episodeFor(patient: number, day: number): void {
    const random = this.random;
    const kind = this.episodeCaseType[patient]!;
    if (kind !== -2 && day - this.episodeStart[patient]! < 120 && this.episodeVisits[patient]! < 24 && random.chance(0.93)) return;
    this.episodeStart[patient] = day;
    this.episodeVisits[patient] = 0;
    const insurance = this.patientInsurance[patient]!;
    if (random.chance(NO_CASE_EPISODE_RATE)) {
      this.episodeCaseType[patient] = -1;
      this.episodeCaseId[patient] = 0;
      this.episodePayorId[patient] = random.chance(0.7) ? insurance : 0;
      return;
    }
    const senior = day - this.patientBirthDay[patient]! >= 65 * 365.25;
    let caseType = this.caseTypeChoice.pick(random);
    for (let tries = 0; caseType.def.payorRule === 'medicare' && !senior && tries < 5; tries++) caseType = this.caseTypeChoice.pick(random);
    let payor = 0;
    switch (caseType.def.payorRule) {
      case 'auto':
        payor = random.chance(0.85) ? random.pick(this.payorsByType.auto) : random.pick(this.payorsByType.other);
        break;
      case 'workers_comp':
        payor = random.pick(this.payorsByType.workers_comp);
        break;
      case 'medicare':
        payor = senior ? random.pick(this.payorsByType.medicare) : insurance;
        break;
      case 'self_pay':
        payor = random.chance(0.9) ? 0 : insurance;
        break;
      case 'own_insurance':
        payor = insurance;
        break;
    }
    this.episodeCaseType[patient] = this.caseTypes.indexOf(caseType);
    this.episodePayorId[patient] = payor;
    this.episodeCaseId[patient] = this.sink.emit('patient_cases', {
      clinic_id: this.id,
      patient_id: this.firstPatientId + patient,
      case_type_id: caseType.id,
      opened_on: formatDay(day - random.int(0, 3)),
    });
  }

  private workingProvider(role: Role, day: number): Provider | undefined {
    const candidates = this.byRole[role];
    if (candidates.length === 0) return undefined;
    for (let tries = 0; tries < 4; tries++) {
      const provider = this.random.pick(candidates);
      if (provider.lastDay >= day) return provider;
    }
    return candidates.find((p) => p.lastDay >= day);
  }

  private visitProvider(day: number, caseTypeName: string | null): Provider {
    let role = this.visitRoles.pick(this.random);
    if (caseTypeName === 'Post-Surgical Rehab' && this.byRole.PT.length > 0) role = 'PT';
    return this.workingProvider(role, day) ?? this.workingProvider('DC', day) ?? this.workingProvider('PT', day) ?? this.providers[0]!;
  }

  private code(code: string, medicare: boolean): Code | undefined {
    return this.codes.get(code === ESTIM ? (medicare ? 'G0283' : '97014') : code);
  }

  private composeItems(
    provider: Provider,
    day: number,
    firstVisit: boolean,
    caseTypeName: string | null,
    payorType: PayorType | null,
  ): ItemDraft[] {
    const random = this.random;
    const medicare = payorType === 'medicare';
    const items: ItemDraft[] = [];
    const add = (code: Code | undefined, modifiers: string | null = null, distinct = false): void => {
      if (!code || items.length >= 5) return;
      const units = code.def.timed ? TIMED_UNITS.pick(random) : 1;
      items.push({ code, units, modifiers, distinct, renderingProviderId: null });
    };
    const addDistinct = (item: ItemDraft): void => {
      item.modifiers = withModifier(item.modifiers, DISTINCT_PROCEDURE.pick(random));
      item.distinct = true;
    };

    if (random.chance(NO_SHOW_RATE)) {
      add(this.codes.get('NOSHOW'));
      return items;
    }
    let target = ITEMS_PER_VISIT.pick(random);
    switch (provider.role) {
      case 'DC': {
        const cmt = this.codes.get(random.pick(['98940', '98940', '98940', '98941', '98941', '98942']));
        const forgetsAt = medicare && random.chance(provider === this.atForgetter ? CMT_WITHOUT_AT_RATE_FORGETFUL : CMT_WITHOUT_AT_RATE);
        add(cmt, medicare && !forgetsAt ? 'AT' : null);
        if (firstVisit) add(this.codes.get('99203'), '25');
        else if (random.chance(0.06)) add(this.codes.get('99213'), '25');
        if (firstVisit && random.chance(0.25)) add(this.codes.get('X-RAY-2V'));
        if (caseTypeName === 'Personal Injury' && random.chance(0.04)) add(this.codes.get('PI-REPORT'));
        if (random.chance(0.03)) add(this.codes.get('REEXAM-NC'));
        break;
      }
      case 'PT':
        if (firstVisit) add(this.codes.get(random.chance(0.6) ? '97161' : '97162'), medicare ? 'GP' : null);
        break;
      case 'LMT':
        add(this.codes.get('MASS60') ?? this.codes.get('97140'));
        target = Math.min(target, 2);
        break;
      case 'AIDE':
        target = Math.min(target, 3);
        break;
    }
    for (let tries = 0; items.length < target && tries < 12; tries++) {
      const code = this.code(this.fillChoice[provider.role].pick(random), medicare);
      if (!code || items.some((item) => item.code === code)) continue;
      const therapy = code.def.group === 'therapy' || code.def.group === 'modality';
      add(code, medicare && therapy ? 'GP' : null);
    }
    // The same code twice on one visit (a second, distinct session of a timed code).
    const timed = items.find((item) => item.code.def.timed);
    if (timed && random.chance(DUPLICATE_CODE_RATE)) add(timed.code, withModifier(timed.modifiers, DISTINCT_PROCEDURE.pick(random)), true);
    // Manual therapy beside a manipulation or therapeutic activities needs 59/X* to be paid (an NCCI pair).
    const manual = items.find((item) => item.code.def.code === '97140' && !item.distinct);
    if (manual && items.some((item) => item.code.def.group === 'cmt' || item.code.def.code === '97530')) {
      if (random.chance(PAIRED_97140_DISTINCT_RATE)) addDistinct(manual);
    }

    // Items rendered by someone other than the visit's provider.
    for (const item of items) {
      let renderer: Provider | undefined;
      const group = item.code.def.group;
      if (group === 'massage' && provider.role !== 'LMT') renderer = this.workingProvider('LMT', day);
      else if ((group === 'therapy' || group === 'modality') && provider.role === 'DC') {
        const draw = random.float();
        if (draw < 0.1) renderer = this.workingProvider('PT', day);
        else if (draw < 0.16) renderer = this.workingProvider('AIDE', day);
      } else if (group === 'therapy' && (provider.role === 'PT' || provider.role === 'AIDE') && random.chance(0.08)) {
        renderer = this.workingProvider(provider.role === 'PT' ? 'AIDE' : 'PT', day);
      }
      if (renderer && renderer.id !== provider.id) item.renderingProviderId = renderer.id;
    }
    // The clinic's overuser puts 59/X* on therapy and modality lines that need none.
    if (provider === this.distinctOveruser) {
      for (const item of items) {
        const group = item.code.def.group;
        if (item.renderingProviderId === null && !item.distinct && (group === 'therapy' || group === 'modality')) {
          if (random.chance(OVERUSE_DISTINCT_RATE[provider.role])) addDistinct(item);
        }
      }
    }
    return items;
  }

  /**
   * Counts the patient's Medicare therapy visits (with GP lines) in the calendar year; from the
   * KX_FROM_VISIT-th on, therapy is past the yearly threshold and every GP line also gets KX.
   */
  private markTherapyThreshold(patient: number, day: number, items: ItemDraft[]): void {
    const therapy = items.filter((item) => item.modifiers?.startsWith('GP'));
    if (therapy.length === 0) return;
    const { year } = dayParts(day);
    if (this.therapyYear[patient] !== year) {
      this.therapyYear[patient] = year;
      this.medicareTherapyVisits[patient] = 0;
    }
    if (++this.medicareTherapyVisits[patient]! < KX_FROM_VISIT) return;
    for (const item of therapy) item.modifiers = withModifier(item.modifiers, 'KX');
  }

  private generateVisit(day: number): void {
    const random = this.random;
    const sink = this.sink;
    const patient = this.pickPatient();
    this.episodeFor(patient, day);
    const caseTypeIndex = this.episodeCaseType[patient]!;
    const caseType = caseTypeIndex >= 0 ? this.caseTypes[caseTypeIndex]! : null;
    const firstVisit = this.episodeVisits[patient]! === 0;
    this.episodeVisits[patient]!++;
    const payorId = this.episodePayorId[patient]! || null;
    const payorType = payorId === null ? null : this.payorType.get(payorId)!;
    const provider = this.visitProvider(day, caseType?.def.name ?? null);
    const items = this.composeItems(provider, day, firstVisit, caseType?.def.name ?? null, payorType);
    if (payorType === 'medicare') this.markTherapyThreshold(patient, day, items);

    // Status: ~2 % void; the recent past is still open (notes not signed yet).
    const age = this.options.endDay - day;
    let status: PurchaseStatus = 'finalized';
    if (random.chance(VOID_RATE)) status = 'void';
    else if (random.chance(age <= 7 ? 0.7 : age <= 30 ? 0.25 : age <= 90 ? 0.04 : 0.005)) status = 'open';

    const endOfData = this.endOfData;
    const createdAt = this.utcSeconds(day, random.int(7 * 3600, 19 * 3600 + 1800));
    let updatedAt: number;
    if (status === 'void') updatedAt = createdAt + random.int(1, 20) * 86_400 + random.int(0, 7200);
    else if (status === 'open') updatedAt = createdAt + random.int(0, 3600);
    else updatedAt = createdAt + (random.chance(0.7) ? random.int(300, 7200) : random.int(1, 3) * 86_400);
    updatedAt = Math.max(createdAt, Math.min(updatedAt, endOfData));

    const selfPayDiscount = payorId === null && random.chance(0.25);
    const purchaseId = sink.emit('purchases', {
      clinic_id: this.id,
      patient_id: this.firstPatientId + patient,
      patient_case_id: caseType ? this.episodeCaseId[patient]! : null,
      provider_id: provider.id,
      payor_id: payorId,
      purchased_on: formatDay(day),
      status,
      created_at: formatEpochSeconds(createdAt),
      updated_at: formatEpochSeconds(updatedAt),
    });

    const itemIds: number[] = [];
    const billed: number[] = [];
    let itemCreated = createdAt;
    for (const item of items) {
      let unitFee = item.code.fee ?? (item.code.def.group === 'no_show' && random.chance(0.35) ? 2500 : 0);
      if (selfPayDiscount && item.code.def.billable && unitFee > 0) unitFee = Math.round((unitFee * 0.8) / 50) * 50;
      const amount = item.units * unitFee;
      itemCreated += random.int(15, 90);
      const itemUpdated = Math.max(itemCreated, updatedAt);
      const row: Omit<PurchaseItemRow, 'id'> = {
        clinic_id: this.id,
        purchase_id: purchaseId,
        service_code_id: item.code.id,
        rendering_provider_id: item.renderingProviderId,
        units: item.units,
        unit_fee: formatCents(unitFee),
        billed_amount: formatCents(amount),
        modifiers: item.modifiers,
        created_at: formatEpochSeconds(itemCreated),
        updated_at: formatEpochSeconds(itemUpdated),
      };
      itemIds.push(sink.emit('purchase_items', row));
      billed.push(amount);
    }

    const paymentsKept = status !== 'void' || random.chance(VOID_WITH_PAYMENTS_RATE);
    if (!paymentsKept) return;
    this.patientPayments(day, createdAt, items, itemIds, billed, payorId !== null);
    if (payorId !== null && payorType !== null && status !== 'open')
      this.insurancePayments(day, items, itemIds, billed, payorId, payorType);
  }

  private emitPayment(
    source: 'insurance' | 'patient',
    payorId: number | null,
    receivedDay: number,
    postedAt: number,
    reference: string | null,
  ): number {
    return this.sink.emit('payments', {
      clinic_id: this.id,
      source,
      payor_id: payorId,
      received_on: formatDay(receivedDay),
      posted_at: formatEpochSeconds(Math.min(postedAt, this.endOfData)),
      reference,
    });
  }

  private emitApplication(paymentId: number, itemId: number, cents: number, appliedAt: number): void {
    this.sink.emit('payment_applications', {
      clinic_id: this.id,
      payment_id: paymentId,
      purchase_item_id: itemId,
      amount: formatCents(cents),
      applied_at: formatEpochSeconds(Math.min(appliedAt, this.endOfData)),
    });
  }

  /** An insurance payment's posting instant (UTC): the day it arrived or up to two days later, in office hours. */
  private postingTime(receivedDay: number): number {
    const postedDay = Math.min(receivedDay + this.random.int(0, 2), this.options.endDay);
    return this.utcSeconds(postedDay, this.random.int(8 * 3600, 18 * 3600));
  }

  private eraReference(prefix: string): string | null {
    return this.random.chance(0.03) ? null : `${prefix}${this.random.int(100_000_000, 999_999_999)}`;
  }

  /** Copays, payments for cash services, self-pay visits; at the visit or later, in full or in part. */
  private patientPayments(day: number, createdAt: number, items: ItemDraft[], itemIds: number[], billed: number[], insured: boolean): void {
    const random = this.random;
    const atVisit: [number, number][] = []; // [item index, cents]
    if (insured) {
      const firstBillable = items.findIndex((item, i) => item.code.def.billable && billed[i]! > 0);
      if (firstBillable >= 0 && random.chance(0.45)) {
        atVisit.push([firstBillable, Math.min(billed[firstBillable]!, random.pick([1500, 2000, 2500, 3000, 4000, 5000]))]);
      }
      items.forEach((item, i) => {
        if (!item.code.def.billable && billed[i]! > 0 && random.chance(0.85)) atVisit.push([i, billed[i]!]);
      });
    } else {
      const total = billed.reduce((sum, cents) => sum + cents, 0);
      if (total > 0) {
        const draw = random.float();
        if (draw < 0.75) {
          billed.forEach((cents, i) => cents > 0 && atVisit.push([i, cents]));
        } else if (draw < 0.88) {
          // Paid later, in part.
          const receivedDay = day + random.int(7, 60);
          if (receivedDay <= this.options.endDay) {
            const share = random.int(40, 100) / 100;
            const postedAt = this.utcSeconds(receivedDay, random.int(9 * 3600, 17 * 3600));
            const paymentId = this.emitPayment(
              'patient',
              null,
              receivedDay,
              postedAt,
              random.chance(0.5) ? `CHK ${random.int(1000, 9999)}` : null,
            );
            billed.forEach((cents, i) => {
              const part = Math.round(cents * share);
              if (part > 0) this.emitApplication(paymentId, itemIds[i]!, part, postedAt + random.int(0, 600));
            });
          }
        }
      }
    }
    if (atVisit.length === 0) return;
    const postedAt = createdAt + random.int(60, 1800);
    const paymentId = this.emitPayment('patient', null, day, postedAt, random.chance(0.3) ? `CHK ${random.int(1000, 9999)}` : null);
    for (const [i, cents] of atVisit) this.emitApplication(paymentId, itemIds[i]!, cents, postedAt + random.int(0, 300));
  }

  /**
   * The claim's payment (an ERA) weeks or months after the visit, unless denied or not arrived yet,
   * and sometimes a later supplemental payment, a takeback, or a reversal with a corrected amount.
   */
  private insurancePayments(
    day: number,
    items: ItemDraft[],
    itemIds: number[],
    billed: number[],
    payorId: number,
    payorType: PayorType,
  ): void {
    const random = this.random;
    const claimed: number[] = [];
    items.forEach((item, i) => item.code.def.billable && billed[i]! > 0 && claimed.push(i));
    if (claimed.length === 0 || random.chance(0.06)) return; // nothing to claim, or denied
    const [minLag, maxLag] = CLAIM_LAG.pick(random);
    const receivedDay = day + random.int(minLag, maxLag);
    if (receivedDay > this.options.endDay) return; // not arrived yet
    const [mean, spread] = PAID_RATIO[payorType];
    const ratio = Math.min(1, Math.max(0.2, mean + spread * random.normal()));
    const postedAt = this.postingTime(receivedDay);
    const paymentId = this.emitPayment('insurance', payorId, receivedDay, postedAt, this.eraReference('ERA'));
    const paid = new Map<number, number>(); // item index → cents
    for (const i of claimed) {
      if (random.chance(0.05)) continue; // this line bundled / paid nothing
      const cents = Math.min(billed[i]!, Math.max(1, Math.round(billed[i]! * ratio * (0.97 + random.float() * 0.06))));
      paid.set(i, cents);
      this.emitApplication(paymentId, itemIds[i]!, cents, postedAt + random.int(0, 2 * 86_400));
    }
    if (paid.size === 0) return;

    const followUp = random.float();
    const followDay = receivedDay + random.int(20, 200);
    if (followDay > this.options.endDay || followUp >= 0.115) return;
    const followPostedAt = this.postingTime(followDay);
    const paidItems = [...paid.keys()];
    if (followUp < 0.07) {
      // A supplemental payment (appeal, corrected claim): more money on lines already paid.
      const paymentId2 = this.emitPayment('insurance', payorId, followDay, followPostedAt, this.eraReference('ERA'));
      for (const i of paidItems) {
        const remaining = billed[i]! - paid.get(i)!;
        if (remaining > 0)
          this.emitApplication(
            paymentId2,
            itemIds[i]!,
            Math.max(1, Math.round((remaining * random.int(20, 60)) / 100)),
            followPostedAt + random.int(0, 86_400),
          );
      }
    } else if (followUp < 0.1) {
      // A takeback (recoupment): part or all of one line's payment clawed back.
      const i = random.pick(paidItems);
      const back = random.chance(0.5) ? paid.get(i)! : Math.max(1, Math.round((paid.get(i)! * random.int(10, 90)) / 100));
      const paymentId2 = this.emitPayment('insurance', payorId, followDay, followPostedAt, this.eraReference('RECOUP'));
      this.emitApplication(paymentId2, itemIds[i]!, -back, followPostedAt + random.int(0, 86_400));
    } else {
      // Reprocessed claim: one ERA reverses a line's payment and pays the corrected amount.
      const i = random.pick(paidItems);
      const corrected = Math.min(billed[i]!, Math.max(1, Math.round((paid.get(i)! * random.int(80, 120)) / 100)));
      const paymentId2 = this.emitPayment('insurance', payorId, followDay, followPostedAt, this.eraReference('ERA'));
      this.emitApplication(paymentId2, itemIds[i]!, -paid.get(i)!, followPostedAt);
      this.emitApplication(paymentId2, itemIds[i]!, corrected, followPostedAt + 1);
    }
  }
}

// ---- the public generator -------------------------------------------------------------------

/** Each clinic's mean visits per (average, open) day: the scale's volume split by clinic size. */
function clinicMeans(options: ResolvedSeedOptions): number[] {
  const sizes = Array.from({ length: options.clinics }, (_, i) => clinicTemplate(i).template.size);
  const totalSize = sizes.reduce((a, b) => a + b, 0);
  return sizes.map((size) => (options.scale * VISITS_PER_DAY_AT_SCALE_1 * size) / totalSize);
}

/**
 * All rows of the demo database, in an order that respects references (a row's parents come first).
 * Lazy: consuming it holds at most one day's rows in memory.
 */
export function* generateHostRows(options: SeedOptions): Generator<HostRow, void, undefined> {
  const resolved = resolveSeedOptions(options);
  const sink = new RowSink();
  const means = clinicMeans(resolved);
  const clinics: ClinicGenerator[] = [];
  for (const [index, mean] of means.entries()) {
    clinics.push(new ClinicGenerator(sink, resolved, index, mean));
    yield* drain(sink);
  }
  for (let day = resolved.startDay; day <= resolved.endDay; day++) {
    for (const clinic of clinics) {
      clinic.generateDay(day);
      if (sink.pending.length >= 1024) yield* drain(sink);
    }
    yield* drain(sink);
  }
  yield* drain(sink);
}

function* drain(sink: RowSink): Generator<HostRow, void, undefined> {
  const rows = sink.pending;
  for (let i = 0; i < rows.length; i++) yield rows[i]!;
  rows.length = 0;
}

/** Rows per visit on average (purchase, items, cases, payments, applications), measured on the generator. */
const ROWS_PER_VISIT = 7.95;
const ITEMS_PER_VISIT_MEAN = 2.76;

export interface SeedEstimate {
  visits: number;
  purchaseItems: number;
  /** All rows of all tables. */
  rows: number;
}

/** The expected volume for these options (for progress bars and for choosing a scale); ±a few %. */
export function estimateHostRows(options: SeedOptions): SeedEstimate {
  const resolved = resolveSeedOptions(options);
  let visits = 0;
  for (const mean of clinicMeans(resolved)) {
    for (let day = resolved.startDay; day <= resolved.endDay; day++) visits += ClinicGenerator.expectedVisits(mean, day, resolved);
  }
  const rows = visits * ROWS_PER_VISIT + referenceRowCount(resolved);
  return { visits: Math.round(visits), purchaseItems: Math.round(visits * ITEMS_PER_VISIT_MEAN), rows: Math.round(rows) };
}

function referenceRowCount(options: ResolvedSeedOptions): number {
  // clinics, providers, payors, case types, codes (~50 per clinic) and patients (30 per daily visit).
  return clinicMeans(options).reduce((sum, mean) => sum + 50 + Math.ceil(mean * 30) + 20, 0);
}
