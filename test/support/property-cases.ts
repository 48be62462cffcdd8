/**
 * The property datasets' clinics (test/support/datasets.ts) as the randomized model tests draw from them:
 * each clinic's provider and payor ids, and the report's filter combinations over them (provider, payor
 * incl. self-pay, no case, codes shared across clinics, billing type).
 */
import { PROPERTY_DATASETS } from './datasets.js';
import { generatePropertyDataset } from './property-dataset.js';
import type { ReferenceFilter } from './reference-sql.js';

export interface ClinicFacts {
  clinicId: number;
  providerIds: string[];
  payorIds: string[];
}

export function clinicFacts(): ClinicFacts[] {
  return PROPERTY_DATASETS.flatMap((options) => {
    const dataset = generatePropertyDataset(options);
    return options.clinicIds.map((clinicId) => ({
      clinicId,
      providerIds: dataset.rows.filter((r) => r.table === 'providers' && r.row.clinic_id === clinicId).map((r) => String(r.row.id)),
      payorIds: dataset.rows.filter((r) => r.table === 'payors' && r.row.clinic_id === clinicId).map((r) => String(r.row.id)),
    }));
  });
}

/** Filter combinations of the report (provider, payor incl. self-pay, no case, codes, billing). */
export function filterCombinations(c: ClinicFacts): ReferenceFilter[][] {
  return [
    [],
    [{ dimension: 'provider_id', values: [c.providerIds[0]!, c.providerIds[3]!] }],
    [{ dimension: 'payor_id', values: [c.payorIds[1]!, null] }],
    [{ dimension: 'case_type_id', values: [null] }],
    [{ dimension: 'service_code', values: ['98941', 'NOCHG', 'MASS60'] }],
    [{ dimension: 'billing_type', values: ['Non-billable'] }],
    [
      { dimension: 'provider_id', values: [c.providerIds[1]!, c.providerIds[2]!] },
      { dimension: 'service_code', values: ['97110', '98941', 'REPORT'] },
      { dimension: 'payor_name', values: ['Self-pay', 'Blue Shield 1', 'Blue Shield 2'] },
    ],
  ];
}
