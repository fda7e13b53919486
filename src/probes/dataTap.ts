/**
 * Reads a tf.data Dataset's batches as fitDataset itself pulls them: `dataset.iterator()` is wrapped so that each
 * batch tfjs takes is copied (read back) before tfjs trains on it. Nothing extra is pulled: no second pass over a
 * generator, no extra iterator (whose creation would draw a new shuffle seed). Collection stops after `maxRows`
 * samples or at the end of the first pass; `complete` says whether that pass was read whole.
 */
import type { Tensor } from '../tf/types';

export const isTensor = (x: unknown): x is Tensor =>
  typeof x === 'object' && x !== null && 'shape' in x && 'dtype' in x && typeof (x as Tensor).data === 'function';

/** The tensors of fit's x or y (a tensor, an array of them, or a name -> tensor map), in order. */
export function tensorsOf(x: unknown): Tensor[] {
  if (isTensor(x)) return [x];
  if (Array.isArray(x)) return x.filter(isTensor);
  if (x && typeof x === 'object') return Object.values(x as object).filter(isTensor);
  return [];
}

export const rowSizeOf = (t: Tensor) => t.shape.slice(1).reduce((a: number, b) => a * b, 1);

export interface Rows {
  values: Float32Array;
  rowShape: number[];
  rows: number;
}

interface IteratorLike {
  next(): Promise<{ value: unknown; done: boolean }>;
}
interface DatasetLike {
  iterator(): Promise<IteratorLike>;
}

const asFloat = (v: ArrayLike<number>) => (v instanceof Float32Array ? v : Float32Array.from(v));

function join(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export class DatasetTap {
  private readonly xs: Float32Array[] = [];
  private readonly ys: Float32Array[] = [];
  private xShape: number[] = [];
  private yShape: number[] = [];
  rows = 0;
  batches = 0;
  /** the first pass ended within the limit: every sample of it was read */
  complete = false;
  private done = false;
  private readonly restore: () => void;

  private constructor(
    ds: DatasetLike,
    private readonly maxRows: number,
    private readonly onBatch: (tap: DatasetTap) => Promise<void> | void,
  ) {
    const hadOwn = Object.prototype.hasOwnProperty.call(ds, 'iterator');
    const original = ds.iterator;
    const tap = this; // the patched iterator's own `this` is the dataset
    ds.iterator = async function (this: DatasetLike) {
      const it = await original.call(this);
      if (!tap.done) tap.wrap(it);
      return it;
    };
    this.restore = () => {
      if (hadOwn) ds.iterator = original;
      else delete (ds as { iterator?: unknown }).iterator;
    };
  }

  /** Taps `ds` when it is a Dataset (has iterator()); `onBatch` runs after each batch read, before tfjs uses it. */
  static install(
    ds: unknown,
    maxRows: number,
    onBatch: (tap: DatasetTap) => Promise<void> | void = () => undefined,
  ): DatasetTap | undefined {
    if (!ds || typeof (ds as DatasetLike).iterator !== 'function') return undefined;
    return new DatasetTap(ds as DatasetLike, maxRows, onBatch);
  }

  private wrap(it: IteratorLike): void {
    const next = it.next.bind(it);
    it.next = async () => {
      const r = await next();
      if (this.done) return r;
      if (r.done) {
        this.complete = true;
        this.done = true;
      } else if (r.value != null) {
        await this.collect(r.value);
        await this.onBatch(this);
      }
      return r;
    };
  }

  private async collect(value: unknown): Promise<void> {
    const v = value as { xs?: unknown; ys?: unknown } | unknown[];
    const x = tensorsOf(Array.isArray(v) ? v[0] : v.xs)[0],
      y = tensorsOf(Array.isArray(v) ? v[1] : v.ys)[0];
    if (!x) {
      this.done = true;
      return;
    }
    this.xShape = x.shape.slice(1) as number[];
    this.xs.push(asFloat((await x.data()) as ArrayLike<number>));
    if (y) {
      this.yShape = y.shape.slice(1) as number[];
      this.ys.push(asFloat((await y.data()) as ArrayLike<number>));
    }
    this.rows += x.shape[0] ?? 0;
    this.batches++;
    if (this.rows >= this.maxRows) this.done = true;
  }

  get x(): Rows {
    return { values: join(this.xs), rowShape: this.xShape, rows: this.rows };
  }
  get y(): Rows | undefined {
    return this.ys.length ? { values: join(this.ys), rowShape: this.yShape, rows: this.rows } : undefined;
  }

  /** stops collecting (tfjs keeps using the iterator it has) */
  stop(): void {
    this.done = true;
  }

  uninstall(): void {
    this.done = true;
    this.restore();
  }
}
