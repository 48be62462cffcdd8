/**
 * The property datasets really hold every tricky case the model's tests rely on, their ids never
 * collide with the demo data's (clinics < 1000, rows < 10^12) or with each other, and the same seed
 * always gives the same rows.
 */
import { describe, expect, it } from 'vitest';
import type {
  HostRow,
  PaymentApplicationRow,
  PaymentRow,
  PurchaseItemRow,
  PurchaseRow,
  ServiceCodeRow,
} from '../../../server/db/seed/rows.js';
import { FRESHNESS_DATASET, PROPERTY_DATASETS, TEST_INSERT_ID_BASE, allExtraDatasets } from '../../support/datasets.js';
import { EDGE_DATES, MATURITY_EDGE_DAYS, generatePropertyDataset } from '../../support/property-dataset.js';

const rowsOf = <T>(rows: HostRow[], table: HostRow['table']) => rows.filter((r) => r.table === table).map((r) => r.row as unknown as T);
const DAY = 86_400_000;

describe.each([...PROPERTY_DATASETS, FRESHNESS_DATASET])('property dataset (seed $seed)', (options) => {
  const { rows } = generatePropertyDataset(options);
  const purchases = rowsOf<PurchaseRow>(rows, 'purchases');
  const items = rowsOf<PurchaseItemRow>(rows, 'purchase_items');
  const payments = new Map(rowsOf<PaymentRow>(rows, 'payments').map((p) => [p.id, p]));
  const applications = rowsOf<PaymentApplicationRow>(rows, 'payment_applications');
  const codes = new Map(rowsOf<ServiceCodeRow>(rows, 'service_codes').map((c) => [c.id, c]));
  const purchaseOf = new Map(purchases.map((p) => [p.id, p]));
  const itemOf = new Map(items.map((i) => [i.id, i]));
  const insurance = applications.filter((a) => payments.get(a.payment_id)!.source === 'insurance');

  it('holds every case of the contract', () => {
    expect(
      purchases.some(
        (p) => p.status === 'void' && items.some((i) => i.purchase_id === p.id && insurance.some((a) => a.purchase_item_id === i.id)),
      ),
    ).toBe(true);
    const applicationsPerItem = new Map<number, number>();
    for (const a of applications) applicationsPerItem.set(a.purchase_item_id, (applicationsPerItem.get(a.purchase_item_id) ?? 0) + 1);
    expect([...applicationsPerItem.values()].some((n) => n >= 2)).toBe(true); // fan-out
    expect(applications.some((a) => payments.get(a.payment_id)!.source === 'patient')).toBe(true);
    expect(insurance.some((a) => a.amount.startsWith('-'))).toBe(true); // takebacks
    expect(
      items.some((i) => i.rendering_provider_id !== null && i.rendering_provider_id !== purchaseOf.get(i.purchase_id)!.provider_id),
    ).toBe(true);
    expect(purchases.some((p) => p.payor_id === null && p.status !== 'void')).toBe(true);
    expect(purchases.some((p) => p.patient_case_id === null && p.status !== 'void')).toBe(true);
    const sameCodeTwice = purchases.some((p) => {
      const visitCodes = items.filter((i) => i.purchase_id === p.id).map((i) => i.service_code_id);
      return new Set(visitCodes).size < visitCodes.length;
    });
    expect(sameCodeTwice).toBe(true);
    expect(items.some((i) => i.billed_amount === '0.00' && codes.get(i.service_code_id)!.default_fee === '0.00')).toBe(true);
    expect(items.some((i) => i.units === 0)).toBe(true);
    for (const date of EDGE_DATES)
      expect(
        purchases.some((p) => p.purchased_on === date),
        date,
      ).toBe(true);
  });

  it('has late payments on every maturity bucket edge, and before the date of service', () => {
    const delays = new Set(
      insurance.map(
        (a) =>
          (Date.parse(payments.get(a.payment_id)!.received_on) -
            Date.parse(purchaseOf.get(itemOf.get(a.purchase_item_id)!.purchase_id)!.purchased_on)) /
          DAY,
      ),
    );
    for (const days of MATURITY_EDGE_DAYS) expect(delays.has(days), `${days} days`).toBe(true);
    expect([...delays].some((d) => d > 300)).toBe(true);
  });

  it('has the same code strings in each of its clinics, as separate rows', () => {
    const byClinic = new Map<number, Set<string>>();
    for (const c of codes.values()) byClinic.set(c.clinic_id, (byClinic.get(c.clinic_id) ?? new Set()).add(c.code));
    const [first, ...others] = [...byClinic.values()];
    for (const other of others) expect([...other].sort()).toEqual([...first!].sort());
  });

  it('is the same for the same seed', () => {
    expect(generatePropertyDataset(options).rows).toEqual(rows);
  });
});

describe('the extra datasets together', () => {
  it('use ids that collide neither with the demo data nor with each other nor with test inserts', () => {
    const seen = new Map<string, number>();
    for (const dataset of allExtraDatasets()) {
      for (const { table, row } of dataset.rows) {
        const id = (row as { id: number }).id;
        if (table === 'clinics') expect(id).toBeGreaterThanOrEqual(1000);
        else {
          expect(id).toBeGreaterThanOrEqual(1e12);
          expect(id).toBeLessThan(TEST_INSERT_ID_BASE);
        }
        const key = `${table}:${id}`;
        expect(seen.has(key), key).toBe(false);
        seen.set(key, id);
      }
    }
  });
});
