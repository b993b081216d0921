/**
 * Seeded randomness for the generator. Everything derives from one 32-bit
 * seed so the same seed gives byte-identical output on every machine.
 */

/** Mixes a 32-bit value (Murmur3's finaliser): stateless per-entity randomness. */
export const mix32 = (x: number): number => {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
};

/** A uniform float in [0, 1) derived from a key, without advancing any stream. */
export const hashUnit = (...keys: number[]): number => {
  let h = 0x9e3779b9;
  for (const k of keys) h = mix32(h ^ mix32(k));
  return h / 4294967296;
};

/** Turns a user-facing seed (number or text) into the 32-bit state. */
export const seedOf = (seed: number | string): number => {
  const text = String(seed);
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return mix32(h);
};

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  chance(p: number): boolean;
  /** Standard normal (Box-Muller). */
  normal(): number;
}

/** mulberry32: tiny, fast and good enough for synthetic data. */
export const createRng = (seed: number): Rng => {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
  };
};

/** Cumulative weights for O(log n) weighted sampling. */
export const cumulative = (weights: readonly number[]): Float64Array => {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    out[i] = sum;
  });
  return out;
};

/** The index whose cumulative bucket holds `u * total` (u in [0, 1)). */
export const pickCumulative = (cum: Float64Array, u: number): number => {
  const target = u * cum[cum.length - 1];
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid] > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
};

/** Zipf-Mandelbrot weights 1/(rank+q)^s: a power law with a flattened head. */
export const zipfWeights = (n: number, s: number, q: number): number[] =>
  Array.from({ length: n }, (_, rank) => 1 / Math.pow(rank + 1 + q, s));
