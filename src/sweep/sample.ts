/**
 * Random search (Bergstra & Bengio 2012; scikit-learn's RandomizedSearchCV): each trial draws every
 * hyper-parameter independently from its space. Log-uniform (Deep Learning from Scratch §6.5; scipy's `reciprocal`)
 * is 10^u with u uniform between log10(min) and log10(max), so 1e-6..1e-5 is as likely as 1e-3..1e-2. The generator
 * is seeded and the seed is kept in the sweep record: the same seed gives the same trials, in the same order.
 */
import type { SearchDimension } from '../protocol';
import { seededRandom } from '../toolkit/random';

export { seededRandom };
export type HparamValue = number | string | boolean;

/** A fresh seed when none is given (32 bits, so it fits the record and a CLI flag). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x100000000) >>> 0;
}

/** The value at quantile `u` ∈ [0, 1) of the dimension's distribution. */
export function sampleDimension(dim: SearchDimension, u: number): HparamValue {
  switch (dim.scale) {
    case 'log': {
      const lo = Math.log(dim.min),
        hi = Math.log(dim.max);
      // exp(log(x)) may land a hair outside the range
      const v = Math.min(dim.max, Math.max(dim.min, Math.exp(lo + u * (hi - lo))));
      return dim.integer ? Math.min(dim.max, Math.max(dim.min, Math.round(v))) : v;
    }
    case 'uniform':
      return Math.min(dim.max, dim.min + u * (dim.max - dim.min));
    case 'int': {
      const count = Math.floor((dim.max - dim.min) / dim.step) + 1;
      return dim.min + Math.min(count - 1, Math.floor(u * count)) * dim.step;
    }
    case 'choice':
      return dim.values[Math.min(dim.values.length - 1, Math.floor(u * dim.values.length))];
  }
}

/** `count` trials' values, in a fixed order of names so a seed always means the same trials. */
export function sampleTrials(
  space: Record<string, SearchDimension>,
  count: number,
  seed: number,
): Array<Record<string, HparamValue>> {
  const draw = trialSampler(space, seed);
  return Array.from({ length: count }, draw);
}

/** An endless stream of trials (a scheduler launches trials until the epoch budget is spent). */
export function trialSampler(space: Record<string, SearchDimension>, seed: number): () => Record<string, HparamValue> {
  const rand = seededRandom(seed);
  const names = Object.keys(space).sort();
  return () => Object.fromEntries(names.map(n => [n, sampleDimension(space[n], rand())]));
}
