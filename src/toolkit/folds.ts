/**
 * K-fold cross-validation for a sweep (`--cv K`): each trial trains K times, run j validating on fold j and training
 * on the other K-1 (scikit-learn's KFold / StratifiedKFold with shuffle). The sweep tells each run its fold in
 * TRAINING_LENS_CV (JSON `{ "k": 3, "fold": 0, "seed": 42 }`); `cvSplit(xs, ys)` in the job returns that run's split.
 * The folds depend only on the sample count, the labels and the seed: every run of a trial (and every trial) sees
 * the same K folds.
 */
import type { Tf } from '../tf/types';
import type * as tfTypes from '@tensorflow/tfjs';
import { seededRandom } from './random';

export const CV_ENV = 'TRAINING_LENS_CV';

export interface FoldChoice {
  k: number;
  fold: number;
  seed: number;
}

/** The fold this run trains on, or undefined when the run is not a cross-validation run. */
export function readFoldChoice(env: Record<string, string | undefined> = process.env): FoldChoice | undefined {
  const text = env[CV_ENV];
  if (text == null || text.trim() === '') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`training-lens cvSplit: ${CV_ENV} is not valid JSON (${(e as Error).message})`, { cause: e });
  }
  const c = v as Partial<FoldChoice>;
  const whole = (n: unknown, min: number) => typeof n === 'number' && Number.isInteger(n) && n >= min;
  if (!whole(c?.k, 2) || !whole(c.fold, 0) || c.fold! >= c.k! || !whole(c.seed, 0)) {
    throw new Error(
      `training-lens cvSplit: ${CV_ENV} must be {"k": K ≥ 2, "fold": 0..K-1, "seed": S}, got ${text.slice(0, 200)}`,
    );
  }
  return c as FoldChoice;
}

/**
 * Indices of fold `fold` of K (validation) and of the others (training). Shuffled with the seed; with labels, each
 * class is dealt round-robin over the folds so every fold has the class shares of the whole (stratified).
 */
export function kFoldIndices(
  n: number,
  k: number,
  fold: number,
  seed: number,
  labels?: ArrayLike<number>,
): { train: number[]; validation: number[] } {
  if (!Number.isInteger(k) || k < 2) throw new Error(`cvSplit: K must be a whole number ≥ 2 (got ${k})`);
  if (n < k) throw new Error(`cvSplit: ${n} samples cannot make ${k} folds`);
  if (labels && labels.length !== n) throw new Error(`cvSplit: ${labels.length} labels for ${n} samples`);
  const rand = seededRandom(seed);
  const shuffle = (xs: number[]) => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  };
  let order: number[];
  if (labels) {
    const byClass = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const c = labels[i];
      byClass.set(c, [...(byClass.get(c) ?? []), i]);
    }
    order = [...byClass.keys()].sort((a, b) => a - b).flatMap(c => shuffle(byClass.get(c)!));
  } else {
    order = shuffle(Array.from({ length: n }, (_, i) => i));
  }
  const train: number[] = [],
    validation: number[] = [];
  order.forEach((idx, pos) => (pos % k === fold ? validation : train).push(idx));
  return { train: train.sort((a, b) => a - b), validation: validation.sort((a, b) => a - b) };
}

export interface CvSplitOptions {
  /** validation data when the run is not a cross-validation run (the job's usual held-out set) */
  validation?: [tfTypes.Tensor, tfTypes.Tensor];
  /** keep class shares in every fold; labels are ys' argMax (one-hot) or ys itself (class indices) */
  stratify?: boolean;
}

export interface CvSplitResult {
  xs: tfTypes.Tensor;
  ys: tfTypes.Tensor;
  validation: [tfTypes.Tensor, tfTypes.Tensor] | undefined;
  /** this run's fold, or undefined outside cross-validation */
  fold: FoldChoice | undefined;
}

export function createCvSplit(tf: Tf) {
  /** This run's training data and validation data: fold j of K under `--cv K`, else (xs, ys) and options.validation. */
  return function cvSplit(
    xs: tfTypes.Tensor,
    ys: tfTypes.Tensor,
    options: CvSplitOptions = {},
    env: Record<string, string | undefined> = process.env,
  ): CvSplitResult {
    const fold = readFoldChoice(env);
    if (!fold) return { xs, ys, validation: options.validation, fold };
    const n = xs.shape[0];
    if (ys.shape[0] !== n) throw new Error(`training-lens cvSplit: xs has ${n} samples but ys has ${ys.shape[0]}`);
    const labels = options.stratify
      ? tf.tidy(() => (ys.rank > 1 && ys.shape[1]! > 1 ? ys.argMax(-1) : ys.reshape([n])).dataSync())
      : undefined;
    const { train, validation } = kFoldIndices(
      n,
      fold.k,
      fold.fold,
      fold.seed,
      labels as ArrayLike<number> | undefined,
    );
    const pick = (t: tfTypes.Tensor, idx: number[]) => tf.tidy(() => tf.gather(t, tf.tensor1d(idx, 'int32')));
    return { xs: pick(xs, train), ys: pick(ys, train), validation: [pick(xs, validation), pick(ys, validation)], fold };
  };
}
