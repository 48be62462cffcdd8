// SQL shared by the three JavaScript cubes: counted_items (roundedQuotient, visitChangesSql, the build
// range), insurance_applications (visitChangesSql, the build range) and clinics (tableFingerprint).
// YAML cubes cannot import it. Plain SQL that reads the same on MySQL/MariaDB and DuckDB.

/**
 * round(a / b, places), half away from zero, as an exact DECIMAL(20, places); NULL when b is 0.
 *
 * Neither engine may do this in floating point: DuckDB divides decimals in DOUBLE and MySQL rounds
 * a quotient to 4 extra places, so plain ROUND(a / b, 2) can be off by one cent at a tie. Here the
 * quotient's floor is taken from the engine's division and then corrected by exact decimal
 * multiplication, which both engines do exactly:
 *   round(a / b) = sign(a) · sign(b) · floor((2|a|·10^p + |b|) / (2|b|)) / 10^p
 * `a` and `b` are SQL (usually aggregates); both are exact decimals with at most 2 places.
 */
export function roundedQuotient(a, b, places) {
  const x = `CAST(2 * ABS(${a}) * ${10 ** places} + ABS(${b}) AS DECIMAL(38,2))`;
  const y = `CAST(2 * ABS(NULLIF(${b}, 0)) AS DECIMAL(38,2))`;
  const floor = `CAST(FLOOR(${x} / ${y}) AS DECIMAL(38,0))`;
  const exactFloor = `(${floor} + CASE WHEN (${floor} + 1) * ${y} <= ${x} THEN 1 WHEN ${floor} * ${y} > ${x} THEN -1 ELSE 0 END)`;
  return `CAST(SIGN(${a}) * SIGN(${b}) * ${exactFloor} * ${(10 ** -places).toFixed(places)} AS DECIMAL(20,${places}))`;
}

/**
 * Fingerprint of a table's rows as two columns: their count, and the sum of a 16-bit hash of each
 * row's `text` (the first 4 hex digits of its MD5, which both engines print in lowercase). Any added,
 * removed or changed row changes it, except a change that keeps the sum (probability 1/65536).
 */
export function tableFingerprint(table, text, alias) {
  const digit = (position) => `(INSTR('0123456789abcdef', SUBSTRING(m, ${position}, 1)) - 1)`;
  return `(SELECT COUNT(*) FROM ${table}) AS ${alias}_rows,
  (SELECT SUM(${digit(1)} * 4096 + ${digit(2)} * 256 + ${digit(3)} * 16 + ${digit(4)})
     FROM (SELECT MD5(${text}) AS m FROM ${table}) hashed_${alias}) AS ${alias}_hash`;
}

/** The names the report shows. The same for every partition: a rename rebuilds all of them. */
const NAMES_FINGERPRINT = [
  tableFingerprint('providers', `CONCAT(first_name, '|', last_name, '|', COALESCE(credentials, ''))`, 'providers'),
  tableFingerprint('payors', 'name', 'payors'),
  tableFingerprint('case_types', 'name', 'case_types'),
  tableFingerprint('service_codes', `CONCAT(code, '|', description, '|', code_type, '|', billable)`, 'codes'),
].join(',\n  ');

/**
 * Refresh key of the rows behind the figures of the visits whose date of service matches
 * `datePredicate` (SQL on p.purchased_on; a pre-aggregation passes its partition's range through
 * FILTER_PARAMS, so each month of service has its own key). It changes when a visit, an item, a
 * payment application or its payment of those visits is added, removed or edited, and when a name
 * shown in the report changes (NAMES_FINGERPRINT).
 *
 * Cost: one pass over the month's visits, items and applications. `clinic_id IN (clinics)` lets
 * MySQL reach them through the host's (clinic_id, purchased_on) index instead of scanning every
 * purchase of every month.
 */
export function visitChangesSql(datePredicate) {
  return `
SELECT * FROM (
  SELECT COUNT(*) AS row_count, COUNT(pi.id) AS items, COUNT(pa.id) AS applications,
         MAX(p.updated_at) AS visit_updated, MAX(pi.updated_at) AS item_updated,
         MAX(pa.id) AS last_application, MAX(pa.applied_at) AS last_applied,
         SUM(CASE WHEN p.status = 'void' THEN 1 ELSE 0 END) AS void_rows,
         SUM(pi.units) AS units, SUM(pi.billed_amount) AS billed, SUM(pa.amount) AS applied,
         SUM(CASE WHEN pm.source = 'insurance' THEN pa.amount ELSE 0 END) AS insurance,
         SUM(p.id) AS visit_ids, SUM(pi.id) AS item_ids, SUM(pi.service_code_id) AS codes,
         SUM(COALESCE(pi.rendering_provider_id, p.provider_id)) AS providers,
         SUM(COALESCE(p.payor_id, 0)) AS payors, SUM(COALESCE(pc.case_type_id, 0)) AS case_types,
         SUM(p.patient_id) AS patients, MIN(pm.received_on) AS first_received, MAX(pm.received_on) AS last_received
  FROM purchases p
  LEFT JOIN patient_cases pc ON pc.id = p.patient_case_id AND pc.clinic_id = p.clinic_id
  LEFT JOIN purchase_items pi ON pi.purchase_id = p.id AND pi.clinic_id = p.clinic_id
  LEFT JOIN payment_applications pa ON pa.purchase_item_id = pi.id AND pa.clinic_id = pi.clinic_id
  LEFT JOIN payments pm ON pm.id = pa.payment_id AND pm.clinic_id = pa.clinic_id
  WHERE p.clinic_id IN (SELECT id FROM clinics) AND ${datePredicate}
) visit_rows
CROSS JOIN (SELECT ${NAMES_FINGERPRINT}) names`;
}

/** Partitions range from the first to the last date of service in the database (cheap: no joins). */
export const FIRST_DATE_OF_SERVICE_SQL = 'SELECT MIN(purchased_on) FROM purchases';
export const LAST_DATE_OF_SERVICE_SQL = 'SELECT MAX(purchased_on) FROM purchases';
