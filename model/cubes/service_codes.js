// JavaScript, not YAML: code_type and billing_type are codeTypeSql and billingTypeSql from
// model/shared/sql.js, which counted_items also writes onto each item for the visit lines.
import { billingTypeSql, codeTypeSql } from './shared/sql'; // Cube resolves './' from the model root

cube(`service_codes`, {
  sql_table: `service_codes`,
  description: `A clinic's service codes. The same code string exists separately in each clinic.`,
  public: false,

  dimensions: {
    id: {
      sql: `id`,
      type: `number`,
      primary_key: true,
    },
    clinic_id: {
      sql: `clinic_id`,
      type: `number`,
    },
    code: {
      title: `Service Code`,
      description: `service_codes.code, e.g. 98941 or a clinic's own code such as MASS60.`,
      sql: `code`,
      type: `string`,
    },
    description: {
      title: `Service Code Description`,
      description: `service_codes.description.`,
      sql: `description`,
      type: `string`,
    },
    code_type: {
      title: `Code Type`,
      description: `CPT or Custom (service_codes.code_type: cpt or custom).`,
      sql: `${codeTypeSql(CUBE)}`,
      type: `string`,
    },
    billing_type: {
      title: `Billing Type`,
      description: `Billable or Non-billable (service_codes.billable: 1 or 0).`,
      sql: `${billingTypeSql(CUBE)}`,
      type: `string`,
    },
  },
});
