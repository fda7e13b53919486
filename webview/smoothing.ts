/**
 * TensorBoard's scalar smoothing (tensorboard/components/vz_line_chart2, `resmoothDataset`): a debiased
 * exponential moving average. last = last * w + (1 - w) * x; smoothed = last / (1 - w^n), n = finite values so far.
 * Non-finite values pass through unsmoothed; a constant series is returned as is. Pure (unit-tested under Node).
 */
import type { Point } from './store';

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
 * Both classes below fill `out` by index assignment, never push/splice: chart.js hooks those methods of the arrays
 * it is given and would build chart elements point by point (seconds for a long replay).
 */
export class SmoothedSeries {
  readonly out: Point[] = [];
  private n = 0;
  private lastX = NaN;
  private last = 0;
  private count = 0;
  private pow = 1;

  constructor(private weight: number, private x: (step: number) => number = s => s) {}

  /** Changes the weight or x mapping; the next `sync` recomputes. */
  configure(weight: number, x: (step: number) => number): void {
    this.weight = weight;
    this.x = x;
    this.restart();
  }

  private restart(): void {
    this.out.length = 0;
    this.n = 0;
    this.lastX = NaN;
    this.last = 0;
    this.count = 0;
    this.pow = 1;
  }

  /** Brings `out` up to date with `src`; returns true when anything changed. */
  sync(src: readonly Point[]): boolean {
    if (this.n > src.length || (this.n > 0 && src[this.n - 1].x !== this.lastX)) this.restart();
    if (this.n === src.length) return false;
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
      this.out[this.out.length] = { x: this.x(p.x), y };
    }
    this.n = src.length;
    this.lastX = src[this.n - 1].x;
    return true;
  }
}

/**
 * Incremental min-max decimation (level of detail) of a growing x-sorted point array: points go into buckets of B
 * consecutive points; each bucket contributes its minimum and maximum (in x order), so every extreme stays drawn,
 * and the last bucket also its latest point. B doubles (pairs of buckets merge) when there are more than
 * 2 x `target` buckets, so the output stays between `target` and 4 x `target` points and an append costs O(1).
 */
export class MinMaxLod {
  readonly out: Point[] = [];
  private bucket = 1;
  private mins: Point[] = [];
  private maxs: Point[] = [];
  /** points in the last bucket */
  private fill = 0;
  private lastOut = 0;
  private n = 0;
  private lastRef: Point | undefined;

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

  /** Brings `out` up to date with `src`; returns true when anything changed. */
  sync(src: readonly Point[]): boolean {
    if (this.n > src.length || (this.n > 0 && src[this.n - 1] !== this.lastRef)) this.restart();
    if (this.n === src.length) return false;
    for (let i = this.n; i < src.length; i++) this.push(src[i]);
    this.n = src.length;
    this.lastRef = src[this.n - 1];
    while (this.mins.length > 2 * this.target) this.merge();
    this.emitLast(src[this.n - 1]);
    return true;
  }

  private push(p: Point): void {
    const k = this.mins.length;
    if (k === 0 || this.fill >= this.bucket) {
      // close the previous bucket's output (min/max only)
      if (k > 0) this.emitClosed(k - 1);
      this.mins.push(p);
      this.maxs.push(p);
      this.fill = 1;
      this.lastOut = 0;
      return;
    }
    if (p.y < this.mins[k - 1].y) this.mins[k - 1] = p;
    if (p.y > this.maxs[k - 1].y) this.maxs[k - 1] = p;
    this.fill++;
  }

  private pair(i: number): Point[] {
    const a = this.mins[i];
    const b = this.maxs[i];
    return a === b ? [a] : a.x <= b.x ? [a, b] : [b, a];
  }

  private emitClosed(i: number): void {
    this.out.length -= this.lastOut;
    this.lastOut = 0;
    for (const p of this.pair(i)) this.out[this.out.length] = p;
  }

  private emitLast(last: Point): void {
    this.out.length -= this.lastOut;
    const pts = this.pair(this.mins.length - 1);
    if (pts[pts.length - 1] !== last) pts.push(last);
    for (const p of pts) this.out[this.out.length] = p;
    this.lastOut = pts.length;
  }

  private merge(): void {
    const k = this.mins.length;
    const mins: Point[] = [];
    const maxs: Point[] = [];
    for (let i = 0; i < k; i += 2) {
      if (i + 1 < k) {
        mins.push(this.mins[i].y <= this.mins[i + 1].y ? this.mins[i] : this.mins[i + 1]);
        maxs.push(this.maxs[i].y >= this.maxs[i + 1].y ? this.maxs[i] : this.maxs[i + 1]);
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
    for (let b = 0; b < this.mins.length - 1; b++) for (const p of this.pair(b)) this.out[this.out.length] = p;
    this.lastOut = 0;
  }
}
