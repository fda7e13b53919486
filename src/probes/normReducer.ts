/**
 * Per-variable gradient L2 norms, chosen by backend for what a norm costs there.
 *
 * - wasm and cpu: summed in place (hostMemory.ts), in float64, with no kernel and no tensor: on an embedding net's five
 *   gradients 5 µs against 37 µs for the kernels; on a 784-300-100-10 MLP's (266k elements) about even.
 * - tensorflow: TensorFlow's fused EuclideanNorm, which reads g once and allocates nothing of its size (Square would
 *   allocate a buffer the size of g, and the page faults of touching it cost more than the arithmetic). tfjs does not
 *   expose it; it is run through the tfjs-node backend's own op executor, which is how tfjs-node runs every kernel.
 * - anything else: sqrt(sum(square(g))) per variable on the backend (a dot product g·g would be one kernel, but
 *   wasm's matrix product packs g first and is slower).
 *
 * These run inside the training step (the optimizer's computeGradients), so they must never fail it: a fast path
 * that is refused (a libtensorflow without the op, a backend whose memory is not where it was) falls back to
 * sum of squares for good.
 */
import type { Tf, Tensor } from '../tf/types';
import { hostReader, type HostReader } from './hostMemory';

/** the norms in the gradients' order: read now (host memory), or a kept tensor to download after the step */
export type Norms = number[] | Tensor;

export interface NormReducer {
  /** the L2 norm of each gradient; a tensor result is kept (outside any tidy) and is the caller's to dispose */
  reduce(grads: Tensor[]): Norms;
  dispose(): void;
}

/** The slice of tfjs-node's NodeJSKernelBackend this module uses (duck-typed: tfjs-node is optional). */
interface TensorflowOps {
  executeSingleOutput(name: string, attrs: unknown[], inputs: Tensor[]): Tensor;
  createReductionOpAttrs(x: Tensor, keepDims?: boolean): unknown[];
}

export function normReducer(tf: Tf): NormReducer {
  const name = tf.getBackend();
  const backend = tf.backend() as unknown;
  if (name === 'tensorflow') {
    const ops = backend as Partial<TensorflowOps>;
    if (ops.executeSingleOutput && ops.createReductionOpAttrs)
      return guarded(tf, euclideanNorms(tf, ops as TensorflowOps));
  }
  const read = hostReader(tf);
  if (read) return guarded(tf, inPlace(read));
  return sumOfSquares(tf);
}

function sumOfSquares(tf: Tf): NormReducer {
  return {
    reduce: grads => tf.keep(tf.tidy(() => tf.sqrt(tf.stack(grads.map(g => tf.sum(tf.square(g))))))),
    dispose: () => undefined,
  };
}

/** A fast path that throws when it cannot serve (it is then dropped for sum of squares). */
function guarded(tf: Tf, fast: NormReducer): NormReducer {
  let fallback: NormReducer | undefined;
  return {
    reduce: grads => {
      if (!fallback) {
        try {
          return fast.reduce(grads);
        } catch {
          fast.dispose();
          fallback = sumOfSquares(tf);
        }
      }
      return fallback.reduce(grads);
    },
    dispose: () => (fallback ?? fast).dispose(),
  };
}

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
  return {
    reduce: grads =>
      tf.keep(
        tf.tidy(() =>
          tf.stack(
            grads.map(g =>
              g.rank === 0
                ? tf.abs(g)
                : ops.executeSingleOutput('EuclideanNorm', ops.createReductionOpAttrs(g, false), [g, allAxes(g.rank)]),
            ),
          ),
        ),
      ),
    dispose: () => {
      axesByRank.forEach(t => t.dispose());
      axesByRank.clear();
    },
  };
}

/** Norms summed where the values already are, read without a kernel. */
function inPlace(read: HostReader): NormReducer {
  return {
    reduce: grads => grads.map(g => Math.sqrt(sumOfSquaresOf(read(g)))),
    dispose: () => undefined,
  };
}

/** Σ v², in float64 with four accumulators (independent additions run in parallel: about 3× one accumulator) */
export function sumOfSquaresOf(v: Float32Array): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  const n = v.length;
  const m = n - (n & 3);
  let i = 0;
  for (; i < m; i += 4) {
    const a = v[i],
      b = v[i + 1],
      c = v[i + 2],
      d = v[i + 3];
    s0 += a * a;
    s1 += b * b;
    s2 += c * c;
    s3 += d * d;
  }
  for (; i < n; i++) s0 += v[i] * v[i];
  return s0 + s1 + s2 + s3;
}
