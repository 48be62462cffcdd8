/**
 * The server's memory through the soak: samples of its resident memory (VmRSS, from /proc) and, where it
 * can be read, its V8 heap; the growth from the first minute's median to the last minute's, and a verdict.
 *
 * The verdict is taken after a warm-up (by default a third of the run, at most 5 minutes): a server that
 * has just started grows while its first minutes of load fill what it keeps for good — V8's heap sized up
 * to the load, compiled code, Cube's query and result caches (measured at 1 M items with 50 users: about
 * 310 → 1,000 MB over the first 4–5 minutes; BENCHMARKS.md, "Soak (issue 13)"), and a verdict over that
 * would fail every run of a fresh server. The growth over the whole run, from its very first minute, is
 * reported beside it. Whether the server then levels off is what the verdict asks; the 10-minute runs of
 * 2026-11-29 still grew after the warm-up (see there).
 *
 * When the probe could take it (the server the soak starts, with --expose-gc), the verdict reads the live
 * heap instead: the heap after two full collections at the warm-up's end and near the load's end, what the
 * server still references; the RSS keeps what was reserved at the load's peak, and the sampled heap
 * includes garbage. Without it:
 *
 * Flat means the RSS grew by at most FLAT_MB or FLAT_SHARE of the first minute's median, whichever is
 * larger. Why those: a Node process's RSS moves in steps that have nothing to do with a leak — V8 grows
 * and shrinks its old space in chunks of several MB, the young generation alone is up to 32 MB, and
 * glibc keeps freed memory in its arenas — so the median of one minute differs from the next by 10–20 MB
 * on a steady server; 30 MB is above that noise for the 300–700 MB this server runs at (BENCHMARKS.md),
 * and 10 % keeps the bar proportionate for a larger process. A leak of a few kB per request (every
 * result kept, a listener per request) passes 30 MB within minutes at these rates; a slower one needs a
 * longer run to show, which is what --minutes 60 is for. The slope after the verdict's first window is
 * reported beside it for that reason.
 */
import { summarize } from '../bench/stats.js';

export const FLAT_MB = 30;
export const FLAT_SHARE = 0.1;

export interface MemorySample {
  /** ms since the soak started. */
  atMs: number;
  rssMb: number;
  /** V8 heap used, when the sampler can read it. */
  heapMb?: number;
  /** Entries in Cube's in-memory cache driver, and those holding a query result (memory-probe.mjs). */
  cubeCache?: { entries: number; results: number };
}

/** The server's memory right after two full garbage collections (memory-probe.mjs, --expose-gc). */
export interface SettledMemory {
  heapMb: number;
  rssMb: number;
}

export interface Growth {
  firstMedianMb: number;
  lastMedianMb: number;
  growthMb: number;
  growthShare: number;
  peakMb: number;
  /** Least-squares slope over the samples after the first window, MB per minute. */
  slopeMbPerMinute: number;
}

export interface MemoryFigures {
  samples: number;
  /** Load before the verdict's first window, ms. */
  warmupMs: number;
  /** Length of the first and of the last window, ms (a minute, or a third of what follows the warm-up). */
  windowMs: number;
  /** After the warm-up: what the verdict reads. */
  rss: Growth;
  heap: Growth | null;
  /** From the run's first minute (the warm-up included) to its last. */
  wholeRun: { rss: Growth; heap: Growth | null };
  /** Cube's in-memory cache at the first and the last sample that has it. */
  cubeCache: { first: { entries: number; results: number }; last: { entries: number; results: number } } | null;
  /** The live heap after a full GC at the warm-up's end and near the load's end, when it could be asked. */
  settled: { warmup: SettledMemory; end: SettledMemory; heapGrowthMb: number } | null;
  /** What the verdict read: the live heap's growth when `settled` is there, else the RSS's. */
  verdictBasis: 'live heap' | 'rss';
  thresholdMb: number;
  flat: boolean;
}

