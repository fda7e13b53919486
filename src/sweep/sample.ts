/**
 * Random search on a log scale (Deep Learning from Scratch §6.5; scikit-learn's `reciprocal`): each value is
 * 10^u with u uniform between log10(min) and log10(max), so 1e-6..1e-5 is as likely as 1e-3..1e-2. The generator
 * is seeded and the seed is kept in the sweep record: the same seed gives the same trials.
 */
import type { SearchDimension } from './space';

/** mulberry32: a small, fast 32-bit PRNG; uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fresh seed when none is given (32 bits, so it fits the record and a CLI flag). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x100000000) >>> 0;
}

export function sampleLogUniform(dim: SearchDimension, u: number): number {
  const lo = Math.log(dim.min), hi = Math.log(dim.max);
  const v = Math.exp(lo + u * (hi - lo));
  // exp(log(x)) may land a hair outside the range
  const clamped = Math.min(dim.max, Math.max(dim.min, v));
  return dim.integer ? Math.min(dim.max, Math.max(dim.min, Math.round(clamped))) : clamped;
}

/** `count` trials' values, in a fixed order of names so a seed always means the same trials. */
export function sampleTrials(space: Record<string, SearchDimension>, count: number, seed: number): Array<Record<string, number>> {
  const rand = seededRandom(seed);
  const names = Object.keys(space).sort();
  return Array.from({ length: count }, () => Object.fromEntries(names.map(n => [n, sampleLogUniform(space[n], rand())])));
}
