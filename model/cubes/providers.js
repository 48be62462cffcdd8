// JavaScript, not YAML: its display name is providerNameSql from model/shared/sql.js, which
// counted_items also writes onto each item for the visit lines.
import { providerNameSql } from './shared/sql'; // Cube resolves './' from the model root

cube(`providers`, {
  sql_table: `providers`,
  description: `A clinic's providers. Only the display name is used; no other provider data is exposed.`,
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
    name: {
      title: `Provider`,
      description: `First and last name with credentials: 'First Last, DC', or 'First Last' without credentials.`,
      sql: `${providerNameSql(CUBE)}`,
      type: `string`,
    },
  },
});
