/**
 * Gradient clipping for any tfjs optimizer (Hands-On ML ch.11; lecture slides "clipvalue vs clipnorm"): the
 * optimizer's `applyGradients` is wrapped on the instance, so `fit`, `fitDataset`, `trainOnBatch` and `minimize`
 * all clip, and its class, config and slots stay the optimizer's own.
 * - clipValue: every gradient component is clamped to [-v, v] (can change the direction);
 * - clipNorm: the whole gradient (all variables as one vector) is scaled down to global L2 norm ≤ n when it is
 *   longer, which keeps its direction (like Keras' `global_clipnorm`).
 * The global norm before and after clipping is kept as one small tensor under CLIP_STATE for the runner, which
 * reads it asynchronously after the step (never a synchronous download on the training path).
 */
import type { Tf, Tensor, Optimizer } from '../tf/types';

export const CLIP_STATE = Symbol.for('training-lens.clip');

export type ClipOptions = { clipValue: number; clipNorm?: undefined } | { clipNorm: number; clipValue?: undefined };

export interface ClipState {
  mode: 'value' | 'norm';
  threshold: number;
  /** [preNorm, postNorm] of the last step, owned by the state until a reader takes it */
  pending?: Tensor;
}

type NamedTensor = { name: string; tensor: Tensor };
type Gradients = Record<string, Tensor> | NamedTensor[];

/** The clip state an optimizer carries (undefined when it does not clip). */
export function clipStateOf(optimizer: unknown): ClipState | undefined {
  if (!optimizer || typeof optimizer !== 'object') return undefined;
  return (optimizer as Record<symbol, ClipState | undefined>)[CLIP_STATE];
}

/** Validates `{ clipValue }` / `{ clipNorm }` (at most one); returns undefined when neither is set. */
export function clipMode(opts: {
  clipValue?: number;
  clipNorm?: number;
}): { mode: 'value' | 'norm'; threshold: number } | undefined {
  const { clipValue, clipNorm } = opts;
  if (clipValue != null && clipNorm != null)
    throw new Error('training-lens clip: give either clipValue or clipNorm, not both');
  if (clipValue == null && clipNorm == null) return undefined;
  const [mode, threshold, name] =
    clipValue != null ? (['value', clipValue, 'clipValue'] as const) : (['norm', clipNorm!, 'clipNorm'] as const);
  if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold <= 0) {
    throw new Error(`training-lens clip: ${name} must be a positive number (got ${String(threshold)})`);
  }
  return { mode, threshold };
}

export function createClip(tf: Tf) {
  const globalNorm = (grads: Tensor[]): Tensor =>
    grads.length ? tf.sqrt(tf.addN(grads.map(g => tf.sum(tf.square(g))))) : tf.scalar(0);

  /** Clips the gradients `optimizer` applies, in place; returns the same optimizer. */
  return function clip<O extends Optimizer>(optimizer: O, opts: ClipOptions): O {
    const how = clipMode(opts ?? {});
    if (!how) throw new Error('training-lens clip: give clipValue or clipNorm');
    if (clipStateOf(optimizer))
      throw new Error(`training-lens clip: this ${optimizer.getClassName()} optimizer already clips its gradients`);
    const state: ClipState = { ...how };
    const target = optimizer as unknown as {
      applyGradients(g: Gradients): void;
      dispose(): void;
      [CLIP_STATE]?: ClipState;
    };
    const apply = target.applyGradients;
    const dispose = target.dispose;
    const { mode, threshold } = how;

    target.applyGradients = function (this: unknown, gradients: Gradients) {
      const entries: Array<[string, Tensor | null | undefined]> = Array.isArray(gradients)
        ? gradients.map(g => [g.name, g.tensor])
        : Object.entries(gradients);
      const present = entries.filter((e): e is [string, Tensor] => e[1] != null);
      const clipped = tf.tidy(() => {
        const pre = globalNorm(present.map(e => e[1]));
        let out: Tensor[];
        if (mode === 'value') {
          out = present.map(([, g]) => tf.clipByValue(g, -threshold, threshold));
        } else {
          // scale = n / max(norm, n): 1 when the gradient is short enough, so it is never lengthened
          const scale = tf.div(threshold, tf.maximum(pre, threshold));
          out = present.map(([, g]) => tf.mul(g, scale));
        }
        state.pending?.dispose();
        // keep: fit runs each step inside a tidy that would dispose it before the runner reads it
        // clipNorm scales the whole vector to min(norm, threshold): its new norm needs no second pass
        state.pending = tf.keep(tf.stack([pre, mode === 'norm' ? tf.minimum(pre, threshold) : globalNorm(out)]));
        return out;
      });
      const byName = new Map(present.map(([name], i) => [name, clipped[i]]));
      const next: Gradients = Array.isArray(gradients)
        ? gradients.map(g => ({ name: g.name, tensor: byName.get(g.name) ?? g.tensor }))
        : (Object.fromEntries(entries.map(([name, g]) => [name, byName.get(name) ?? g])) as Record<string, Tensor>);
      try {
        apply.call(this, next);
      } finally {
        tf.dispose(clipped);
      }
    };
    target.dispose = function (this: unknown) {
      state.pending?.dispose();
      state.pending = undefined;
      dispose.call(this);
    };
    Object.defineProperty(target, CLIP_STATE, { value: state, enumerable: false });
    return optimizer;
  };
}

/** Takes the last step's [preNorm, postNorm] from an optimizer that clips and downloads it (asynchronously). */
export async function readClip(
  optimizer: unknown,
): Promise<{ mode: 'value' | 'norm'; threshold: number; preNorm: number; postNorm: number } | undefined> {
  const state = clipStateOf(optimizer);
  const pending = state?.pending;
  if (!state || !pending) return undefined;
  state.pending = undefined;
  try {
    const [preNorm, postNorm] = await pending.data();
    return { mode: state.mode, threshold: state.threshold, preNorm, postNorm };
  } finally {
    pending.dispose();
  }
}
