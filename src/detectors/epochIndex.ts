/**
 * `epochs.findIndex(e => e.step >= step)` in O(log n): every finding is placed in epochs by its steps, and a rule that
 * holds epoch after epoch on a long run (a logdir with a validation tag per step) made that scan quadratic. The first
 * epoch whose step is at least `step` is the first whose running maximum of steps is: the running maximum never
 * falls, so it is binary-searched. Kept per epochs array (a new fit starts a new one), extended as epochs are added.
 */
import type { EpochRecord } from './context';

const runningMax = new WeakMap<EpochRecord[], number[]>();

export function firstEpochFrom(epochs: EpochRecord[], step: number): number {
  let max = runningMax.get(epochs);
  if (!max || max.length > epochs.length) runningMax.set(epochs, (max = []));
  for (let i = max.length; i < epochs.length; i++) {
    const prev = i > 0 ? max[i - 1] : -Infinity,
      x = epochs[i].step;
    max.push(x > prev ? x : prev); // a NaN step matches no step: it leaves the maximum as it was
  }
  // the first i with max[i] >= step (a NaN step is >= nothing: -1, as findIndex gives)
  let lo = 0,
    hi = max.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (max[mid] >= step) hi = mid;
    else lo = mid + 1;
  }
  return lo < max.length && max[lo] >= step ? lo : -1;
}
