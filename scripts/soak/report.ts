/** The soak's result as Markdown: what BENCHMARKS.md's "Soak (issue 13)" section is written from. */
import type { Summary } from '../bench/stats.js';
import { FLAT_MB, FLAT_SHARE, type Growth } from './memory.js';
import { soakProblems, type RequestKind, type SoakResult } from './run.js';

export interface SoakRunInfo {
  startedAt: string;
  commit: string;
  dirty: boolean;
  target: string;
  machine: string;
  loadAverage: { start: number[]; end: number[] };
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (Number.isFinite(n) ? (n >= 100 ? int(n) : n.toFixed(1)) : '–');
const latency = (s: Summary) => `${ms(s.median)} / ${ms(s.p95)} / ${ms(s.p99)} / ${ms(s.max)}`;
const mb = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const signed = (n: number, digits = 1) => `${n >= 0 ? '+' : ''}${n.toFixed(digits)}`;
const loads = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');

function growthLine(g: Growth): string {
  return (
    `${mb(g.firstMedianMb)} → ${mb(g.lastMedianMb)} MB (${signed(g.growthMb)} MB, ${signed(g.growthShare * 100)} %), ` +
    `peak ${mb(g.peakMb)} MB, slope after the first window ${Number.isFinite(g.slopeMbPerMinute) ? signed(g.slopeMbPerMinute, 2) : '–'} MB/min`
  );
}

const KIND_LABELS: Record<RequestKind, string> = {
  page: 'report page (labels, table, totals, comparison, charts, pivot, a drilled figure)',
  options: 'filter menus (options lists)',
  drill: 'drill pages (visit_lines: month counts, pages, totals)',
  explorer: 'explorer (ad-hoc queries, value lists)',
  meta: 'explorer meta',
};

export function soakMarkdown(r: SoakResult, info: SoakRunInfo): string {
  const problems = soakProblems(r);
  const lines: string[] = [];
  lines.push(
    `${r.users} users for ${(r.seconds / 60).toFixed(1)} min against ${info.target}; started ${info.startedAt} at commit \`${info.commit}\`` +
      `${info.dirty ? ' (working tree not clean)' : ''}; ${info.machine}; load average (1, 5, 15 min) ${loads(info.loadAverage.start)} at the start, ${loads(info.loadAverage.end)} at the end.`,
  );
  lines.push('');
  lines.push('| figure | result |');
  lines.push('|---|---|');
  lines.push(
    `| verdict | ${problems.length === 0 ? '**pass**: no error, no cross-tenant row, every sampled figure equal to plain SQL' + (r.memory ? ', memory flat' : ' (memory not measured)') : `**fail**: ${problems.join('; ')}`} |`,
  );
  lines.push(`| clinics | ${r.clinics.length} (${r.clinics.join(', ')}) |`);
  lines.push(
    `| sessions | ${int(r.actions.session)} (owner ${int(r.sessions.owner)}, billing ${int(r.sessions.billing)}, provider ${int(r.sessions.provider)}) |`,
  );
  lines.push(
    `| actions | filter changed ${int(r.actions.filter)}, table row opened ${int(r.actions.row)}, pivot ${int(r.actions.pivot)}, comparison ${int(r.actions.compare)}, ` +
      `drill opened ${int(r.actions.drill)} (page turns / sorts ${int(r.actions.pageTurn)}), explorer ${int(r.actions.explorer)}, reload ${int(r.actions.reload)} |`,
  );
  lines.push(
    `| requests | ${int(r.requests)} (${r.requestsPerSecond.toFixed(1)}/s): ${(Object.keys(r.requestsByKind) as RequestKind[]).map((k) => `${k} ${int(r.requestsByKind[k])}`).join(', ')}; "Continue wait" retries ${int(r.continueWaitRetries)} |`,
  );
  lines.push(
    `| errors (any non-200, error body or no answer within 120 s) | ${int(r.errors)}${r.errors ? ` (${r.distinctErrors.length} distinct, below)` : ''} |`,
  );
  lines.push(`| rows checked against their token's scope | ${int(r.rowsChecked)} |`);
  lines.push(`| cross-tenant rows | ${int(r.crossTenantRows)} |`);
  lines.push(
    `| figures compared with plain SQL | ${int(r.figureChecks)} checks, ${int(r.figuresCompared)} figures, ${int(r.figureMismatches.length)} unequal |`,
  );
  if (r.explorerQueriesNotSent) lines.push(`| explorer queries its validator refused (not sent) | ${int(r.explorerQueriesNotSent)} |`);
  lines.push(`| latency, every request, ms p50 / p95 / p99 / max | ${latency(r.latency)} |`);
  if (r.memory) {
    const m = r.memory;
    const after = `after ${(m.warmupMs / 60_000).toFixed(1)} min of warm-up, first → last ${(m.windowMs / 1000).toFixed(0)} s, medians`;
    lines.push(
      `| server RSS, whole run, first → last minute (a third of a shorter run), medians | ${growthLine(m.wholeRun.rss)}; ${m.samples} samples |`,
    );
    if (m.wholeRun.heap) lines.push(`| server V8 heap used, whole run | ${growthLine(m.wholeRun.heap)} |`);
    lines.push(`| server RSS, ${after} | ${growthLine(m.rss)} |`);
    if (m.heap) lines.push(`| server V8 heap used, ${after} | ${growthLine(m.heap)} |`);
    const cache = r.memory.cubeCache;
    if (cache)
      lines.push(
        `| entries in Cube's in-memory cache (query results), first → last sample | ${int(cache.first.entries)} (${int(cache.first.results)}) → ${int(cache.last.entries)} (${int(cache.last.results)}) |`,
      );
    if (m.settled)
      lines.push(
        `| server V8 heap after a full GC (the live set), end of warm-up → 10 s before the end | ${mb(m.settled.warmup.heapMb)} → ${mb(m.settled.end.heapMb)} MB (${m.settled.heapGrowthMb >= 0 ? '+' : ''}${mb(m.settled.heapGrowthMb)} MB); RSS then ${mb(m.settled.warmup.rssMb)} → ${mb(m.settled.end.rssMb)} MB |`,
      );
    const basis = m.verdictBasis === 'live heap' ? 'live heap growth (after a full GC)' : 'RSS growth';
    lines.push(
      `| memory verdict, after the warm-up (flat: ${basis} ≤ ${FLAT_MB} MB or ${FLAT_SHARE * 100} % of its first value, whichever is larger: ${mb(m.thresholdMb)} MB) | ${m.flat ? '**flat**' : '**grew**'} |`,
    );
  } else {
    lines.push('| server memory | not measured (a server elsewhere, without --pid) |');
  }
  lines.push('');
  lines.push('| requests | n | p50 / p95 / p99 / max ms |');
  lines.push('|---|---:|---:|');
  for (const kind of Object.keys(KIND_LABELS) as RequestKind[])
    lines.push(`| ${KIND_LABELS[kind]} | ${int(r.requestsByKind[kind])} | ${latency(r.latencyByKind[kind])} |`);
  lines.push('');
  lines.push('| minute | requests started | errors | p50 / p95 ms | server RSS MB | V8 heap MB | Cube cache entries |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|');
  for (const m of r.minutes)
    lines.push(
      `| ${m.minute + 1} | ${int(m.requests)} | ${int(m.errors)} | ${ms(m.p50)} / ${ms(m.p95)} | ${mb(m.rssMb)} | ${mb(m.heapMb)} | ${m.cubeCacheEntries === null ? '–' : int(m.cubeCacheEntries)} |`,
    );
  if (r.distinctErrors.length) {
    lines.push('', 'Errors:', '');
    for (const e of r.distinctErrors) lines.push(`- ${e.count} × ${e.message} — e.g. \`${e.example}\``);
  }
  if (r.distinctLeaks.length) {
    lines.push('', 'Cross-tenant values:', '');
    for (const l of r.distinctLeaks.slice(0, 50)) lines.push(`- ${l.count} × ${l.what}`);
  }
  if (r.figureMismatches.length) {
    lines.push('', 'Figures unequal to plain SQL:', '');
    for (const m of r.figureMismatches.slice(0, 50)) lines.push(`- ${m}`);
  }
  return lines.join('\n');
}
