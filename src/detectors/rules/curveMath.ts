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
    const size = spikeSize(xs, i);
    if (size > 0 && size >= relative) out.push({ epoch: i, size });
  }
  return out;
}

/** How far epoch i of a curve stands above both neighbours, relative to the lower one (0 when it does not). */
export function spikeSize(xs: number[], i: number): number {
  const low = Math.min(xs[i - 1], xs[i + 1]);
  const size = Math.min(xs[i] - xs[i - 1], xs[i] - xs[i + 1]);
  return low > 0 && size > 0 ? size / low : 0;
}

/** The first step of epoch i (0-based): the step after the previous epoch's last. */
export function stepOfEpochStart(api: { ctx: { epochs: ReadonlyArray<{ step: number }> } }, i: number): number {
  const ep = api.ctx.epochs;
  return i > 0 && ep[i - 1] ? ep[i - 1].step + 1 : 0;
}
