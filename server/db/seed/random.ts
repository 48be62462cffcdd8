// A seeded pseudo-random generator, so that the same seed always gives the same demo data:
// sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG, 128-bit state, passes PractRand),
// its state filled by splitmix32 from the seed and a list of stream numbers, so that each
// clinic draws from its own independent stream.

function splitmix32Next(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Mixes a seed (any safe integer) and stream numbers into one 32-bit value. */
function mixSeed(seed: number, streams: readonly number[]): number {
  const state = { s: 0x2545f491 };
  const words = [seed >>> 0, Math.floor(seed / 0x1_0000_0000) >>> 0, ...streams.map((s) => s >>> 0)];
  let h = 0;
  for (const word of words) {
    state.s = (state.s ^ word) | 0;
    h = (h ^ splitmix32Next(state)) >>> 0;
    state.s = (state.s + h) | 0;
  }
  return h;
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;

  constructor(seed: number, ...streams: number[]) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    const state = { s: mixSeed(seed, streams) };
    this.a = splitmix32Next(state) | 0;
    this.b = splitmix32Next(state) | 0;
    this.c = splitmix32Next(state) | 0;
    this.d = splitmix32Next(state) | 0;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** Standard normal (Box–Muller, caching the second value). */
  normal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    let u = 0;
    while (u === 0) u = this.float();
    const v = this.float();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /** Poisson-distributed count with the given mean (normal approximation above 30). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let count = 0;
    let product = this.float();
    while (product > limit) {
      count++;
      product *= this.float();
    }
    return count;
  }
}

/** Picks among fixed options by fixed weights, in O(log n) per draw. */
export class WeightedChoice<T> {
  private readonly cumulative: number[];
  private readonly total: number;

  constructor(
    readonly items: readonly T[],
    weights: readonly number[],
  ) {
    if (items.length === 0 || items.length !== weights.length) {
      throw new RangeError('WeightedChoice needs as many weights as items, at least one');
    }
    let sum = 0;
    this.cumulative = weights.map((w) => (sum += w));
    this.total = sum;
    if (!(sum > 0)) throw new RangeError('WeightedChoice needs a positive total weight');
  }

  static of<T>(entries: readonly (readonly [T, number])[]): WeightedChoice<T> {
    return new WeightedChoice(
      entries.map(([item]) => item),
      entries.map(([, weight]) => weight),
    );
  }

  pick(random: Random): T {
    const target = random.float() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}
