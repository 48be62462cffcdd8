// JavaScript, not YAML (one of three, with insurance_applications and clinics): it imports from
// model/shared/sql.js, which YAML cannot. Its five derived measures use the exact-rounding helper
// (roundedQuotient); its pre-aggregations use the per-month refresh-key query and the build range
// (monthChangesSql, first/lastDateOfServiceSql) that insurance_applications uses too.
import { CHANGE_LOG_SCHEMA } from './shared/deployment'; // Cube resolves './' from the model root
import {
  billingTypeSql,
  caseTypeNameSql,
  codeTypeSql,
  firstDateOfServiceSql,
  hasAnyModifierSql,
  hasModifierSql,
  lastDateOfServiceSql,
  modifiersSql,
  monthChangesSql,
  payorNameSql,
  payorTypeSql,
  providerNameSql,
  roundedQuotient,
} from './shared/sql';

// The billing checks (issue 12, docs/model.md "Billing checks"): modifiers payors audit.
/** Distinct-procedural-service modifiers: 59 and its subsets XE, XS, XP, XU. */
const DISTINCT_PROCEDURE_MODIFIERS = ['59', 'XE', 'XS', 'XP', 'XU'];
/** Chiropractic manipulative treatment, which Medicare pays only as active treatment (AT). */
const CMT_CODES = ['98940', '98941', '98942'];
/** Unpaid insurance lines: insurance paid below this share of billed (and not self-pay). */
const PAID_SHARE_PERCENT = 50;
// Each check's predicate on a line, written once: the measure counts the lines where it holds, and the
// Yes/No dimension of the same SQL finds exactly those lines (the drill-through's filter).
const DISTINCT_PROCEDURE = (c) => hasAnyModifierSql(`${c}.modifiers`, DISTINCT_PROCEDURE_MODIFIERS);
const MEDICARE_CMT = (c) =>
  `${c}.payor_type = 'Medicare' AND ${c}.line_service_code IN (${CMT_CODES.map((code) => `'${code}'`).join(', ')})`;
const MEDICARE_CMT_WITHOUT_AT = (c) => `${MEDICARE_CMT(c)} AND NOT ${hasModifierSql(`${c}.modifiers`, 'AT')}`;
const KX = (c) => hasModifierSql(`${c}.modifiers`, 'KX');
const UNPAID = (c) => `${c}.payor_id IS NOT NULL AND ${c}.insurance_paid * 100 < ${c}.billed_amount * ${PAID_SHARE_PERCENT}`;
const yesNo = (predicate) => `CASE WHEN ${predicate} THEN 'Yes' ELSE 'No' END`; // Cube resolves './' from the model root

