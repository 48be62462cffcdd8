import { createHash } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  estimateHostRows,
  generateHostRows,
  HOST_TABLES,
  PAYOR_TYPES,
  parseCents,
  resolveSeedOptions,
  type HostRow,
  type HostRowMap,
  type HostTable,
  type SeedOptions,
} from '../../../server/db/seed/index.js';

const OPTIONS: SeedOptions = { scale: 0.15, seed: 7, clinics: 3 };

type Tables = { [T in HostTable]: HostRowMap[T][] };

function collect(options: SeedOptions): Tables {
  const tables = Object.fromEntries(HOST_TABLES.map((t) => [t, []])) as unknown as Tables;
  for (const { table, row } of generateHostRows(options)) (tables[table] as unknown[]).push(row);
  return tables;
}

function digest(rows: Iterable<HostRow>): string {
  const hash = createHash('sha256');
  for (const { table, row } of rows) hash.update(`${table}\t${JSON.stringify(row)}\n`);
  return hash.digest('hex');
}

function byId<R extends { id: number }>(rows: R[]): Map<number, R> {
  return new Map(rows.map((r) => [r.id, r]));
}

function isLastDayOfMonth(date: string): boolean {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.getUTCDate() === 1;
}

function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
}

describe('determinism', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('gives identical rows for the same seed and scale', () => {
    expect(digest(generateHostRows(OPTIONS))).toBe(digest(generateHostRows({ ...OPTIONS })));
  });

  it('gives different rows for a different seed', () => {
    expect(digest(generateHostRows({ ...OPTIONS, seed: 8 }))).not.toBe(digest(generateHostRows(OPTIONS)));
  });

  it('uses neither Math.random nor the clock', () => {
    const random = vi.spyOn(Math, 'random');
    const now = vi.spyOn(Date, 'now');
    let rows = 0;
    for (const _ of generateHostRows({ ...OPTIONS, scale: 0.05 })) rows++;
    expect(rows).toBeGreaterThan(1000);
    expect(random).not.toHaveBeenCalled();
    expect(now).not.toHaveBeenCalled();
  });
});

