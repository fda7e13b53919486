/**
 * TensorBoard's scalar smoothing (tensorboard/components/vz_line_chart2, `resmoothDataset`): a debiased
 * exponential moving average. last = last * w + (1 - w) * x; smoothed = last / (1 - w^n), n = finite values so far.
 * Non-finite values pass through unsmoothed; a constant series is returned as is. Pure (unit-tested under Node).
 */
import type { Point } from './dashboardState';

export const SMOOTHING_MAX = 0.999;
export const SMOOTHING_DEFAULT = 0.6;

export function clampWeight(w: number): number {
  return Number.isFinite(w) ? Math.min(SMOOTHING_MAX, Math.max(0, w)) : SMOOTHING_DEFAULT;
}

/** Exactly TensorBoard's formula over plain values. */
export function smoothValues(values: readonly number[], weight: number): number[] {
  const w = clampWeight(weight);
  const isConstant = values.every(v => v === values[0]);
  let last = values.length > 0 ? 0 : NaN;
  let numAccum = 0;
  return values.map(v => {
    if (isConstant || !Number.isFinite(v)) return v;
    last = last * w + (1 - w) * v;
    numAccum++;
    const debiasWeight = w === 1 ? 1 : 1 - Math.pow(w, numAccum);
    return last / debiasWeight;
  });
}

/**
 * Incremental smoothing of a growing, x-sorted point array (the store's series): appends only process new points;
 * an insert before the processed end (rare: out-of-order events) recomputes from scratch.
 * `x` maps a point's x (the step) to the x shown (step, epoch or seconds).
 */
/*
 * `out` arrays below are filled by index assignment, never push/splice: chart.js hooks those methods of the arrays
 * it is given and would build chart elements point by point (seconds for a long replay).
 */
/** generations of every SmoothedSeries come from one counter (never -1: MinMaxLod's mark for raw points) */
let nextGeneration = 0;

export class SmoothedSeries {
  /** derived x and y, `length` of them (typed arrays: a 100k-step replay creates no point objects here) */
  xs = new Float64Array(0);
  ys = new Float64Array(0);
  length = 0;
  /**
   * changes when the data restarts (a consumer, e.g. MinMaxLod, must start over); unique across instances, so a
   * consumer handed a new series (the smoothing weight or x axis changed) starts over even at the same length
   */
  generation = nextGeneration++;
  private points: Point[] = [];
  private n = 0;
  private lastX = NaN;
  private last = 0;
  private count = 0;
  private pow = 1;

  constructor(
    private weight: number,
    private x: (step: number) => number = s => s,
  ) {}

  /** Changes the weight or x mapping; the next `sync` recomputes. */
  configure(weight: number, x: (step: number) => number): void {
    this.weight = weight;
    this.x = x;
    this.restart();
  }

  private restart(): void {
    this.length = 0;
    this.points.length = 0;
    this.generation = nextGeneration++;
    this.n = 0;
    this.lastX = NaN;
    this.last = 0;
    this.count = 0;
    this.pow = 1;
  }

  /** The derived points as objects (built on demand: chart.js draws them when zoomed in). */
  get out(): Point[] {
    const pts = this.points;
    for (let i = pts.length; i < this.length; i++) pts[pts.length] = { x: this.xs[i], y: this.ys[i] };
    return pts;
  }

  /** The latest derived y (undefined when empty). */
  lastY(): number | undefined {
    return this.length ? this.ys[this.length - 1] : undefined;
  }

  /** Brings the derived data up to date with `src`; returns true when anything changed. */
  sync(src: readonly Point[]): boolean {
    if (this.n > src.length || (this.n > 0 && src[this.n - 1].x !== this.lastX)) this.restart();
    if (this.n === src.length) return false;
    if (src.length > this.xs.length) {
      const cap = Math.max(1024, src.length * 2);
      const xs = new Float64Array(cap);
      const ys = new Float64Array(cap);
      xs.set(this.xs.subarray(0, this.length));
      ys.set(this.ys.subarray(0, this.length));
      this.xs = xs;
      this.ys = ys;
    }
    const w = clampWeight(this.weight);
    for (let i = this.n; i < src.length; i++) {
      const p = src[i];
      let y = p.y;
      if (w > 0 && Number.isFinite(y)) {
        this.last = this.last * w + (1 - w) * y;
        this.count++;
        this.pow *= w;
        y = this.last / (1 - this.pow);
      }
      this.xs[this.length] = this.x(p.x);
      this.ys[this.length] = y;
      this.length++;
    }
    this.n = src.length;
    this.lastX = src[this.n - 1].x;
    return true;
  }
}