/** From the median of [fromMs, fromMs + windowMs] to the median of the last windowMs before endMs. */
function growth(points: { atMs: number; mb: number }[], fromMs: number, windowMs: number, endMs: number): Growth {
  const first = points.filter((p) => p.atMs >= fromMs && p.atMs <= fromMs + windowMs).map((p) => p.mb);
  const last = points.filter((p) => p.atMs >= endMs - windowMs).map((p) => p.mb);
  const firstMedianMb = summarize(first).median;
  const lastMedianMb = summarize(last).median;
  const after = points.filter((p) => p.atMs > fromMs + windowMs);
  let slope = Number.NaN;
  if (after.length >= 2) {
    const mx = after.reduce((s, p) => s + p.atMs, 0) / after.length;
    const my = after.reduce((s, p) => s + p.mb, 0) / after.length;
    const sxy = after.reduce((s, p) => s + (p.atMs - mx) * (p.mb - my), 0);
    const sxx = after.reduce((s, p) => s + (p.atMs - mx) ** 2, 0);
    slope = sxx > 0 ? (sxy / sxx) * 60_000 : Number.NaN;
  }
  return {
    firstMedianMb,
    lastMedianMb,
    growthMb: lastMedianMb - firstMedianMb,
    growthShare: (lastMedianMb - firstMedianMb) / firstMedianMb,
    peakMb: Math.max(...points.filter((p) => p.atMs >= fromMs).map((p) => p.mb)),
    slopeMbPerMinute: slope,
  };
}

/** Null when nothing was sampled (a server elsewhere, without --pid). */
export function analyzeMemory(
  samples: readonly MemorySample[],
  durationMs: number,
  warmupMs = 0,
  settledPair: { warmup: SettledMemory; end: SettledMemory } | null = null,
): MemoryFigures | null {
  const rss = samples.filter((s) => Number.isFinite(s.rssMb));
  if (rss.length < 2) return null;
  const endMs = Math.max(durationMs, rss[rss.length - 1]!.atMs);
  const warmup = Math.min(warmupMs, (endMs * 2) / 3);
  const windowMs = Math.min(60_000, (endMs - warmup) / 3);
  const wholeWindowMs = Math.min(60_000, endMs / 3);
  const rssPoints = rss.map((s) => ({ atMs: s.atMs, mb: s.rssMb }));
  const heapPoints = samples
    .filter((s) => s.heapMb !== undefined && Number.isFinite(s.heapMb))
    .map((s) => ({ atMs: s.atMs, mb: s.heapMb! }));
  const hasHeap = heapPoints.length >= 2;
  const rssGrowth = growth(rssPoints, warmup, windowMs, endMs);
  // The live heap, when known, is the leak signal: the RSS keeps what V8 and glibc reserved under the load
  // (it does not come back when the load falls), the heap sampled every second includes garbage not yet
  // collected; the heap after a full collection holds only what the server still references.
  const settled = settledPair ? { ...settledPair, heapGrowthMb: settledPair.end.heapMb - settledPair.warmup.heapMb } : null;
  const thresholdMb = Math.max(FLAT_MB, FLAT_SHARE * (settled ? settled.warmup.heapMb : rssGrowth.firstMedianMb));
  const cache = samples.filter((s) => s.cubeCache).map((s) => s.cubeCache!);
  return {
    samples: rss.length,
    warmupMs: warmup,
    windowMs,
    rss: rssGrowth,
    heap: hasHeap ? growth(heapPoints, warmup, windowMs, endMs) : null,
    wholeRun: {
      rss: growth(rssPoints, 0, wholeWindowMs, endMs),
      heap: hasHeap ? growth(heapPoints, 0, wholeWindowMs, endMs) : null,
    },
    cubeCache: cache.length ? { first: cache[0]!, last: cache[cache.length - 1]! } : null,
    settled,
    verdictBasis: settled ? 'live heap' : 'rss',
    thresholdMb,
    flat: (settled ? settled.heapGrowthMb : rssGrowth.growthMb) <= thresholdMb,
  };
}
