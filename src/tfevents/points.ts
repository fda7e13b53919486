/**
 * The points one poll read from one run part, held in columns until they are taken in step order. A long run's
 * event file has a scalar point per tag and step (600,000 in 100k steps × 6 tags): held as objects until the poll
 * sorts them, each one and its tag string outlived the young generation and was copied by every garbage collection.
 * Here a scalar is three numbers (tag index, step, value) in reused typed arrays; tags are interned once per run;
 * histograms (few and large) stay objects.
 */

/** one histogram summary of one event */
export interface HistogramPoint {
  type: 'histogram';
  tag: string;
  step: number;
  wallTime: number;
  /** bins + 1 edges */
  edges: number[];
  counts: number[];
}

export class PointColumns {
  /** the run's tags, by index (shared by its parts) */
  readonly tags: string[] = [];
  private readonly tagIndex = new Map<string, number>();
  /** points held */
  length = 0;
  /** tag index of a scalar; -1 - i for histogram `histograms[i]` */
  private tag = new Int32Array(1024);
  private step = new Float64Array(1024);
  private value = new Float64Array(1024);
  private histograms: HistogramPoint[] = [];

  /** Empties the columns for the next part or poll (their memory is kept). */
  clear(): void {
    this.length = 0;
    this.histograms = [];
  }

  /** The tag's index: the same string object for every point of a tag, however many times the file repeats it. */
  tagOf(tag: string): number {
    let i = this.tagIndex.get(tag);
    if (i === undefined) {
      this.tagIndex.set(tag, (i = this.tags.length));
      this.tags.push(tag);
    }
    return i;
  }

  /** A scalar point; its step is set by `setStep` once the record is read. */
  pushScalar(tag: string, value: number): void {
    this.grow();
    this.tag[this.length] = this.tagOf(tag);
    this.value[this.length++] = value;
  }

  pushHistogram(h: HistogramPoint): void {
    this.grow();
    this.tag[this.length++] = -1 - this.histograms.length;
    this.histograms.push(h);
  }

  /** Gives points `from`… (one record's) their record's step and wall time. */
  setStep(from: number, step: number, wallTime: number): void {
    for (let i = from; i < this.length; i++) {
      this.step[i] = step;
      const t = this.tag[i];
      if (t < 0) {
        this.histograms[-1 - t].step = step;
        this.histograms[-1 - t].wallTime = wallTime;
      }
    }
  }

  /** Drops points `from`… (a record that turned out undecodable). */
  truncate(from: number): void {
    for (let i = from; i < this.length; i++)
      if (this.tag[i] < 0) {
        this.histograms.length = -1 - this.tag[i];
        break;
      }
    this.length = Math.min(this.length, from);
  }

  /**
   * Visits the points by step; points of one step keep the order they were read in (files of one run part interleave
   * by step: TensorBoard orders them by name, which is their start time).
   */
  forEachByStep(scalar: (tag: number, step: number, value: number) => void, histogram: (h: HistogramPoint) => void) {
    const n = this.length;
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) sorted = this.step[i] >= this.step[i - 1];
    let order: Uint32Array | undefined;
    if (!sorted) {
      const step = this.step;
      order = new Uint32Array(n).map((_, i) => i);
      order.sort((a, b) => step[a] - step[b] || a - b);
    }
    for (let k = 0; k < n; k++) {
      const i = order ? order[k] : k;
      const t = this.tag[i];
      if (t >= 0) scalar(t, this.step[i], this.value[i]);
      else histogram(this.histograms[-1 - t]);
    }
  }

  private grow(): void {
    if (this.length < this.tag.length) return;
    const size = this.tag.length * 2;
    const tag = new Int32Array(size);
    const step = new Float64Array(size);
    const value = new Float64Array(size);
    tag.set(this.tag);
    step.set(this.step);
    value.set(this.value);
    this.tag = tag;
    this.step = step;
    this.value = value;
  }
}
