/**
 * `trainValSplit(x, y, { fraction })`: a validation split that is shuffled (tfjs' `validationSplit`, like Keras',
 * takes the last fraction of the data unshuffled: on data sorted by class the validation set holds other classes)
 * and, for class labels, stratified (each class keeps its share on both sides, as scikit-learn's
 * `train_test_split(stratify=y)`).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tf } from '../../tf/types';
import { seededRandom } from '../random';
import { dataLog, type DataEnv } from './paths';

export interface TrainValSplitOptions {
  /** share of the samples that go to validation (default 0.2) */
  fraction?: number;
  /** shuffle before splitting (default true) */
  shuffle?: boolean;
  /** keep each class's share on both sides (default: true when y looks like class labels) */
  stratify?: boolean;
  /** the shuffle's seed (default: a random one, printed in the run's log) */
  seed?: number;
}

export interface TrainValSplit<X, Y> {
  xTrain: X;
  yTrain: Y;
  xVal: X;
  yVal: Y;
}

/** Above this many distinct values, whole-number labels are taken for a regression target. */
const MAX_CLASSES = 1000;

/**
 * The class of each sample when y holds class labels: whole-number indices [n] or [n, 1], or one-hot rows [n, k].
 * Undefined for anything else (regression targets, probabilities).
 */
export function classLabels(y: tfTypes.Tensor): number[] | undefined {
  const n = y.shape[0] ?? 0;
  const values = y.dataSync();
  const cols = y.rank === 1 ? 1 : y.size / Math.max(n, 1);
  if (y.rank > 2 || n === 0) return undefined;
  if (cols === 1) {
    const labels = Array.from(values, Number);
    if (!labels.every(v => Number.isInteger(v))) return undefined;
    const distinct = new Set(labels).size;
    return distinct <= MAX_CLASSES && distinct < n ? labels : undefined;
  }
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    let hot = -1;
    for (let j = 0; j < cols; j++) {
      const v = values[i * cols + j];
      if (v === 1 && hot < 0) hot = j;
      else if (v !== 0) return undefined;
    }
    if (hot < 0) return undefined;
    labels.push(hot);
  }
  return labels;
}

/** Validation quota per class, proportional to its size, adding up to `total` (largest remainders). */
function quotas(sizes: number[], n: number, total: number): number[] {
  const exact = sizes.map(s => (s * total) / n);
  const q = exact.map(Math.floor);
  const order = exact.map((e, i) => [e - q[i], i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0, left = total - q.reduce((a, b) => a + b, 0); left > 0; k++, left--) q[order[k][1]]++;
  return q;
}

export function createTrainValSplit(tf: Tf, env: DataEnv) {
  const log = dataLog(env);
  /** Split (x, y) into training and validation tensors: shuffled, and stratified when y holds class labels. */
  return function trainValSplit<X extends tfTypes.Tensor, Y extends tfTypes.Tensor>(
    x: X,
    y: Y,
    options: TrainValSplitOptions = {},
  ): TrainValSplit<X, Y> {
    const fn = 'trainValSplit';
    const n = x.shape[0];
    if (n === undefined || x.rank < 1) throw new Error(`${fn}: x must have a sample dimension`);
    if (y.shape[0] !== n) throw new Error(`${fn}: x has ${n} samples but y has ${y.shape[0]}`);
    const fraction = options.fraction ?? 0.2;
    if (!(fraction > 0 && fraction < 1)) throw new Error(`${fn}: fraction must be between 0 and 1 (got ${fraction})`);
    if (n < 2) throw new Error(`${fn}: ${n} sample(s) cannot be split`);
    const nVal = Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
    const shuffle = options.shuffle ?? true;
    const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
    if (!Number.isInteger(seed)) throw new Error(`${fn}: seed must be a whole number (got ${seed})`);
    const rand = seededRandom(seed);
    const mix = (xs: number[]) => {
      if (!shuffle) return xs.sort((a, b) => a - b);
      for (let i = xs.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [xs[i], xs[j]] = [xs[j], xs[i]];
      }
      return xs;
    };

    const labels = options.stratify === false ? undefined : classLabels(y);
    if (options.stratify === true && !labels)
      throw new Error(
        `${fn}: stratify needs class labels in y (whole-number class indices or one-hot rows); pass stratify: false`,
      );
    const train: number[] = [];
    const val: number[] = [];
    if (labels) {
      const byClass = new Map<number, number[]>();
      labels.forEach((c, i) => byClass.set(c, [...(byClass.get(c) ?? []), i]));
      const groups = [...byClass.keys()].sort((a, b) => a - b).map(c => mix(byClass.get(c)!));
      const q = quotas(
        groups.map(g => g.length),
        n,
        nVal,
      );
      // unshuffled, each class's last samples validate (as validationSplit does for the whole)
      groups.forEach((g, k) => {
        train.push(...g.slice(0, g.length - q[k]));
        val.push(...g.slice(g.length - q[k]));
      });
    } else {
      const order = mix(Array.from({ length: n }, (_, i) => i));
      train.push(...order.slice(0, n - nVal));
      val.push(...order.slice(n - nVal));
    }
    mix(train);
    mix(val);
    const pick = <T extends tfTypes.Tensor>(t: T, idx: number[]) =>
      tf.tidy(() => tf.gather(t, tf.tensor1d(idx, 'int32'))) as T;
    const how = [
      labels ? `stratified over ${new Set(labels).size} classes` : 'not stratified',
      shuffle ? `shuffled (seed ${seed})` : 'not shuffled',
    ].join(', ');
    log('info', `${fn}: ${train.length} training, ${val.length} validation samples, ${how}`);
    return { xTrain: pick(x, train), yTrain: pick(y, train), xVal: pick(x, val), yVal: pick(y, val) };
  };
}
