// JavaScript, not YAML (like counted_items and insurance_applications): it imports from
// model/shared/sql.js, which YAML cannot. The labels rollup's refresh key is a fingerprint of the
// clinics rows made by tableFingerprint, the helper that also fingerprints the names in the other
// pre-aggregations' keys.
import { tableFingerprint } from './shared/sql'; // Cube resolves './' from the model root

cube(`clinics`, {
  sql_table: `clinics`,
  description: `The clinics. Each token sees its own clinic only.`,
  public: false,

  pre_aggregations: {
    // The clinic view's one query (name, calendar, currency), so that the report page reads nothing
    // but pre-aggregations. A few rows; rebuilt when a clinic is added, removed or changed.
    labels: {
      type: `rollup`,
      external: false,
      dimensions: [clinic_id, name, timezone, currency],
      refresh_key: {
        sql: `SELECT ${tableFingerprint('clinics', `CONCAT(id, '|', name, '|', timezone, '|', currency)`, 'clinics')}`,
      },
    },
  },

  dimensions: {
    id: {
      sql: `id`,
      type: `number`,
      primary_key: true,
    },
    clinic_id: {
      description: `The clinic's id. The server always filters it to the token's own clinic (row-level security).`,
      sql: `id`,
      type: `number`,
      public: false,
    },
    name: {
      title: `Clinic`,
      description: `clinics.name.`,
      sql: `name`,
      type: `string`,
    },
    timezone: {
      title: `Time Zone`,
      description: `The clinic's IANA time zone (clinics.timezone); "last month" and "year to date" mean this calendar.`,
      sql: `timezone`,
      type: `string`,
    },
    currency: {
      title: `Currency`,
      description: `The ISO 4217 currency of the clinic's money figures (clinics.currency).`,
      sql: `currency`,
      type: `string`,
    },
  },
});
