/**
 * The published thresholds the benchmark measures symptoms with, frozen here so that tuning the detectors'
 * settings (src/detectors/settings.ts) cannot move the benchmark's own measurements. Sources: AUTOTRAINER (Zhang et
 * al., ICSE 2021, Table I), DeepDiagnosis (Wardat et al., ICSE 2022), SageMaker Debugger built-in rules, UMLAUT
 * (Schoop et al., CHI 2021).
 */
export const PUBLISHED = {
  /** AUTOTRAINER VG: β1, β2; SageMaker Debugger VanishingGradient */
  vanishingRatio: 1e-3,
  vanishingFirstNorm: 1e-4,
  vanishingRms: 1e-7,
  /** AUTOTRAINER EG: β3 */
  explodingRatio: 70,
  /** AUTOTRAINER DR: γ */
  deadReluFraction: 0.7,
  /** DeepDiagnosis: > 50% of outputs beyond a pre-activation of ±5 */
  saturatedFraction: 0.5,
  /** DeepDiagnosis: 5 epochs; SageMaker Debugger LossNotDecreasing: 0.1% */
  lossPlateauEpochs: 5,
  lossPlateauRelative: 1e-3,
  /** AUTOTRAINER OL: ζ, η */
  oscillationSwing: 0.03,
  oscillationShare: 0.2,
  /** AUTOTRAINER SC: δ */
  slowConvergenceDelta: 0.01,
  /** AUTOTRAINER: problems are judged from 30% of the planned epochs on */
  judgmentPoint: 0.3,
  /** UMLAUT flags inputs outside [-1, 1]; AUTOTRAINER (extended) ω1 = 10 */
  inputMagnitude: 10,
};

/**
 * The bench's own criteria where no published threshold exists (written before the new jobs were run).
 * noisy validation: over the epochs so far, at least half of the epoch-to-epoch val_loss changes reverse the
 * previous one's direction, and the median change is at least 5% of the median val_loss.
 * a healthy job trains well: final (validation) accuracy at least 0.6 and 0.1 above the majority-class rate; for an
 * MSE regression R^2 >= 0.5 (final validation MSE at most half the targets' variance; first written as "half the
 * first epoch's loss", which fails a model that has already learnt most of it in its first epoch); otherwise a final
 * loss at most half the first epoch's.
 * slow convergence in a short run (TheDeepChecker's low learning rate; added 2026-12-05 after the bench flagged
 * `sgd-short-run-slow` as "symptom not measured": AUTOTRAINER's δ alone never sees a run whose accuracy rises a few
 * points every epoch but ends far from the target): a run of at most `shortRunEpochs` planned epochs that ends with
 * training accuracy below `targetAccuracy` (AUTOTRAINER's Θ) while its loss still falls (its last drop at least half
 * its average drop per epoch); the onset is the first epoch from the judgment point (and epoch 2) at which the
 * accuracy, at its pace so far, would not reach the target by the planned end.
 */
export const OWN = {
  shortRunEpochs: 10,
  targetAccuracy: 0.6,
  noisyReversals: 0.5,
  noisyRelativeStep: 0.05,
  healthyAccuracy: 0.6,
  healthyOverMajority: 0.1,
  healthyLossRatio: 0.5,
};

/** The logged accuracy, whatever the metric was called. */
export function accuracyOf(logs: Record<string, number | null | undefined>): number | null {
  for (const k of ['acc', 'accuracy', 'categoricalAccuracy', 'binaryAccuracy', 'sparseCategoricalAccuracy']) {
    const v = logs[k];
    if (typeof v === 'number') return v;
  }
  return null;
}

/** Absolute differences between neighbouring local extrema of a series (AUTOTRAINER's oscillation swings). */
export function peakTroughSwings(xs: number[]): number[] {
  const extrema: number[] = [];
  for (let i = 1; i < xs.length - 1; i++) {
    if ((xs[i] > xs[i - 1] && xs[i] >= xs[i + 1]) || (xs[i] < xs[i - 1] && xs[i] <= xs[i + 1])) extrema.push(xs[i]);
  }
  return extrema.slice(1).map((x, i) => Math.abs(x - extrema[i]));
}
