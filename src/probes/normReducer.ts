/**
 * Per-variable gradient L2 norms, reduced on the backend into one small tensor.
 *
 * Everywhere: sqrt(sum(square(g))), two kernels per variable and one square root over the stacked sums. (A dot
 * product g·g would be one kernel, but wasm's matrix product packs g first and is slower.)
 *
 * On the tensorflow backend, Square allocates a fresh buffer the size of g and the page faults of touching it
 * cost more than the arithmetic (most of the probe's time on an MLP). TensorFlow has a fused reduction,
 * EuclideanNorm, that reads g once and allocates nothing of its size; tfjs does not expose it, so it is run through
 * the tfjs-node backend's own op executor, which is how tfjs-node implements every kernel.
 */
import type { Tf, Tensor } from '../tf/types';

export interface NormReducer {
  /** the L2 norm of each tensor, stacked */
  reduce(grads: Tensor[]): Tensor;
  dispose(): void;
}

/** The slice of tfjs-node's NodeJSKernelBackend this module uses (duck-typed: tfjs-node is optional). */
interface TensorflowOps {
  executeSingleOutput(name: string, attrs: unknown[], inputs: Tensor[]): Tensor;
  createReductionOpAttrs(x: Tensor, keepDims?: boolean): unknown[];
}

export function normReducer(tf: Tf): NormReducer {
  const backend = tf.getBackend() === 'tensorflow' ? (tf.backend() as unknown as Partial<TensorflowOps>) : undefined;
  if (backend?.executeSingleOutput && backend.createReductionOpAttrs)
    return euclideanNorms(tf, backend as TensorflowOps);
  return sumOfSquares(tf);
}

function sumOfSquares(tf: Tf): NormReducer {
  return {
    reduce: grads => tf.sqrt(tf.stack(grads.map(g => tf.sum(tf.square(g))))),
    dispose: () => undefined,
  };
}

/**
 * The fused path. It runs inside the training step (the optimizer's computeGradients), so it must never fail the
 * step: if the op is refused (a libtensorflow without it, a dtype it does not take), this reducer falls back to sum of
 * squares for good.
 */
function euclideanNorms(tf: Tf, ops: TensorflowOps): NormReducer {
  // reduction axes per rank, uploaded once and kept: a fresh axes tensor per variable per step is an upload each
  const axesByRank = new Map<number, Tensor>();
  const allAxes = (rank: number): Tensor => {
    let axes = axesByRank.get(rank);
    if (!axes) {
      axes = tf.keep(
        tf.tensor1d(
          Array.from({ length: rank }, (_, i) => i),
          'int32',
        ),
      );
      axesByRank.set(rank, axes);
    }
    return axes;
  };
  const fused = (grads: Tensor[]) =>
    tf.stack(
      grads.map(g =>
        g.rank === 0
          ? tf.abs(g)
          : ops.executeSingleOutput('EuclideanNorm', ops.createReductionOpAttrs(g, false), [g, allAxes(g.rank)]),
      ),
    );
  let fallback: NormReducer | undefined;
  return {
    reduce: grads => {
      if (!fallback) {
        try {
          return fused(grads);
        } catch {
          fallback = sumOfSquares(tf);
        }
      }
      return fallback.reduce(grads);
    },
    dispose: () => {
      axesByRank.forEach(t => t.dispose());
      axesByRank.clear();
    },
  };
}
