/**
 * What the data probe measured of a fit's tensors, kept per model for its next fit on the same ones. tfjs tensors are
 * immutable, so a job that calls fit in a loop (one epoch per call, a common tfjs pattern) on the same x and y gets
 * the same data check without its data being scanned and read back again at every call.
 */
import type { Tensor } from '../tf/types';

export interface FitDataKey {
  /** x, y, validation x, validation y, in that order */
  lists: Tensor[][];
  /** validationSplit, when fit splits */
  split: number | undefined;
  /** the compiled loss function (the self-test measures it) */
  loss: unknown;
  /** the probe's limits (they decide what is read) */
  limits: unknown;
}

const memo = new WeakMap<object, { key: FitDataKey; value: unknown }>();

function same(a: FitDataKey, b: FitDataKey): boolean {
  return (
    a.split === b.split &&
    a.loss === b.loss &&
    a.limits === b.limits &&
    a.lists.length === b.lists.length &&
    a.lists.every(
      (list, i) => list.length === b.lists[i].length && list.every((t, j) => t === b.lists[i][j] && !t.isDisposed),
    )
  );
}

/** What was measured for `model` on these very tensors, if that was its last measurement. */
export function recallMeasured<T>(model: object, key: FitDataKey): T | undefined {
  const m = memo.get(model);
  return m && same(m.key, key) ? (structuredClone(m.value) as T) : undefined;
}

export function rememberMeasured<T>(model: object, key: FitDataKey, value: T): void {
  memo.set(model, { key, value: structuredClone(value) });
}
