// SQL shared by the five JavaScript cubes: counted_items (roundedQuotient, monthChangesSql, the build
// range, every display value below), insurance_applications (monthChangesSql, the build range), clinics
// (tableFingerprint), providers (providerNameSql) and service_codes (codeTypeSql, billingTypeSql).
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

/**
 * Refresh key of the partitions whose months of service match `monthPredicate` (SQL on month_start; a
 * partitioned pre-aggregation passes its partition's range through FILTER_PARAMS, so each month has
 * its own key). It reads the change tracker's log (in `changeLogSchema`, `<pre-aggregations schema>_changes`, which
 * the cubes take from model/shared/deployment.js)
 * (server/refresh/change-tracker.ts): the version of the month, and of the row that stands for every
 * month. The tracker finds changes from the host's indexed columns (ids, updated_at) and bumps exactly
 * the months they touch, so this key is a primary-key read of a table of a few dozen rows: a refresh
 * pass costs the host database nothing, and a month is rebuilt only when its own rows changed.
 */
export function monthChangesSql(changeLogSchema, monthPredicate) {
  return `SELECT MAX(version) AS version FROM ${changeLogSchema}.scu_change_log
    WHERE month_start = '1900-01-01' OR (${monthPredicate})`;
}

/** Partitions range from the first to the last month of service in the host tables, as the change
 * tracker last saw them (read once, then widened by each change): no scan of the host tables. */
export function firstDateOfServiceSql(changeLogSchema) {
  return `SELECT CAST(MIN(value) AS DATE) FROM ${changeLogSchema}.scu_change_state WHERE name = 'first_month'`;
}
export function lastDateOfServiceSql(changeLogSchema) {
  return `SELECT LAST_DAY(CAST(MAX(value) AS DATE)) FROM ${changeLogSchema}.scu_change_state WHERE name = 'last_month'`;
}

// Display values of the name tables, written once: the dimension cubes (providers, service_codes) show
// them, and counted_items carries them on each item for the visit lines (read without joins).

/** A provider as 'First Last, DC', or 'First Last' without credentials. */
export function providerNameSql(alias) {
  return `CONCAT(${alias}.first_name, ' ', ${alias}.last_name,
    CASE WHEN ${alias}.credentials IS NULL OR TRIM(${alias}.credentials) = '' THEN ''
         ELSE CONCAT(', ', TRIM(${alias}.credentials)) END)`;
}

/** CPT or Custom, from service_codes.code_type (cpt, custom). */
export function codeTypeSql(alias) {
  return `CASE WHEN ${alias}.code_type = 'cpt' THEN 'CPT' WHEN ${alias}.code_type = 'custom' THEN 'Custom' END`;
}

/** Billable or Non-billable, from service_codes.billable (1, 0). */
export function billingTypeSql(alias) {
  return `CASE WHEN ${alias}.billable = 1 THEN 'Billable' WHEN ${alias}.billable = 0 THEN 'Non-billable' END`;
}

/** A visit's payor name, "Self-pay" when it has no payor (purchases.payor_id empty). */
export function payorNameSql(payorId, name) {
  return `CASE WHEN ${payorId} IS NULL THEN 'Self-pay' ELSE ${name} END`;
}

/** A visit's case type name, "No case" when it is outside any case. */
export function caseTypeNameSql(caseTypeId, name) {
  return `CASE WHEN ${caseTypeId} IS NULL THEN 'No case' ELSE ${name} END`;
}

// Modifiers (issue 12): purchase_items.modifiers is free text as billed ('GP,59', 'gp, 59', 'AT').

/** The line's modifiers as one canonical list: upper case, no spaces, comma-separated as billed; NULL
 * when there are none. */
export function modifiersSql(column) {
  return `NULLIF(UPPER(REPLACE(TRIM(${column}), ' ', '')), '')`;
}

/** Whether a canonical modifiers list (modifiersSql) holds `code`: matched between commas, so 59 is
 * not found in 159. False (never NULL) for a line without modifiers, on both engines. */
export function hasModifierSql(column, code) {
  return `COALESCE(CONCAT(',', ${column}, ',') LIKE '%,${code},%', FALSE)`;
}

/** Any of the codes (hasModifierSql). */
export function hasAnyModifierSql(column, codes) {
  return `(${codes.map((code) => hasModifierSql(column, code)).join(' OR ')})`;
}

/** A visit's payor type as shown (payors.payor_type), "Self-pay" when it has no payor. */
export function payorTypeSql(payorId, type) {
  return `CASE WHEN ${payorId} IS NULL THEN 'Self-pay'
    WHEN ${type} = 'commercial' THEN 'Commercial' WHEN ${type} = 'medicare' THEN 'Medicare'
    WHEN ${type} = 'medicaid' THEN 'Medicaid' WHEN ${type} = 'workers_comp' THEN 'Workers Comp'
    WHEN ${type} = 'auto' THEN 'Auto' ELSE 'Other' END`;
}