describe('volume', () => {
  it('scale 1 is 3 clinics and 30,000–60,000 purchase_items over two years ending 2026-10-31', () => {
    const counts = Object.fromEntries(HOST_TABLES.map((t) => [t, 0])) as Record<HostTable, number>;
    let first = '9999-12-31';
    let last = '0000-01-01';
    for (const { table, row } of generateHostRows({ scale: 1, seed: 1 })) {
      counts[table]++;
      if (table === 'purchases') {
        if (row.purchased_on < first) first = row.purchased_on;
        if (row.purchased_on > last) last = row.purchased_on;
      }
    }
    expect(counts.clinics).toBe(3);
    expect(counts.purchase_items).toBeGreaterThan(30_000);
    expect(counts.purchase_items).toBeLessThan(60_000);
    expect([first, last]).toEqual(['2024-11-01', '2026-10-31']);
    const estimate = estimateHostRows({ scale: 1, seed: 1 });
    expect(Math.abs(estimate.purchaseItems / counts.purchase_items - 1)).toBeLessThan(0.1);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    expect(Math.abs(estimate.rows / total - 1)).toBeLessThan(0.1);
  });

  it('grows linearly with the scale', () => {
    const items = (scale: number) => collect({ scale, seed: 3, clinics: 3 }).purchase_items.length;
    const ratio = items(0.4) / items(0.1);
    expect(ratio).toBeGreaterThan(3.6);
    expect(ratio).toBeLessThan(4.4);
  });

  it('numbers clinics from 1 and adds clinics with the scale', () => {
    expect(resolveSeedOptions({ scale: 1, seed: 1 }).clinics).toBe(3);
    expect(resolveSeedOptions({ scale: 100, seed: 1 }).clinics).toBe(30);
    const clinics = collect({ scale: 0.02, seed: 1, clinics: 5 }).clinics;
    expect(clinics.map((c) => c.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('rejects bad options with the option’s name', () => {
    expect(() => resolveSeedOptions({ scale: 0, seed: 1 })).toThrow(/scale/);
    expect(() => resolveSeedOptions({ scale: 1, seed: 1.5 })).toThrow(/seed/);
    expect(() => resolveSeedOptions({ scale: 1, seed: 1, clinics: 0 })).toThrow(/clinics/);
    expect(() => resolveSeedOptions({ scale: 1, seed: 1, endDate: '2026-02-30' })).toThrow(/endDate/);
    expect(() => resolveSeedOptions({ scale: 1, seed: 1, years: 0 })).toThrow(/years/);
  });
});

describe('generated data', () => {
  let t: Tables;
  let purchases: Map<number, HostRowMap['purchases']>;
  let items: Map<number, HostRowMap['purchase_items']>;
  let payments: Map<number, HostRowMap['payments']>;
  let codes: Map<number, HostRowMap['service_codes']>;

  beforeAll(() => {
    t = collect(OPTIONS);
    purchases = byId(t.purchases);
    items = byId(t.purchase_items);
    payments = byId(t.payments);
    codes = byId(t.service_codes);
  });

  const count = <R>(rows: R[], predicate: (row: R) => boolean): number => rows.filter(predicate).length;
  const applicationsWith = (
    predicate: (
      a: HostRowMap['payment_applications'],
      p: HostRowMap['payments'],
      i: HostRowMap['purchase_items'],
      v: HostRowMap['purchases'],
    ) => boolean,
  ) =>
    count(t.payment_applications, (a) => {
      const payment = payments.get(a.payment_id)!;
      const item = items.get(a.purchase_item_id)!;
      return predicate(a, payment, item, purchases.get(item.purchase_id)!);
    });

  describe('integrity', () => {
    it('numbers every table’s ids 1, 2, 3, … (unique across clinics)', () => {
      for (const table of HOST_TABLES) {
        const ids = (t[table] as { id: number }[]).map((r) => r.id);
        expect(ids.length, table).toBeGreaterThan(0);
        expect(ids, table).toEqual(ids.map((_, i) => i + 1));
      }
    });

    it('references only existing rows of the same clinic', () => {
      const clinicOf = (rows: { id: number; clinic_id: number }[]) => new Map(rows.map((r) => [r.id, r.clinic_id]));
      const providers = clinicOf(t.providers);
      const payors = clinicOf(t.payors);
      const patients = clinicOf(t.patients);
      const cases = clinicOf(t.patient_cases);
      const caseTypes = clinicOf(t.case_types);
      let bad = 0;
      for (const c of t.patient_cases)
        if (patients.get(c.patient_id) !== c.clinic_id || caseTypes.get(c.case_type_id) !== c.clinic_id) bad++;
      for (const p of t.purchases) {
        if (patients.get(p.patient_id) !== p.clinic_id || providers.get(p.provider_id) !== p.clinic_id) bad++;
        if (p.payor_id !== null && payors.get(p.payor_id) !== p.clinic_id) bad++;
        if (p.patient_case_id !== null && cases.get(p.patient_case_id) !== p.clinic_id) bad++;
      }
      for (const i of t.purchase_items) {
        if (purchases.get(i.purchase_id)?.clinic_id !== i.clinic_id || codes.get(i.service_code_id)?.clinic_id !== i.clinic_id) bad++;
        if (i.rendering_provider_id !== null && providers.get(i.rendering_provider_id) !== i.clinic_id) bad++;
      }
      for (const a of t.payment_applications) {
        if (payments.get(a.payment_id)?.clinic_id !== a.clinic_id || items.get(a.purchase_item_id)?.clinic_id !== a.clinic_id) bad++;
      }
      for (const p of t.payments) if (p.payor_id !== null && payors.get(p.payor_id) !== p.clinic_id) bad++;
      expect(bad).toBe(0);
    });

    it('bills units × unit fee on every item, 1–4 units, 1–5 items per visit', () => {
      expect(count(t.purchase_items, (i) => parseCents(i.billed_amount) !== i.units * parseCents(i.unit_fee))).toBe(0);
      expect(count(t.purchase_items, (i) => i.units < 1 || i.units > 4)).toBe(0);
      const perVisit = new Map<number, number>();
      for (const i of t.purchase_items) perVisit.set(i.purchase_id, (perVisit.get(i.purchase_id) ?? 0) + 1);
      expect(perVisit.size).toBe(t.purchases.length);
      expect(Math.min(...perVisit.values())).toBe(1);
      expect(Math.max(...perVisit.values())).toBe(5);
      expect(count(t.purchase_items, (i) => i.units > 1)).toBeGreaterThan(0);
    });

    it('stays within the window: visits in it, nothing received after its end', () => {
      const { startDate, endDate } = resolveSeedOptions(OPTIONS);
      expect(count(t.purchases, (p) => p.purchased_on < startDate || p.purchased_on > endDate)).toBe(0);
      expect(count(t.payments, (p) => p.received_on > endDate)).toBe(0);
    });

    it('sets payor_id exactly on insurance payments', () => {
      expect(count(t.payments, (p) => (p.source === 'insurance') !== (p.payor_id !== null))).toBe(0);
    });

    it('has no rendering provider equal to the visit’s provider', () => {
      expect(count(t.purchase_items, (i) => i.rendering_provider_id === purchases.get(i.purchase_id)!.provider_id)).toBe(0);
    });

    it('receives insurance payments after the visit, never on or before it', () => {
      expect(applicationsWith((_a, p, _i, v) => p.source === 'insurance' && p.received_on <= v.purchased_on)).toBe(0);
    });
  });

  describe('the tricky cases are all present', () => {
    it('void purchases with items and with payments', () => {
      const voids = new Set(t.purchases.filter((p) => p.status === 'void').map((p) => p.id));
      expect(voids.size).toBeGreaterThan(0);
      expect(count(t.purchase_items, (i) => voids.has(i.purchase_id))).toBeGreaterThan(0);
      expect(applicationsWith((_a, p, _i, v) => v.status === 'void' && p.source === 'insurance')).toBeGreaterThan(0);
      expect(applicationsWith((_a, p, _i, v) => v.status === 'void' && p.source === 'patient')).toBeGreaterThan(0);
    });

    it('about 2 % void, open visits mostly recent', () => {
      const share = count(t.purchases, (p) => p.status === 'void') / t.purchases.length;
      expect(share).toBeGreaterThan(0.01);
      expect(share).toBeLessThan(0.035);
      const open = t.purchases.filter((p) => p.status === 'open');
      expect(open.length).toBeGreaterThan(0);
      expect(count(open, (p) => p.purchased_on >= '2026-10-01') / open.length).toBeGreaterThan(0.5);
    });

    it('insurance payments received more than 90 days after the visit', () => {
      expect(
        applicationsWith((_a, p, _i, v) => p.source === 'insurance' && daysBetween(v.purchased_on, p.received_on) > 90),
      ).toBeGreaterThan(0);
    });

    it('recent visits mostly not yet paid by insurance', () => {
      const paid = new Set<number>();
      for (const a of t.payment_applications)
        if (payments.get(a.payment_id)!.source === 'insurance') paid.add(items.get(a.purchase_item_id)!.purchase_id);
      const insured = (from: string, to: string) =>
        t.purchases.filter((p) => p.payor_id !== null && p.status === 'finalized' && p.purchased_on >= from && p.purchased_on <= to);
      const share = (visits: HostRowMap['purchases'][]) => count(visits, (p) => paid.has(p.id)) / visits.length;
      expect(share(insured('2026-10-15', '2026-10-31'))).toBeLessThan(0.2);
      expect(share(insured('2025-01-01', '2025-12-31'))).toBeGreaterThan(0.75);
    });

    it('partial payments: insurance paid more than 0 and less than the billed amount', () => {
      const paid = new Map<number, number>();
      for (const a of t.payment_applications)
        if (payments.get(a.payment_id)!.source === 'insurance')
          paid.set(a.purchase_item_id, (paid.get(a.purchase_item_id) ?? 0) + parseCents(a.amount));
      expect(count([...paid], ([item, cents]) => cents > 0 && cents < parseCents(items.get(item)!.billed_amount))).toBeGreaterThan(0);
    });

    it('an item with several applications, also several insurance applications, also twice in one payment', () => {
      const perItem = new Map<number, number>();
      const perItemInsurance = new Map<number, number>();
      const perItemPayment = new Map<string, number>();
      for (const a of t.payment_applications) {
        perItem.set(a.purchase_item_id, (perItem.get(a.purchase_item_id) ?? 0) + 1);
        if (payments.get(a.payment_id)!.source === 'insurance')
          perItemInsurance.set(a.purchase_item_id, (perItemInsurance.get(a.purchase_item_id) ?? 0) + 1);
        const key = `${a.purchase_item_id}/${a.payment_id}`;
        perItemPayment.set(key, (perItemPayment.get(key) ?? 0) + 1);
      }
      expect(count([...perItem.values()], (n) => n > 1)).toBeGreaterThan(0);
      expect(count([...perItemInsurance.values()], (n) => n > 1)).toBeGreaterThan(0);
      expect(count([...perItemPayment.values()], (n) => n > 1)).toBeGreaterThan(0);
    });

    it('negative applications (takebacks) on insurance payments', () => {
      expect(applicationsWith((a, p) => p.source === 'insurance' && parseCents(a.amount) < 0)).toBeGreaterThan(0);
    });

    it('patient payments (no payor) applied to items, on self-pay and on insured visits', () => {
      expect(applicationsWith((_a, p, _i, v) => p.source === 'patient' && p.payor_id === null && v.payor_id === null)).toBeGreaterThan(0);
      expect(applicationsWith((_a, p, _i, v) => p.source === 'patient' && v.payor_id !== null)).toBeGreaterThan(0);
    });

    it('self-pay visits and visits outside any case', () => {
      expect(count(t.purchases, (p) => p.payor_id === null)).toBeGreaterThan(0);
      expect(count(t.purchases, (p) => p.patient_case_id === null)).toBeGreaterThan(0);
      expect(count(t.purchases, (p) => p.patient_case_id === null && p.payor_id !== null)).toBeGreaterThan(0);
    });

    it('items rendered by another provider than the visit’s, and items with no rendering provider', () => {
      expect(
        count(
          t.purchase_items,
          (i) => i.rendering_provider_id !== null && i.rendering_provider_id !== purchases.get(i.purchase_id)!.provider_id,
        ),
      ).toBeGreaterThan(0);
      expect(count(t.purchase_items, (i) => i.rendering_provider_id === null)).toBeGreaterThan(0);
    });

    it('the same code twice on one purchase', () => {
      const seen = new Set<string>();
      let twice = 0;
      for (const i of t.purchase_items) {
        const key = `${i.purchase_id}/${i.service_code_id}`;
        if (seen.has(key)) twice++;
        seen.add(key);
      }
      expect(twice).toBeGreaterThan(0);
    });

    it('the same code string in several clinics, with different ids', () => {
      const clinicsByCode = new Map<string, Set<number>>();
      for (const c of t.service_codes) clinicsByCode.set(c.code, (clinicsByCode.get(c.code) ?? new Set()).add(c.clinic_id));
      expect(clinicsByCode.get('98941')?.size).toBe(3);
      expect(new Set(t.service_codes.filter((c) => c.code === '98941').map((c) => c.id)).size).toBe(3);
      // Clinics differ in their own codes: some custom code is missing from some clinic.
      expect(count([...clinicsByCode.values()], (clinics) => clinics.size < 3)).toBeGreaterThan(0);
    });

    it('CPT and custom codes, billable and non-billable, zero and NULL default fees, all used', () => {
      const used = new Set(t.purchase_items.map((i) => i.service_code_id));
      const usedCodes = t.service_codes.filter((c) => used.has(c.id));
      expect(count(usedCodes, (c) => c.code_type === 'cpt')).toBeGreaterThan(0);
      expect(count(usedCodes, (c) => c.code_type === 'custom')).toBeGreaterThan(0);
      expect(count(usedCodes, (c) => c.billable === 0)).toBeGreaterThan(0);
      expect(count(usedCodes, (c) => c.billable === 1)).toBeGreaterThan(0);
      expect(count(usedCodes, (c) => c.default_fee === null)).toBeGreaterThan(0);
      expect(count(usedCodes, (c) => c.default_fee === '0.00')).toBeGreaterThan(0);
      expect(count(t.purchase_items, (i) => i.billed_amount === '0.00')).toBeGreaterThan(0);
      for (const code of [
        '98940',
        '98941',
        '98942',
        '97110',
        '97112',
        '97140',
        '97530',
        '97014',
        'G0283',
        '97035',
        '97012',
        '99203',
        '99213',
        '97161',
        '97162',
        'MASS60',
        'SUPP-VITD',
        'X-RAY-2V',
        'NOSHOW',
      ]) {
        expect(
          usedCodes.some((c) => c.code === code),
          code,
        ).toBe(true);
      }
    });

    it('visits on the first and last day of months, and on 31 December and 1 January', () => {
      expect(count(t.purchases, (p) => p.purchased_on.endsWith('-01'))).toBeGreaterThan(0);
      expect(count(t.purchases, (p) => isLastDayOfMonth(p.purchased_on))).toBeGreaterThan(0);
      expect(count(t.purchases, (p) => p.purchased_on.endsWith('-12-31'))).toBeGreaterThan(0);
      expect(count(t.purchases, (p) => p.purchased_on.endsWith('-01-01'))).toBeGreaterThan(0);
      // Every month of the window, in every clinic, has visits on its first and its last day.
      const edges = new Set(
        t.purchases
          .filter((p) => p.purchased_on.endsWith('-01') || isLastDayOfMonth(p.purchased_on))
          .map((p) => `${p.clinic_id}/${p.purchased_on}`),
      );
      expect(edges.size).toBe(3 * 24 * 2);
    });

    it('every payor_type, on payors and on visits', () => {
      expect(new Set(t.payors.map((p) => p.payor_type))).toEqual(new Set(PAYOR_TYPES));
      const typeOf = new Map(t.payors.map((p) => [p.id, p.payor_type]));
      expect(new Set(t.purchases.filter((p) => p.payor_id !== null).map((p) => typeOf.get(p.payor_id!)))).toEqual(new Set(PAYOR_TYPES));
    });

    it('providers with DC, PT, LMT and no credentials; an inactive provider; time zones and a CAD clinic', () => {
      expect(new Set(t.providers.map((p) => p.credentials))).toEqual(new Set(['DC', 'PT', 'LMT', null]));
      expect(count(t.providers, (p) => p.active === 0)).toBeGreaterThan(0);
      expect(t.clinics.map((c) => c.timezone)).toEqual(['America/New_York', 'America/Chicago', 'America/Los_Angeles']);
      expect(collect({ scale: 0.02, seed: 1, clinics: 4 }).clinics.map((c) => c.currency)).toContain('CAD');
    });

    it('weekly shape: weekdays busy, Saturday light, Sunday only at month edges', () => {
      const perWeekday = [0, 0, 0, 0, 0, 0, 0];
      for (const p of t.purchases) perWeekday[new Date(`${p.purchased_on}T00:00:00Z`).getUTCDay()]!++;
      const [sunday, monday, , , , friday, saturday] = perWeekday as [number, number, number, number, number, number, number];
      expect(saturday).toBeLessThan(friday / 2);
      expect(saturday).toBeGreaterThan(0);
      expect(sunday).toBeLessThan(monday / 20);
    });

    it('seasonal shape: January above July and December', () => {
      const inMonth = (month: string) => count(t.purchases, (p) => p.purchased_on.slice(5, 7) === month);
      expect(inMonth('01')).toBeGreaterThan(inMonth('07') * 1.2);
      expect(inMonth('01')).toBeGreaterThan(inMonth('12') * 1.2);
    });
  });
});

describe('modifiers over a clinic-year (the billing checks of issue 12)', () => {
  const YEAR: SeedOptions = { scale: 1, seed: 7, clinics: 3, years: 1 };
  const DISTINCT = /(^|,)(59|XE|XS|XP|XU)(,|$)/;
  let t: Tables;
  let purchases: Map<number, HostRowMap['purchases']>;
  let codeOf: Map<number, string>;
  let payorTypeOf: Map<number, string>;
  /** The line's provider as the report defines it: the rendering provider, else the visit's. */
  const providerOf = (i: HostRowMap['purchase_items']) => i.rendering_provider_id ?? purchases.get(i.purchase_id)!.provider_id;
  const isMedicare = (i: HostRowMap['purchase_items']) => {
    const payorId = purchases.get(i.purchase_id)!.payor_id;
    return payorId !== null && payorTypeOf.get(payorId) === 'medicare';
  };
  const modifiersOf = (i: HostRowMap['purchase_items']) => i.modifiers?.split(',') ?? [];

  beforeAll(() => {
    t = collect(YEAR);
    purchases = byId(t.purchases);
    codeOf = new Map(t.service_codes.map((c) => [c.id, c.code]));
    payorTypeOf = new Map(t.payors.map((p) => [p.id, p.payor_type]));
  });

  it('writes two-character modifiers, comma-separated without spaces, each once, within VARCHAR(20)', () => {
    const written = t.purchase_items.filter((i) => i.modifiers !== null).map((i) => i.modifiers!);
    expect(written.length).toBeGreaterThan(t.purchase_items.length / 10);
    for (const modifiers of new Set(written)) {
      expect(modifiers).toMatch(/^[A-Z0-9]{2}(,[A-Z0-9]{2})*$/);
      expect(modifiers.length).toBeLessThanOrEqual(20);
      expect(new Set(modifiers.split(',')).size, modifiers).toBe(modifiers.split(',').length);
    }
  });

  it('puts AT only on CMT, GP and KX only on Medicare lines, 25 only on E/M', () => {
    const misplaced = t.purchase_items.filter((i) => {
      const code = codeOf.get(i.service_code_id)!;
      const m = modifiersOf(i);
      return (
        (m.includes('AT') && !(/^9894[012]$/.test(code) && isMedicare(i))) ||
        ((m.includes('GP') || m.includes('KX')) && !isMedicare(i)) ||
        (m.includes('25') && !/^992\d\d$/.test(code))
      );
    });
    expect(misplaced.map((i) => `${codeOf.get(i.service_code_id)}-${i.modifiers}`)).toEqual([]);
  });

  it('bills most Medicare CMT with AT, some without, most of those by one DC per clinic', () => {
    const cmt = t.purchase_items.filter((i) => /^9894[012]$/.test(codeOf.get(i.service_code_id)!) && isMedicare(i));
    const withoutAt = cmt.filter((i) => !modifiersOf(i).includes('AT'));
    expect(cmt.length).toBeGreaterThan(100);
    expect(withoutAt.length).toBeGreaterThan(0);
    expect(withoutAt.length / cmt.length).toBeLessThan(0.3);
    // In each clinic with two DCs billing Medicare CMT, one of them misses AT far more often.
    for (const clinic of t.clinics) {
      const perDc = new Map<number, { lines: number; missing: number }>();
      for (const i of cmt.filter((line) => line.clinic_id === clinic.id)) {
        const tally = perDc.get(providerOf(i)) ?? { lines: 0, missing: 0 };
        tally.lines++;
        if (!modifiersOf(i).includes('AT')) tally.missing++;
        perDc.set(providerOf(i), tally);
      }
      const rates = [...perDc.values()].filter((d) => d.lines >= 30).map((d) => d.missing / d.lines);
      if (rates.length < 2) continue;
      rates.sort((a, b) => b - a);
      expect(rates[0]!, `clinic ${clinic.id}`).toBeGreaterThan(0.15);
      expect(rates[1]!, `clinic ${clinic.id}`).toBeLessThan(0.1);
    }
  });

  it('uses 59 on most distinct-procedure lines and each of XE, XS, XP and XU on some', () => {
    const used = t.purchase_items.flatMap((i) => modifiersOf(i).filter((m) => DISTINCT.test(m)));
    expect(used.filter((m) => m === '59').length / used.length).toBeGreaterThan(0.6);
    expect(used.filter((m) => m === '59').length / used.length).toBeLessThan(0.9);
    for (const x of ['XE', 'XS', 'XP', 'XU']) expect(used, x).toContain(x);
  });

  it('puts 59/X* on most 97140 lines billed with a CMT on the same visit, not on all', () => {
    const withCmt = new Set(t.purchase_items.filter((i) => /^9894[012]$/.test(codeOf.get(i.service_code_id)!)).map((i) => i.purchase_id));
    const manual = t.purchase_items.filter((i) => codeOf.get(i.service_code_id) === '97140' && withCmt.has(i.purchase_id));
    const share = manual.filter((i) => DISTINCT.test(i.modifiers ?? '')).length / manual.length;
    expect(manual.length).toBeGreaterThan(500);
    expect(share).toBeGreaterThan(0.75);
    expect(share).toBeLessThan(0.97);
  });

  it('has one provider per clinic whose 59/X* rate is about 3× (or more) the rest of the clinic’s', () => {
    for (const clinic of t.clinics) {
      const perProvider = new Map<number, { lines: number; distinct: number }>();
      for (const i of t.purchase_items.filter((line) => line.clinic_id === clinic.id)) {
        const tally = perProvider.get(providerOf(i)) ?? { lines: 0, distinct: 0 };
        tally.lines++;
        if (DISTINCT.test(i.modifiers ?? '')) tally.distinct++;
        perProvider.set(providerOf(i), tally);
      }
      const total = [...perProvider.values()].reduce((sum, p) => ({ lines: sum.lines + p.lines, distinct: sum.distinct + p.distinct }));
      // Each busy provider's rate against the rate of all the clinic's other lines.
      const ratios = [...perProvider.values()]
        .filter((p) => p.lines >= 500)
        .map((p) => p.distinct / p.lines / ((total.distinct - p.distinct) / (total.lines - p.lines)))
        .sort((a, b) => b - a);
      expect(ratios.length, `clinic ${clinic.id}`).toBeGreaterThan(1);
      expect(ratios[0]!, `clinic ${clinic.id}`).toBeGreaterThan(2.5);
      expect(ratios[1]!, `clinic ${clinic.id}`).toBeLessThan(1.5);
    }
  });

  it('adds KX with GP on Medicare lines, from the patient’s 12th Medicare therapy visit of the calendar year on', () => {
    const kx = t.purchase_items.filter((i) => modifiersOf(i).includes('KX'));
    expect(kx.length).toBeGreaterThan(0);
    expect(kx.filter((i) => !modifiersOf(i).includes('GP') || !isMedicare(i))).toEqual([]);
    // Number each patient's Medicare visits with GP lines within the year (purchase ids follow the dates).
    const therapyVisits = [...new Set(t.purchase_items.filter((i) => modifiersOf(i).includes('GP')).map((i) => i.purchase_id))]
      .map((id) => purchases.get(id)!)
      .sort((a, b) => a.id - b.id);
    const seen = new Map<string, number>();
    const expectKx = new Set<number>();
    for (const visit of therapyVisits) {
      const key = `${visit.patient_id}/${visit.purchased_on.slice(0, 4)}`;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      if (n >= 12) expectKx.add(visit.id);
    }
    const gpLines = t.purchase_items.filter((i) => modifiersOf(i).includes('GP'));
    expect(gpLines.filter((i) => modifiersOf(i).includes('KX') !== expectKx.has(i.purchase_id))).toEqual([]);
  });
});
