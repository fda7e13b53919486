/**
 * Reading and moving an optimizer's learning rate and momentum (or beta1) while it trains, for the toolkit's
 * schedules and the runner's log.
 * tfjs 4.22 optimizers keep their hyper-parameters in two ways, and the helpers below handle both:
 * - SGD and Momentum multiply by a scalar tensor `c` built by `setLearningRate`; assigning `learningRate` alone does
 *   nothing. Adam, Adamax, RMSProp, Adagrad, Adadelta (and the toolkit's Nadam) read the number `learningRate` at
 *   every step.
 * - Momentum multiplies by a scalar tensor `m` built once in its constructor; its own `setMomentum` only changes the
 *   `momentum` field, which no step reads, so `setOptimizerMomentum` rebuilds `m`. Adam and Adamax read the number
 *   `beta1` at every step, but their bias-correction variable `accBeta1` starts at the constructor's beta1 and is
 *   multiplied by the current one after each step; `setOptimizerMomentum` rescales it so the correction equals
 *   1 - Π(beta1 actually used). RMSProp reads the number `momentum` (moved only when it was built with one).
 */
import type { Tf, Tensor, Optimizer } from '../tf/types';

/** Where the current momentum (or beta1) is kept as a number for the runner to log. */
export const MOMENTUM_KEY: unique symbol = Symbol.for('training-lens.momentum');

type MutableOptimizer = Optimizer & {
  learningRate?: number;
  setLearningRate?: (lr: number) => void;
  momentum?: number;
  setMomentum?: (m: number) => void;
  m?: Tensor;
  beta1?: number;
  [MOMENTUM_KEY]?: number;
};

export function learningRateOf(optimizer: Optimizer): number {
  const lr = (optimizer as MutableOptimizer).learningRate;
  if (typeof lr !== 'number' || !Number.isFinite(lr)) {
    throw new Error(
      `training-lens schedules: the optimizer ${optimizer.getClassName?.() ?? ''} has no numeric learningRate; pass lr0`,
    );
  }
  return lr;
}

/** Sets the rate every tfjs optimizer uses for its next step (see the file comment). */
export function setOptimizerLearningRate(optimizer: Optimizer, lr: number): void {
  if (!Number.isFinite(lr) || lr < 0)
    throw new Error(`training-lens schedules: learning rate must be a finite number >= 0 (got ${lr})`);
  const o = optimizer as MutableOptimizer;
  // Always rebuild SGD's scalar: `learningRate` may have been assigned without it.
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  o.learningRate = lr;
}

/** Which momentum-like hyper-parameter the optimizer has: Momentum's `momentum`, the Adam family's `beta1`, or
 *  RMSProp's `momentum` when it was built with one (> 0). */
export function momentumKind(optimizer: Optimizer): 'momentum' | 'beta1' | null {
  const o = optimizer as MutableOptimizer;
  if (typeof o.setMomentum === 'function' && o.m != null) return 'momentum';
  if (typeof o.beta1 === 'number') return 'beta1';
  if (typeof o.momentum === 'number' && o.momentum > 0) return 'momentum';
  return null;
}

/** Sets momentum (or beta1) so the next step uses it; records it at MOMENTUM_KEY. Returns what was moved. */
export function setOptimizerMomentum(tf: Tf, optimizer: Optimizer, value: number): 'momentum' | 'beta1' | null {
  const o = optimizer as MutableOptimizer;
  const kind = momentumKind(optimizer);
  if (kind === 'beta1' && o.beta1 !== value) {
    const old = o.beta1!;
    o.beta1 = value;
    // Adam/Adamax keep accBeta1 = (product of the beta1 of past steps) × (beta1 of the next step) for the bias
    // correction; swap the next step's factor so the correction stays exact when beta1 varies.
    const acc = (o as { accBeta1?: import('@tensorflow/tfjs').Variable }).accBeta1;
    const cls = optimizer.getClassName?.();
    if (acc && old > 0 && (cls === 'Adam' || cls === 'Adamax')) tf.tidy(() => acc.assign(tf.mul(acc, value / old)));
  } else if (kind === 'momentum') {
    if (o.momentum !== value) {
      if (typeof o.setMomentum === 'function') o.setMomentum(value);
      o.momentum = value;
      // Momentum's step multiplies by the scalar `m` made in its constructor: rebuild it (RMSProp has none).
      if (o.m != null) {
        o.m.dispose();
        o.m = tf.keep(tf.scalar(value));
      }
    }
  }
  if (kind) o[MOMENTUM_KEY] = value;
  return kind;
}
