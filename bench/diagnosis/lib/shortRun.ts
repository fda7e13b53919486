/** The bench's own measure of slow convergence in a short run (lib/thresholds.ts OWN), apart from the detectors. */
import { OWN, accuracyOf } from './thresholds';

/**
 * A short run too slow for its planned epochs (lib/thresholds.ts OWN): the first epoch from `from` at which the
 * accuracy, at its pace so far, would not reach the target by the planned end, in a run that ended below the target
 * with its loss still falling; undefined otherwise.
 */
export function shortRunSlow(
  epochs: Array<{ logs: Record<string, number | null> }>,
  planned: number,
  from: number,
): number | undefined {
  const a = epochs.map(e => accuracyOf(e.logs) ?? NaN),
    l = epochs.map(e => e.logs.loss ?? NaN);
  const n = a.length;
  if (planned > OWN.shortRunEpochs || n < 3 || !(a[n - 1] < OWN.targetAccuracy)) return undefined;
  const stillFalling = l[n - 2] - l[n - 1] >= 0.5 * ((l[0] - l[n - 1]) / (n - 1)) && l[n - 1] < l[0];
  if (!stillFalling) return undefined;
  for (let e = from; e < n; e++) {
    const pace = (a[e] - a[0]) / e;
    if (!(a[e] + pace * (planned - 1 - e) >= OWN.targetAccuracy)) return e;
  }
  return undefined;
}
