/** Formulas the curve rules (curves.ts) and their running figures (epochCurves.ts) share. */

/**
 * The smallest difference between two epochs' accuracies over `samples` samples each that sampling alone does not
 * explain at `z` standard errors (binomial: Var(p̂) = p(1 - p)/n per epoch, the two epochs independent).
 */
export function accuracyNoise(a: number, b: number, samples: number | null, z: number): number {
  if (!samples) return 0;
  return z * Math.sqrt((a * (1 - a) + b * (1 - b)) / samples);
}

/**
 * Spikes of a curve that came back: epochs i whose value exceeds both neighbours by at least `relative` of the
 * lower neighbour. A rise that has not come back yet is not a spike (it may be the start of a trend).
 */
export function spikes(xs: number[], relative: number): Array<{ epoch: number; size: number }> {
  const out: Array<{ epoch: number; size: number }> = [];
  for (let i = 1; i < xs.length - 1; i++) {
    const low = Math.min(xs[i - 1], xs[i + 1]);
    const size = Math.min(xs[i] - xs[i - 1], xs[i] - xs[i + 1]);
    if (low > 0 && size >= relative * low) out.push({ epoch: i, size: size / low });
  }
  return out;
}
