// JavaScript, not YAML (like counted_items and clinics): it imports from model/shared/sql.js, which
// YAML cannot. maturity_by_day uses the per-month refresh-key query and the build range
// (monthChangesSql, first/lastDateOfServiceSql) of counted_items' pre-aggregations, so a month's
// key is the identical query for all three. bucketCase builds both bucket dimensions from one list.
import { CHANGE_LOG_SCHEMA } from './shared/deployment'; // Cube resolves './' from the model root
import { firstDateOfServiceSql, lastDateOfServiceSql, monthChangesSql } from './shared/sql';

const BUCKETS = [
  // [order, label, last day after the date of service (inclusive)]
  [1, '0-30 days', 30],
  [2, '31-60 days', 60],
  [3, '61-90 days', 90],
  [4, '91-180 days', 180],
];
const OVER_180 = [5, 'Over 180 days'];
const BEFORE = [0, 'Before date of service'];

/** CASE over the payment's received_on against the date of service; `pick` chooses order or label. */
function bucketCase(received, served, pick) {
  const value = (bucket) => (pick === 'order' ? String(bucket[0]) : `'${bucket[1]}'`);
  return `CASE WHEN ${received} < ${served} THEN ${value(BEFORE)}
    ${BUCKETS.map((b) => `WHEN ${received} <= ${served} + INTERVAL ${b[2]} DAY THEN ${value(b)}`).join('\n    ')}
    ELSE ${value(OVER_180)} END`;
}

cube(`insurance_applications`, {
  // Short, so that pre-aggregation tables fit MySQL's 64-character names (schema + name + version suffix).
  sql_alias: `ins_apps`,
  sql: `
    SELECT pa.id, pa.clinic_id, pa.purchase_item_id, pa.amount, pm.received_on, p.purchased_on
    FROM payment_applications pa
    JOIN payments pm ON pm.id = pa.payment_id AND pm.clinic_id = pa.clinic_id
    JOIN purchase_items pi ON pi.id = pa.purchase_item_id AND pi.clinic_id = pa.clinic_id
    JOIN purchases p ON p.id = pi.purchase_id AND p.clinic_id = pi.clinic_id
    WHERE pm.source = 'insurance' AND p.status != 'void'`,

  title: `Insurance payment applications`,
  description: `One row per application of an insurance payment (payments.source = 'insurance') to a counted
    item (an item of a purchase that is not void), takebacks included. The payment's date is
    payments.received_on, the day the clinic received it.`,
  public: false,

  pre_aggregations: {
    // The payment-maturity chart and its filters: insurance money by bucket and day of service.
    maturity_by_day: {
      type: `rollup`,
      external: false,
      measures: [insurance_paid],
      dimensions: [
        clinic_id,
        days_to_payment,
        days_to_payment_order,
        counted_items.provider_id,
        counted_items.payor_id,
        counted_items.case_type_id,
        counted_items.payor_name,
        counted_items.case_type,
        counted_items.service_codes.code,
        counted_items.service_codes.code_type,
        counted_items.service_codes.billing_type,
        counted_items.providers.name,
        // The report's modifier filter applies to this chart too (docs/dashboard.md, "Filters").
        counted_items.modifiers,
      ],
      time_dimension: date_of_service,
      granularity: `day`,
      partition_granularity: `month`,
      refresh_key: {
        sql: `${monthChangesSql(CHANGE_LOG_SCHEMA, FILTER_PARAMS.insurance_applications.date_of_service.filter('month_start'))}`,
      },
      build_range_start: { sql: firstDateOfServiceSql(CHANGE_LOG_SCHEMA) },
      build_range_end: { sql: lastDateOfServiceSql(CHANGE_LOG_SCHEMA) },
      indexes: { by_clinic: { columns: [clinic_id] } },
    },
  },

  joins: {
    counted_items: {
      sql: `${CUBE}.purchase_item_id = ${counted_items}.id AND ${CUBE}.clinic_id = ${counted_items}.clinic_id`,
      relationship: `many_to_one`,
    },
  },

  dimensions: {
    id: {
      sql: `id`,
      type: `number`,
      primary_key: true,
    },
    clinic_id: {
      description: `The clinic of the application. The server always filters it to the token's own clinic (row-level security).`,
      sql: `clinic_id`,
      type: `number`,
      public: false,
    },
    date_of_service: {
      title: `Date of Service`,
      description: `purchases.purchased_on of the visit the money was applied to: the clinic's own calendar date, never shifted by a time zone.`,
      sql: `purchased_on`,
      type: `time`,
    },
    days_to_payment: {
      title: `Days to Payment`,
      description: `Days from the date of service to the payment's received_on, in buckets: 0-30 days, 31-60 days, 61-90 days, 91-180 days, Over 180 days (ends inclusive); "Before date of service" for money received before the visit.`,
      sql: bucketCase(`${CUBE}.received_on`, `${CUBE}.purchased_on`, 'label'),
      type: `string`,
    },
    days_to_payment_order: {
      title: `Days to Payment (order)`,
      description: `Sort key of the Days to Payment bucket: 0 Before date of service, 1 for 0-30 days, ... 5 for Over 180 days.`,
      // A decimal, so that both databases return the same text ("1"); MySQL returns an INT as a number.
      sql: `CAST(${bucketCase(`${CUBE}.received_on`, `${CUBE}.purchased_on`, 'order')} AS DECIMAL(1,0))`,
      type: `number`,
    },
  },

  measures: {
    insurance_paid: {
      title: `Insurance Paid`,
      description: `Sum of payment_applications.amount of insurance payments to counted items, takebacks included, by the days from the date of service to payments.received_on.`,
      sql: `amount`,
      type: `sum`,
      format: `currency`,
    },
  },
});