cube(`counted_items`, {
  // insurance_paid: the item's applications of insurance payments (payments.source = 'insurance'),
  // takebacks included, 0 when there are none; patient payments never count. The payment's own dates
  // play no part: money counts toward the visit's date of service, however late it arrives.
  // insurance_payments and last_insurance_payment_on describe the same applications, and the
  // line_* columns are the item's display values (the same SQL as the dimension cubes'), both for the
  // visit lines: a page of lines reads one table, without joins (docs/model.md, "visit_lines").
  // The insurance figures come from one grouped join over the same months' items (one pass over
  // their applications, on both engines), not from a correlated subquery per figure.
  // The FILTER_PARAMS on the date of service make a partition of visit_items hold its own month (and
  // narrow the scan of any query with a date range).
  sql: `
    SELECT pi.id, pi.clinic_id, pi.purchase_id AS visit_id, p.patient_id, pi.service_code_id,
           COALESCE(pi.rendering_provider_id, p.provider_id) AS provider_id,
           p.payor_id, pc.case_type_id, p.purchased_on, pi.units, pi.billed_amount,
           COALESCE(ins.paid, 0) AS insurance_paid,
           COALESCE(ins.payments, 0) AS insurance_payments,
           ins.last_received AS last_insurance_payment_on,
           sc.code AS line_service_code, sc.description AS line_service_code_description,
           ${codeTypeSql('sc')} AS line_code_type, ${billingTypeSql('sc')} AS line_billing_type,
           ${providerNameSql('pr')} AS line_provider_name,
           ${payorNameSql('p.payor_id', 'py.name')} AS line_payor_name,
           ${caseTypeNameSql('pc.case_type_id', 'ct.name')} AS line_case_type,
           ${modifiersSql('pi.modifiers')} AS modifiers,
           ${payorTypeSql('p.payor_id', 'py.payor_type')} AS payor_type
    FROM purchase_items pi
    JOIN purchases p ON p.id = pi.purchase_id AND p.clinic_id = pi.clinic_id
    LEFT JOIN patient_cases pc ON pc.id = p.patient_case_id AND pc.clinic_id = p.clinic_id
    LEFT JOIN service_codes sc ON sc.id = pi.service_code_id AND sc.clinic_id = pi.clinic_id
    LEFT JOIN providers pr ON pr.id = COALESCE(pi.rendering_provider_id, p.provider_id) AND pr.clinic_id = pi.clinic_id
    LEFT JOIN payors py ON py.id = p.payor_id AND py.clinic_id = p.clinic_id
    LEFT JOIN case_types ct ON ct.id = pc.case_type_id AND ct.clinic_id = pc.clinic_id
    LEFT JOIN (
      SELECT pa.purchase_item_id, SUM(pa.amount) AS paid, COUNT(DISTINCT pa.payment_id) AS payments,
             MAX(pm.received_on) AS last_received
        FROM purchases p2
        JOIN purchase_items pi2 ON pi2.purchase_id = p2.id AND pi2.clinic_id = p2.clinic_id
        JOIN payment_applications pa ON pa.purchase_item_id = pi2.id AND pa.clinic_id = pi2.clinic_id
        JOIN payments pm ON pm.id = pa.payment_id AND pm.clinic_id = pa.clinic_id
       WHERE pm.source = 'insurance' AND p2.status != 'void'
         AND ${FILTER_PARAMS.counted_items.date_of_service.filter('p2.purchased_on')}
       GROUP BY pa.purchase_item_id) ins ON ins.purchase_item_id = pi.id
    WHERE p.status != 'void' AND ${FILTER_PARAMS.counted_items.date_of_service.filter('p.purchased_on')}`,

  title: `Counted items`,
  description: `One row per counted item (docs/host-database.md): a purchase_items row whose purchase is not
    void. Open and finalized purchases both count. The visit's columns (date of service, payor, case,
    patient) are carried on the item, and so is the item's insurance money, summed per item, so that
    every figure has the item's grain and no join fans out.`,
  public: false,

  // Every query reads a pre-aggregation (a rollup, or the visit_items partitions) whose own refresh
  // keys decide freshness; this key only bounds the cache of anything that would read the host tables.
  refresh_key: {
    every: `10 second`,
  },

  pre_aggregations: {
    // The counted items themselves, one row each (this cube's SQL, materialized), per month of
    // service: every query no rollup can serve reads these instead of the host tables. That is the
    // distinct counts (visits, patients, per-visit figures): a visit has items of several codes and
    // providers, so its count cannot be added up from any grouped rollup; from item rows it is exact
    // for every grouping and filter. The cube's SQL filters on FILTER_PARAMS.date_of_service so each
    // partition holds its own month (the server's original-sql-partition-fix patch makes Cube
    // 1.7.43 evaluate it with the partition's range); same refresh key and build range as the rollups.
    visit_items: {
      type: `original_sql`,
      external: false,
      time_dimension: date_of_service,
      partition_granularity: `month`,
      refresh_key: { sql: `${monthChangesSql(CHANGE_LOG_SCHEMA, FILTER_PARAMS.counted_items.date_of_service.filter('month_start'))}` },
      build_range_start: { sql: firstDateOfServiceSql(CHANGE_LOG_SCHEMA) },
      build_range_end: { sql: lastDateOfServiceSql(CHANGE_LOG_SCHEMA) },
      // A column of the materialized SQL, not a member: the table holds the SQL's own columns.
      indexes: { by_clinic: { columns: ['clinic_id', 'purchased_on'] } },
    },
    // Every figure that adds up (units, billed, insurance and their ratios, and the number of lines,
    // which the drill panel pages by month with) for any grouping, filter and week/month trend of the report: by each dimension the view offers, for every clinic. Tenant
    // filters (clinic_id, provider_id) are columns here and are applied on top by queryRewrite.
    // Day granularity only: Cube 1.7.43 also answers a range that is not whole months from a
    // month-granularity rollup, with the whole months (measured: 8586 units instead of 8964).
    usage_by_day: {
      type: `rollup`,
      external: false,
      measures: [units_billed, total_billed, insurance_paid, line_count],
      dimensions: [
        clinic_id,
        provider_id,
        payor_id,
        case_type_id,
        service_codes.code,
        service_codes.description,
        service_codes.code_type,
        service_codes.billing_type,
        providers.name,
        payor_name,
        case_type,
      ],
      time_dimension: date_of_service,
      granularity: `day`,
      partition_granularity: `month`,
      // One key per month of service: only the months whose own rows changed are rebuilt.
      refresh_key: { sql: `${monthChangesSql(CHANGE_LOG_SCHEMA, FILTER_PARAMS.counted_items.date_of_service.filter('month_start'))}` },
      build_range_start: { sql: firstDateOfServiceSql(CHANGE_LOG_SCHEMA) },
      build_range_end: { sql: lastDateOfServiceSql(CHANGE_LOG_SCHEMA) },
      // Every query filters on the clinic: each partition is read through this index.
      indexes: { by_clinic: { columns: [clinic_id] } },
    },
    // The billing checks (issue 12): the same figures and dimensions with the line's modifiers, payor
    // type and insurance status, and the checks' counts. A rollup of its own, so that the report's own
    // queries keep reading the smaller usage_by_day (Cube takes the first rollup that serves a query).
    billing_by_day: {
      // Its tables are named counted_items_billing…: with counted_items_billing_by_day the longest name
      // of the model, a pre-aggregations schema longer than 35 characters made every MySQL build fail
      // (server/config.ts, MAX_PRE_AGGREGATIONS_SCHEMA_LENGTH).
      sql_alias: `billing`,
      type: `rollup`,
      external: false,
      measures: [
        units_billed,
        total_billed,
        insurance_paid,
        line_count,
        distinct_procedure_lines,
        medicare_cmt_lines,
        medicare_cmt_without_at_lines,
        kx_lines,
        unpaid_lines,
        unpaid_billed,
        unpaid_balance,
      ],
      dimensions: [
        clinic_id,
        provider_id,
        payor_id,
        case_type_id,
        service_codes.code,
        service_codes.description,
        service_codes.code_type,
        service_codes.billing_type,
        providers.name,
        payor_name,
        case_type,
        modifiers,
        code_with_modifiers,
        payor_type,
        insurance_status,
        // Functions of the dimensions above: no more rows, and the drill-through's month counts read here.
        has_distinct_procedure_modifier,
        medicare_cmt_without_at,
        has_kx,
      ],
      time_dimension: date_of_service,
      granularity: `day`,
      partition_granularity: `month`,
      refresh_key: { sql: `${monthChangesSql(CHANGE_LOG_SCHEMA, FILTER_PARAMS.counted_items.date_of_service.filter('month_start'))}` },
      build_range_start: { sql: firstDateOfServiceSql(CHANGE_LOG_SCHEMA) },
      build_range_end: { sql: lastDateOfServiceSql(CHANGE_LOG_SCHEMA) },
      indexes: { by_clinic: { columns: [clinic_id] } },
    },
  },

  joins: {
    service_codes: {
      sql: `${CUBE}.service_code_id = ${service_codes}.id AND ${CUBE}.clinic_id = ${service_codes}.clinic_id`,
      relationship: `many_to_one`,
    },
    providers: {
      sql: `${CUBE}.provider_id = ${providers}.id AND ${CUBE}.clinic_id = ${providers}.clinic_id`,
      relationship: `many_to_one`,
    },
    payors: {
      sql: `${CUBE}.payor_id = ${payors}.id AND ${CUBE}.clinic_id = ${payors}.clinic_id`,
      relationship: `many_to_one`,
    },
    case_types: {
      sql: `${CUBE}.case_type_id = ${case_types}.id AND ${CUBE}.clinic_id = ${case_types}.clinic_id`,
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
      description: `The clinic of the item. The server always filters it to the token's own clinic (row-level security).`,
      sql: `clinic_id`,
      type: `number`,
      public: false,
    },
    provider_id: {
      title: `Provider ID`,
      description: `The rendering provider: COALESCE(purchase_items.rendering_provider_id, purchases.provider_id).`,
      sql: `provider_id`,
      type: `number`,
    },
    payor_id: {
      title: `Payor ID`,
      description: `The visit's payor (purchases.payor_id); empty for a self-pay visit.`,
      sql: `payor_id`,
      type: `number`,
    },
    case_type_id: {
      title: `Case Type ID`,
      description: `The type of the visit's case (purchases.patient_case_id → patient_cases.case_type_id); empty for a visit outside any case.`,
      sql: `case_type_id`,
      type: `number`,
    },
    payor_name: {
      title: `Payor`,
      description: `payors.name of the visit's payor; "Self-pay" for a visit without one (purchases.payor_id empty).`,
      sql: `${payorNameSql(`${CUBE}.payor_id`, payors.name)}`,
      type: `string`,
    },
    case_type: {
      title: `Case Type`,
      description: `case_types.name of the visit's case; "No case" for a visit outside any case (purchases.patient_case_id empty).`,
      sql: `${caseTypeNameSql(`${CUBE}.case_type_id`, case_types.name)}`,
      type: `string`,
    },
    // The line-level members of the view visit_lines (docs/contract.md, "Drill-through contract"):
    // one row per counted item. Identifiers are text: opaque, never summed or compared as numbers.
    visit_number: {
      title: `Visit`,
      description: `The visit's number in the practice-management system (purchases.id) as text: an identifier to look the visit up there, never a quantity. It says nothing about the patient.`,
      sql: `CAST(${CUBE}.visit_id AS CHAR(20))`,
      type: `string`,
    },
    line_number: {
      title: `Line`,
      description: `The item's number in the practice-management system (purchase_items.id) as text; unique per line.`,
      sql: `CAST(${CUBE}.id AS CHAR(20))`,
      type: `string`,
    },
    // The item's display values as carried on it (the line_* columns of the SQL above): what
    // visit_lines shows and filters under the names of service_code_usage's dimensions, with the same
    // definitions (model/shared/sql.js, as payor_name and case_type below use them).
    line_service_code: {
      title: `Service Code`,
      description: `service_codes.code, e.g. 98941 or a clinic's own code such as MASS60.`,
      sql: `line_service_code`,
      type: `string`,
    },
    line_service_code_description: {
      title: `Service Code Description`,
      description: `service_codes.description.`,
      sql: `line_service_code_description`,
      type: `string`,
    },
    line_code_type: {
      title: `Code Type`,
      description: `CPT or Custom (service_codes.code_type: cpt or custom).`,
      sql: `line_code_type`,
      type: `string`,
    },
    line_billing_type: {
      title: `Billing Type`,
      description: `Billable or Non-billable (service_codes.billable: 1 or 0).`,
      sql: `line_billing_type`,
      type: `string`,
    },
    line_provider_name: {
      title: `Provider`,
      description: `The rendering provider as 'First Last, DC', or 'First Last' without credentials.`,
      sql: `line_provider_name`,
      type: `string`,
    },
    line_payor_name: {
      title: `Payor`,
      description: `payors.name of the visit's payor; "Self-pay" for a visit without one (purchases.payor_id empty).`,
      sql: `line_payor_name`,
      type: `string`,
    },
    line_case_type: {
      title: `Case Type`,
      description: `case_types.name of the visit's case; "No case" for a visit outside any case (purchases.patient_case_id empty).`,
      sql: `line_case_type`,
      type: `string`,
    },
    units: {
      title: `Units`,
      description: `purchase_items.units of the line.`,
      sql: `units`,
      type: `number`,
    },
    billed_amount: {
      title: `Billed`,
      description: `purchase_items.billed_amount of the line.`,
      sql: `billed_amount`,
      type: `number`,
      format: `currency`,
    },
    line_insurance_paid: {
      title: `Insurance Paid`,
      description: `Insurance paid on the line so far: the sum of its applications of insurance payments (payments.source = 'insurance'), takebacks included; 0.00 when there are none. Patient payments never count.`,
      sql: `insurance_paid`,
      type: `number`,
      format: `currency`,
    },
    insurance_payments: {
      title: `Insurance Payments`,
      description: `The number of distinct insurance payments (payments.source = 'insurance') with an application to the line, takebacks included; 0 when there are none.`,
      sql: `insurance_payments`,
      type: `number`,
    },
    last_insurance_payment_on: {
      title: `Last Insurance Payment`,
      description: `payments.received_on of the latest insurance payment applied to the line; empty when there is none.`,
      sql: `last_insurance_payment_on`,
      type: `time`,
    },
    // Billing checks (issue 12): the line's modifiers, its payor's type, whether insurance has paid it.
    modifiers: {
      title: `Modifiers`,
      description: `purchase_items.modifiers of the line as billed, upper case without spaces (e.g. GP,59); empty when the line has none.`,
      sql: `modifiers`,
      type: `string`,
    },
    code_with_modifiers: {
      title: `Code with Modifiers`,
      description: `The line's service code followed by its modifiers, as a payor reads the claim line: 97140-GP,59; the code alone when it has none.`,
      sql: `CASE WHEN modifiers IS NULL THEN line_service_code ELSE CONCAT(line_service_code, '-', modifiers) END`,
      type: `string`,
    },
    payor_type: {
      title: `Payor Type`,
      description: `payors.payor_type of the visit's payor: Commercial, Medicare, Medicaid, Workers Comp, Auto or Other; "Self-pay" for a visit without one.`,
      sql: `payor_type`,
      type: `string`,
    },
    insurance_status: {
      title: `Insurance Status`,
      // Unpaid and Paid under 50% are exactly the lines UNPAID counts (the drill-through filters on them).
      description: `Whether insurance has paid the line so far: "Unpaid" (insurance paid below ${PAID_SHARE_PERCENT}% of billed, and 0.00 or less), "Paid under ${PAID_SHARE_PERCENT}%" (below ${PAID_SHARE_PERCENT}% of billed, more than 0.00), "Nothing billed" (a line billed 0.00 that is not unpaid), "Paid" (the rest); "Self-pay" for a visit without a payor. Unpaid and Paid under ${PAID_SHARE_PERCENT}% are the Unpaid Insurance Lines.`,
      sql: `CASE WHEN payor_id IS NULL THEN 'Self-pay'
        WHEN ${UNPAID(CUBE)} THEN CASE WHEN insurance_paid <= 0 THEN 'Unpaid' ELSE 'Paid under ${PAID_SHARE_PERCENT}%' END
        WHEN billed_amount <= 0 THEN 'Nothing billed' ELSE 'Paid' END`,
      type: `string`,
    },
    has_distinct_procedure_modifier: {
      title: `59/X{EPSU} Line`,
      description: `Yes when the line's modifiers include 59, XE, XS, XP or XU (the lines counted by Lines with 59/X{EPSU}); No otherwise.`,
      sql: `${yesNo(DISTINCT_PROCEDURE(CUBE))}`,
      type: `string`,
    },
    medicare_cmt_without_at: {
      title: `Medicare CMT without AT`,
      description: `Yes for chiropractic manipulation (${CMT_CODES.join(', ')}) billed to a Medicare payor without the AT modifier (the lines counted by Medicare CMT without AT); No otherwise.`,
      sql: `${yesNo(MEDICARE_CMT_WITHOUT_AT(CUBE))}`,
      type: `string`,
    },
    has_kx: {
      title: `KX Line`,
      description: `Yes when the line's modifiers include KX (the lines counted by Lines with KX); No otherwise.`,
      sql: `${yesNo(KX(CUBE))}`,
      type: `string`,
    },
    date_of_service: {
      title: `Date of Service`,
      description: `purchases.purchased_on: the clinic's own calendar date, never shifted by a time zone (every query runs in UTC, where a date is its own midnight).`,
      sql: `purchased_on`,
      type: `time`,
    },
  },

  measures: {
    units_billed: {
      title: `Units Billed`,
      description: `Sum of purchase_items.units over counted items (items of purchases that are not void).`,
      sql: `units`,
      type: `sum`,
    },
    line_count: {
      title: `Lines`,
      description: `Number of counted items (visit lines).`,
      sql: `id`,
      type: `count`,
    },
    visit_count: {
      sql: `visit_id`,
      type: `count_distinct`,
      public: false,
    },
    visits_used: {
      title: `# of Visits Used`,
      description: `Number of distinct purchases (visits) with a counted item in the group: COUNT(DISTINCT purchase_items.purchase_id). A code billed twice on one visit is one visit.`,
      // As an exact decimal, so both databases return the same string (MySQL returns COUNT as a number).
      sql: `CAST(${visit_count} AS DECIMAL(20,0))`,
      type: `number`,
    },
    total_billed: {
      title: `Total Billed`,
      description: `Sum of purchase_items.billed_amount over counted items.`,
      sql: `billed_amount`,
      type: `sum`,
      format: `currency`,
    },
    insurance_paid: {
      title: `Insurance Paid`,
      description: `Sum of payment_applications.amount over the applications to counted items whose payment has payments.source = 'insurance'. Patient payments never count; takebacks (negative applications) do. Money counts toward the visit's date of service however late it arrives. 0.00 for a group without insurance money.`,
      sql: `insurance_paid`,
      type: `sum`,
      format: `currency`,
    },
    patient_count: {
      sql: `patient_id`,
      type: `count_distinct`,
      public: false,
    },
    patients_seen: {
      title: `Patients Seen`,
      description: `Number of distinct patients with a counted item in the group (COUNT(DISTINCT purchases.patient_id)). A count only: no patient data is reachable.`,
      sql: `CAST(${patient_count} AS DECIMAL(20,0))`,
      type: `number`,
    },
    // Billing checks (issue 12, docs/model.md "Billing checks"): counts of lines, so they add up.
    distinct_procedure_lines: {
      title: `Lines with 59/X{EPSU}`,
      description: `Counted items whose modifiers include 59, XE, XS, XP or XU (a distinct procedural service): the modifiers payors audit most. Compare a provider's rate with the clinic's.`,
      sql: `id`,
      type: `count`,
      filters: [{ sql: `${DISTINCT_PROCEDURE(CUBE)}` }],
    },
    distinct_procedure_rate: {
      title: `59/X{EPSU} Rate`,
      description: `Lines with 59/X{EPSU} ÷ Lines, as a ratio (0.0500 is 5 %), rounded half away from zero to 4 decimals.`,
      sql: `${roundedQuotient(distinct_procedure_lines, line_count, 4)}`,
      type: `number`,
    },
    medicare_cmt_lines: {
      title: `Medicare CMT Lines`,
      description: `Counted items of chiropractic manipulation (${CMT_CODES.join(', ')}) billed to a Medicare payor (payors.payor_type = 'medicare').`,
      sql: `id`,
      type: `count`,
      filters: [{ sql: `${MEDICARE_CMT(CUBE)}` }],
    },
    medicare_cmt_without_at_lines: {
      title: `Medicare CMT without AT`,
      description: `Medicare CMT Lines whose modifiers do not include AT (active treatment): Medicare denies chiropractic manipulation billed without it.`,
      sql: `id`,
      type: `count`,
      filters: [{ sql: `${MEDICARE_CMT_WITHOUT_AT(CUBE)}` }],
    },
    kx_lines: {
      title: `Lines with KX`,
      description: `Counted items whose modifiers include KX (therapy above Medicare's annual threshold, medically necessary and documented).`,
      sql: `id`,
      type: `count`,
      filters: [{ sql: `${KX(CUBE)}` }],
    },
    kx_rate: {
      title: `KX Rate`,
      description: `Lines with KX ÷ Lines, as a ratio, rounded half away from zero to 4 decimals.`,
      sql: `${roundedQuotient(kx_lines, line_count, 4)}`,
      type: `number`,
    },
    unpaid_lines: {
      title: `Unpaid Insurance Lines`,
      description: `Counted items billed to a payor (not self-pay) whose insurance paid is still 0.00 or less, or below ${PAID_SHARE_PERCENT}% of the line's billed amount (Insurance Status "Unpaid" or "Paid under ${PAID_SHARE_PERCENT}%").`,
      sql: `id`,
      type: `count`,
      filters: [{ sql: `${UNPAID(CUBE)}` }],
    },
    // A sum over every line, 0.00 for a line that is not unpaid (not a filtered sum, which Cube writes
    // as SUM(CASE … END) without an ELSE: NULL for a group without unpaid lines, where 0.00 is meant).
    unpaid_billed: {
      title: `Billed on Unpaid Lines`,
      description: `Sum of purchase_items.billed_amount over the Unpaid Insurance Lines: the money at stake; 0.00 for a group without any.`,
      sql: `CASE WHEN ${UNPAID(CUBE)} THEN ${CUBE}.billed_amount ELSE 0 END`,
      type: `sum`,
      format: `currency`,
    },
    unpaid_balance: {
      title: `Unpaid Balance`,
      description: `Sum of billed amount minus insurance paid over the Unpaid Insurance Lines: what insurance has not paid of them; 0.00 for a group without any.`,
      sql: `CASE WHEN ${UNPAID(CUBE)} THEN ${CUBE}.billed_amount - ${CUBE}.insurance_paid ELSE 0 END`,
      type: `sum`,
      format: `currency`,
    },
    billed_per_unit: {
      title: `Billed per Unit`,
      description: `Total Billed ÷ Units Billed, rounded half away from zero to 2 decimals; empty when there are no units.`,
      sql: `${roundedQuotient(total_billed, units_billed, 2)}`,
      type: `number`,
      format: `currency`,
    },
    insurance_paid_per_unit: {
      title: `Insurance Paid per Unit`,
      description: `Insurance Paid ÷ Units Billed, rounded half away from zero to 2 decimals; empty when there are no units.`,
      sql: `${roundedQuotient(insurance_paid, units_billed, 2)}`,
      type: `number`,
      format: `currency`,
    },
    insurance_paid_per_visit: {
      title: `Insurance Paid per Visit`,
      description: `Insurance Paid ÷ # of Visits Used, rounded half away from zero to 2 decimals.`,
      sql: `${roundedQuotient(insurance_paid, visit_count, 2)}`,
      type: `number`,
      format: `currency`,
    },
    units_per_visit: {
      title: `Units per Visit`,
      description: `Units Billed ÷ # of Visits Used, rounded half away from zero to 2 decimals.`,
      sql: `${roundedQuotient(units_billed, visit_count, 2)}`,
      type: `number`,
    },
    insurance_paid_ratio: {
      title: `Insurance Paid ÷ Billed`,
      description: `Insurance Paid ÷ Total Billed as a ratio (0.5000 is half), rounded half away from zero to 4 decimals; empty when nothing was billed.`,
      sql: `${roundedQuotient(insurance_paid, total_billed, 4)}`,
      type: `number`,
    },
  },
});
