/** NaN/Inf in a tensor, counted on the backend (no copy of the values). */
import type { Tf, Tensor } from '../tf/types';
import { unravel, type TensorCheck } from './dataStats';

/**
 * Tensors already scanned (tfjs tensors are immutable): a job that calls fit once per epoch on the same tensors pays
 * for the scan once.
 */
const scanned = new WeakMap<Tensor, TensorCheck>();

/** NaN/Inf among t's values; the first one's position by argMax over the non-finite mask (the first maximum). */
export async function checkNonFinite(tf: Tf, t: Tensor, name: string): Promise<TensorCheck> {
  const known = scanned.get(t);
  if (known) return { ...known, name };
  const check = await scan(tf, t, name);
  scanned.set(t, check);
  return check;
}

async function scan(tf: Tf, t: Tensor, name: string): Promise<TensorCheck> {
  const clean: TensorCheck = { name, values: t.size, nonFinite: 0, nan: 0, firstIndex: null };
  if (t.dtype !== 'float32') return clean;
  // fast path, one kernel: a sum is finite only if every value is (a sum that overflows takes the long way)
  if (Number.isFinite(await readScalar(tf.sum(t)))) return clean;
  const counts = tf.tidy(() => {
    const flat = tf.reshape(tf.cast(tf.logicalNot(tf.isFinite(t)), 'int32'), [-1]);
    return tf.stack([tf.sum(flat), tf.argMax(flat)]);
  });
  let nonFinite: number, first: number;
  try {
    [nonFinite, first] = Array.from(await counts.data());
  } finally {
    counts.dispose();
  }
  if (nonFinite === 0) return clean;
  // rare: the NaN share of them
  const nan = await readScalar(tf.tidy(() => tf.sum(tf.cast(tf.isNaN(t), 'int32'))));
  return { name, values: t.size, nonFinite, nan, firstIndex: unravel(first, t.shape as number[]) };
}

async function readScalar(t: Tensor): Promise<number> {
  try {
    return (await t.data())[0];
  } finally {
    t.dispose();
  }
}
