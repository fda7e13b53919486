/**
 * Judgements about the likely cause of a symptom, from what the run states about itself: is the learning rate high
 * for this optimizer (and batch size), is a layer's initializer scaled to its fan-in.
 */
import type { LayerSummary } from '../protocol';
import type { RunContext } from './context';
import type { DiagnosisSettings } from './settings';

/** Keras/tfjs default learning rate per optimizer class (as fit-start names it); SGD and momentum take Keras's 0.01. */
const DEFAULT_LR: Record<string, number> = {
  sgd: 0.01,
  momentum: 0.01,
  adam: 0.001,
  adamax: 0.002,
  rmsprop: 0.001,
  adagrad: 0.01,
  adadelta: 0.001,
  nadam: 0.001,
};

export interface LearningRateVerdict {
  lr: number | null;
  optimizer: string;
  /** the optimizer's default learning rate, when known */
  defaultLr: number | null;
  /** lr / defaultLr */
  factor: number | null;
  /** above the usual range: > highLearningRate, or at least highLearningRateFactor times the optimizer's default */
  high: boolean;
}

export function learningRateVerdict(ctx: RunContext, s: DiagnosisSettings): LearningRateVerdict {
  const optimizer = ctx.fit?.optimizer ?? 'the optimizer';
  const defaultLr = DEFAULT_LR[optimizer.toLowerCase()] ?? null;
  const lr = ctx.lr;
  const factor = lr != null && defaultLr ? lr / defaultLr : null;
  const high = lr != null && (lr > s.highLearningRate || (factor != null && factor >= s.highLearningRateFactor));
  return { lr, optimizer, defaultLr, factor, high };
}

/**
 * The learning rate a batch of this size supports, scaled from the optimizer's default at batch 32: linearly for
 * SGD (Goyal et al. 2017, "Accurate, large minibatch SGD"), by the square root for adaptive optimizers (Malladi et al.
 * 2022, "On the SDEs and scaling rules for adaptive gradient algorithms").
 */
export function learningRateForBatch(ctx: RunContext): number | null {
  const optimizer = (ctx.fit?.optimizer ?? '').toLowerCase();
  const base = DEFAULT_LR[optimizer];
  const bs = ctx.fit?.batchSize;
  if (!base || !bs) return null;
  const ratio = bs / 32;
  return optimizer === 'sgd' || optimizer === 'momentum' ? base * ratio : base * Math.sqrt(ratio);
}

/** Initializers whose spread is scaled to the layer's fan-in (and fan-out): the G1 family and its relatives. */
export function fanScaledInit(l: LayerSummary): boolean {
  return /^(glorot|he|lecun|varianceScaling|orthogonal|identity)/i.test(l.initializer ?? 'glorotUniform');
}

/** zeros, ones, constant: every unit of the layer starts (and, without a gradient, stays) the same */
export function isConstantInit(l: LayerSummary): boolean {
  return /^(zeros|ones|constant)$/i.test(l.initializer ?? '');
}
