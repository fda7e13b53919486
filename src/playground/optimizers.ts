/**
 * The eight optimizers of the playground, built by the toolkit's `createOptimizers` — the factories training jobs
 * use — so a path shows what that optimizer really does, not a re-implementation of its update rule.
 * Hyper-parameters other than the learning rate are the libraries' defaults (momentum 0.9 for the momentum family).
 */
import type { Optimizer, Tf } from '../tf/types';
import { createOptimizers } from '../toolkit/optimizers';
import type { OptimizerId } from '../protocol/playground';

/** learning rate in, a fresh optimizer out */
export type OptimizerFactory = (lr: number) => Optimizer;

export function optimizerFactories(tf: Tf): Record<OptimizerId, OptimizerFactory> {
  const o = createOptimizers(tf);
  return {
    sgd: lr => o.sgd(lr),
    momentum: lr => o.momentum(lr),
    nesterov: lr => o.nesterov(lr),
    adagrad: lr => o.adagrad(lr),
    rmsprop: lr => o.rmsprop(lr),
    adam: lr => o.adam(lr),
    adamax: lr => o.adamax(lr),
    nadam: lr => o.nadam(lr),
  };
}
