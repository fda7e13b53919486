/** Rows read back from a tensor (flat values, one sample per row), and the slices the data probe takes of them. */
import type { Rows } from './dataTap';

/** One side of the split: its input rows and target rows (views into what was read). */
export interface Side {
  x?: Rows;
  y?: Rows;
}

export const rowsOf = (values: Float32Array, t: { shape: readonly (number | null)[] }): Rows => {
  const rowShape = t.shape.slice(1) as number[];
  return { values, rowShape, rows: Math.floor(values.length / rowSize({ rowShape })) };
};

export const rowSize = (r: Pick<Rows, 'rowShape'>) =>
  Math.max(
    1,
    r.rowShape.reduce((a, b) => a * b, 1),
  );

export function slice(r: Rows, from: number, to: number): Rows {
  const size = rowSize(r);
  const a = Math.min(from, r.rows),
    b = Math.min(to, r.rows);
  return { values: r.values.subarray(a * size, b * size), rowShape: r.rowShape, rows: b - a };
}

export function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