/**
 * Incremental min-max decimation (level of detail) of a growing x-sorted series: points go into buckets of B
 * consecutive points; each bucket contributes its minimum and maximum (in x order), so every extreme stays drawn,
 * and the last bucket also its latest point. B doubles (pairs of buckets merge) when there are more than
 * 2 x `target` buckets, so the output stays between `target` and 4 x `target` points and an append costs O(1).
 * Buckets hold indices; only the points emitted are objects (the source's own, or built from typed arrays).
 */
export class MinMaxLod {
  readonly out: Point[] = [];
  private bucket = 1;
  private mins: number[] = [];
  private maxs: number[] = [];
  /** points in the last bucket */
  private fill = 0;
  private lastOut = 0;
  private n = 0;
  private lastRef: Point | undefined;
  private generation = -1;
  private point: (i: number) => Point = () => ({ x: 0, y: 0 });

  constructor(private readonly target = 300) {}

  private restart(): void {
    this.out.length = 0;
    this.bucket = 1;
    this.mins = [];
    this.maxs = [];
    this.fill = 0;
    this.lastOut = 0;
    this.n = 0;
    this.lastRef = undefined;
  }

  /** Brings `out` up to date with `src` (its own point objects are emitted); returns true when anything changed. */
  sync(src: readonly Point[]): boolean {
    if (this.generation !== -1 || this.n > src.length || (this.n > 0 && src[this.n - 1] !== this.lastRef))
      this.restart();
    this.generation = -1;
    if (this.n === src.length) return false;
    this.lastRef = src[src.length - 1];
    return this.run(
      src.length,
      i => src[i].y,
      i => src[i],
    );
  }

  /** The same over a SmoothedSeries' typed arrays (point objects only for what is emitted). */
  syncSeries(src: SmoothedSeries): boolean {
    if (this.generation !== src.generation || this.n > src.length) this.restart();
    this.generation = src.generation;
    if (this.n === src.length) return false;
    const { xs, ys } = src;
    return this.run(
      src.length,
      i => ys[i],
      i => ({ x: xs[i], y: ys[i] }),
    );
  }

  private yOf: (i: number) => number = () => 0;

  private run(length: number, y: (i: number) => number, point: (i: number) => Point): boolean {
    this.yOf = y;
    this.point = point;
    for (let i = this.n; i < length; i++) {
      this.push(i);
      // merging as buckets fill keeps a long replay's sync O(n) (not O(n) buckets emitted, then merged log n times)
      if (this.mins.length > 2 * this.target) this.merge();
    }
    this.n = length;
    this.emitLast(length - 1);
    return true;
  }

  private push(i: number): void {
    const k = this.mins.length;
    if (k === 0 || this.fill >= this.bucket) {
      // close the previous bucket's output (min/max only)
      if (k > 0) this.emitClosed(k - 1);
      this.mins.push(i);
      this.maxs.push(i);
      this.fill = 1;
      this.lastOut = 0;
      return;
    }
    const v = this.yOf(i);
    if (v < this.yOf(this.mins[k - 1])) this.mins[k - 1] = i;
    if (v > this.yOf(this.maxs[k - 1])) this.maxs[k - 1] = i;
    this.fill++;
  }

  /** bucket b's extremes as source indices, in x order */
  private pair(b: number): number[] {
    const a = this.mins[b];
    const c = this.maxs[b];
    return a === c ? [a] : a <= c ? [a, c] : [c, a];
  }

  private emitClosed(b: number): void {
    this.out.length -= this.lastOut;
    this.lastOut = 0;
    for (const i of this.pair(b)) this.out[this.out.length] = this.point(i);
  }

  private emitLast(last: number): void {
    this.out.length -= this.lastOut;
    const idx = this.pair(this.mins.length - 1);
    if (idx[idx.length - 1] !== last) idx.push(last);
    for (const i of idx) this.out[this.out.length] = this.point(i);
    this.lastOut = idx.length;
  }

  private merge(): void {
    const k = this.mins.length;
    const mins: number[] = [];
    const maxs: number[] = [];
    const y = this.yOf;
    for (let i = 0; i < k; i += 2) {
      if (i + 1 < k) {
        mins.push(y(this.mins[i]) <= y(this.mins[i + 1]) ? this.mins[i] : this.mins[i + 1]);
        maxs.push(y(this.maxs[i]) >= y(this.maxs[i + 1]) ? this.maxs[i] : this.maxs[i + 1]);
      } else {
        mins.push(this.mins[i]);
        maxs.push(this.maxs[i]);
      }
    }
    // every bucket but the last is full; the new last one holds the old last (and a full one before it if k is even)
    this.fill = k % 2 === 0 ? this.bucket + this.fill : this.fill;
    this.bucket *= 2;
    this.mins = mins;
    this.maxs = maxs;
    this.out.length = 0;
    for (let b = 0; b < this.mins.length - 1; b++)
      for (const i of this.pair(b)) this.out[this.out.length] = this.point(i);
    this.lastOut = 0;
  }
}
