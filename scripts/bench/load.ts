/**
 * Concurrent simulated dashboard users against 127.0.0.1: each user, for `seconds`, picks a clinic,
 * a role (owner, billing, or one of the clinic's providers) and a view (a range preset, sometimes a
 * provider / payor / billing-type filter, a grouping) and loads the page as ReportPage does: the clinic
 * labels, the main table and the totals together, then the five charts together. Each query is
 * retried on "Continue wait" (the retries count toward its latency). Every query carries the view's
 * `clinic_id` as one more dimension so that each row can be checked against the token's clinic.
 */
import type { Query } from '@cubejs-client/core';
import { presetRange, type DatePreset } from '../../dashboard/src/lib/clinic-calendar.js';
import { GROUPS, DEFAULT_STATE, type ReportState } from '../../dashboard/src/lib/report-state.js';
import { CHART_WAVE, FIRST_WAVE, pageQueries, type QueryName } from './queries.js';
import { REQUEST_TIMEOUT_MS, type BenchServer } from './server.js';
import type { ClinicInfo } from './suite.js';
import { summarize, type Summary } from './stats.js';
import { Random } from '../../server/db/seed/random.js';

export interface LoadFigures {
  users: number;
  seconds: number;
  queries: number;
  pageLoads: number;
  queriesPerSecond: number;
  pagesPerSecond: number;
  latency: Summary;
  pageLatency: Summary;
  errors: number;
  errorSamples: string[];
  continueWaitRetries: number;
  rowsChecked: number;
  crossTenantRows: number;
}

const PRESETS: DatePreset[] = ['last_month', 'last_month', 'quarter_to_date', 'year_to_date', 'last_12_months'];

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

function clinicMember(name: QueryName): string {
  return name === 'maturity' ? 'payment_maturity.clinic_id' : name === 'clinic' ? 'clinic.clinic_id' : 'service_code_usage.clinic_id';
}

export async function runLoad(
  server: BenchServer,
  clinics: ClinicInfo[],
  users: number,
  seconds: number,
  today: string,
  drillCodes: Map<number, string>,
): Promise<LoadFigures> {
  const latencies: number[] = [];
  const pageLatencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let retries = 0;
  let rowsChecked = 0;
  let crossTenant = 0;
  const start = performance.now();
  const stopAt = start + seconds * 1000;

  const user = async (index: number) => {
    // The seeder's PRNG: the same users do the same things each run.
    const prng = new Random(1000 + index);
    const random = () => prng.float();
    while (performance.now() < stopAt) {
      const clinic = pick(random, clinics);
      const roll = random();
      const role = roll < 0.5 ? 'owner' : roll < 0.8 ? 'billing' : 'provider';
      const providerId = role === 'provider' ? pick(random, clinic.providers) : undefined;
      const token = server.token({ clinic_id: clinic.id, role, ...(providerId ? { provider_id: providerId } : {}) });
      const range = presetRange(pick(random, PRESETS), today);
      const state: ReportState = {
        ...DEFAULT_STATE,
        group: pick(random, GROUPS),
        providers: random() < 0.2 && role !== 'provider' ? [String(pick(random, clinic.providers))] : [],
        payors: random() < 0.2 && clinic.payors.length ? [String(pick(random, clinic.payors))] : [],
        billing: random() < 0.1 ? 'billable' : null,
      };
      const queries = pageQueries(state, range, drillCodes.get(clinic.id) ?? '');
      const one = async (name: QueryName) => {
        const query: Query = { ...queries[name], dimensions: [...(queries[name].dimensions ?? []), clinicMember(name)] };
        const r = await server.load(token, query, { timeoutMs: REQUEST_TIMEOUT_MS });
        latencies.push(r.ms);
        retries += r.retries;
        if (!r.ok) {
          errors++;
          const sample = `${r.status || 'no response'}: ${r.error}`;
          if (errorSamples.length < 3 && !errorSamples.includes(sample)) errorSamples.push(sample);
          return;
        }
        for (const row of r.data) {
          rowsChecked++;
          if (Number(row[clinicMember(name)]) !== clinic.id) crossTenant++;
        }
      };
      const pageStart = performance.now();
      await Promise.all(FIRST_WAVE.map(one));
      await Promise.all(CHART_WAVE.map(one));
      pageLatencies.push(performance.now() - pageStart);
    }
  };
  await Promise.all(Array.from({ length: users }, (_, i) => user(i)));
  const elapsed = (performance.now() - start) / 1000;
  return {
    users,
    seconds: elapsed,
    queries: latencies.length,
    pageLoads: pageLatencies.length,
    queriesPerSecond: latencies.length / elapsed,
    pagesPerSecond: pageLatencies.length / elapsed,
    latency: summarize(latencies),
    pageLatency: summarize(pageLatencies),
    errors,
    errorSamples,
    continueWaitRetries: retries,
    rowsChecked,
    crossTenantRows: crossTenant,
  };
}
