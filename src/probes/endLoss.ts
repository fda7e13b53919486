/**
 * The training loss at the epoch's end weights: the compiled loss over a fixed sample of the training data,
 * evaluated as tfjs evaluates the validation data (inference mode, the same test function), after every epoch of a
 * fit that validates.
 *
 * Why: the epoch's `loss` is an average over the weights of all its steps, while `val_loss` is read at its end.
 * When the last steps of an epoch leave the weights somewhere worse (a high learning rate, small batches), the
 * validation loss jumps and the averaged training loss does not, which looks like overfitting. At the same weights
 * the training loss jumps too; overfitting is the validation loss rising while this one keeps falling.
 *
 * Only `fit(x, y)` with validation data or a validation split (a dataset cannot be sampled without consuming it).
 * The sample is drawn once per fit with a fixed seed, from the rows tfjs trains on (validationSplit takes the last
 * fraction: the first rows train). Nothing here changes what fit computes: no weight is touched, no random number
 * of tfjs is drawn, and the sampled rows are copies disposed when fit ends.
 */
import type { Tf, Tensor, LayersModel } from '../tf/types';
import { seededRandom } from '../toolkit/random';
import { isTensor, rowSizeOf } from './dataTap';
import type { FitData } from './data';

export const END_LOSS_LIMITS = {
  /** training rows evaluated per epoch (about a validation set's worth: a forward pass, not a step) */
  maxSamples: 1024,
  /** values held across all inputs and targets (big images get fewer rows) */
  maxValues: 4_000_000,
  seed: 20261205,
};

/** x or y as fit takes it: one tensor or an array of them (a name -> tensor map is not sampled). */
function tensorList(x: unknown): Tensor[] | undefined {
  if (isTensor(x)) return [x];
  if (Array.isArray(x) && x.length > 0 && x.every(isTensor)) return x;
  return undefined;
}

export class EndLoss {
  private constructor(
    private readonly model: LayersModel,
    private xs: Tensor[],
    private ys: Tensor[],
    readonly samples: number,
    private readonly single: { x: boolean; y: boolean },
  ) {}

  /** The sample for this fit, or undefined when there is nothing to compare with (no validation) or to sample. */
  static start(tf: Tf, model: LayersModel, fit: FitData, limits = END_LOSS_LIMITS): EndLoss | undefined {
    if (fit.method !== 'fit') return undefined;
    const split = fit.config.validationSplit;
    const validates =
      (Array.isArray(fit.config.validationData) && fit.config.validationData.length >= 2) ||
      (split != null && split > 0 && split < 1);
    const xs = tensorList(fit.args[0]),
      ys = tensorList(fit.args[1]);
    if (!validates || !xs || !ys) return undefined;
    const n = xs[0].shape[0] ?? 0;
    if ([...xs, ...ys].some(t => t.shape[0] !== n)) return undefined; // tfjs rejects it; not ours to say
    const trainRows = fit.config.validationData ? n : Math.floor(n * (1 - (split ?? 0)));
    const rowValues = [...xs, ...ys].reduce((a, t) => a + Math.max(1, rowSizeOf(t)), 0);
    const m = Math.min(trainRows, limits.maxSamples, Math.floor(limits.maxValues / rowValues));
    if (m < 1) return undefined;
    const rows = sampleRows(trainRows, m, limits.seed);
    const at = tf.tensor1d(rows, 'int32');
    try {
      const take = (t: Tensor) => tf.gather(t, at);
      return new EndLoss(model, xs.map(take), ys.map(take), m, {
        x: isTensor(fit.args[0]),
        y: isTensor(fit.args[1]),
      });
    } finally {
      at.dispose();
    }
  }

  /** The loss at the current weights over the sample (null when not finite or not readable). */
  async measure(): Promise<number | null> {
    const out = this.model.evaluate(this.single.x ? this.xs[0] : this.xs, this.single.y ? this.ys[0] : this.ys, {
      batchSize: 256,
    });
    const all = Array.isArray(out) ? out : [out];
    try {
      const v = (await all[0].data())[0];
      return Number.isFinite(v) ? v : null;
    } finally {
      for (const t of all) t.dispose();
    }
  }

  dispose(): void {
    for (const t of [...this.xs, ...this.ys]) t.dispose();
    this.xs = [];
    this.ys = [];
  }
}

/**
 * m distinct row indices of [0, n), in order, drawn with a fixed seed (Floyd's sampling: O(m) whatever n; a stride
 * could follow a periodic order of the rows, such as classes in turn).
 */
export function sampleRows(n: number, m: number, seed: number): number[] {
  const rand = seededRandom(seed);
  const picked = new Set<number>();
  for (let j = n - m; j < n; j++) {
    const t = Math.floor(rand() * (j + 1));
    picked.add(picked.has(t) ? j : t);
  }
  return [...picked].sort((a, b) => a - b);
}
