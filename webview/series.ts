/**
 * The dashboard's data model: series of {x, y} points per chart, histogram samples, a run's timeline, chart meta
 * (titles and kinds), and the step -> epoch / seconds mapping of the x axes. Pure; dashboardState.ts fills it.
 */
import type {
  BatchEvent,
  EpochEvent,
  Finding,
  FitStartEvent,
  HistogramEvent,
  RunEndEvent,
  RunInfo,
  RunStartEvent,
  ClassMetricsEvent,
} from '../src/protocol';

export interface Point {
  x: number;
  y: number;
}

/** 'loss' | `metric:${name}` | 'lr' | 'grad-norms' | 'dead-relu' */
export type ChartId = string;

/** How a series is drawn: per-step noise, per-epoch train value, per-epoch validation value, or one layer. */
export type SeriesRole = 'batch' | 'epoch' | 'val' | 'layer';

export interface Series {
  key: string;
  name: string;
  role: SeriesRole;
  points: Point[];
}

export interface RunChart {
  id: ChartId;
  series: Series[];
  /** non-finite (null) values seen for this chart, not plotted */
  nonFinite: number;
  /** bumped on every change */
  version: number;
}

export type DisplayStatus = RunInfo['status'];

/** One histogram over time: a layer's (or variable's) gradients or activations, one sample per recorded step. */
export interface HistogramSample {
  step: number;
  edges: ArrayLike<number>;
  counts: ArrayLike<number>;
  nonFinite: number;
}
export interface HistogramSeries {
  key: string;
  /** 'custom': the job's logHistogram() series (layer: its name) */
  of: HistogramEvent['of'] | 'custom';
  layer: string;
  variable?: string;
  samples: HistogramSample[];
  nonFinite: number;
  version: number;
}

/** step -> epoch (fractional) and seconds since start, from batch events (for the epoch / relative-time x axes). */
export interface Timeline {
  step: number[];
  epoch: number[];
  seconds: number[];
}

export interface RunState {
  info: RunInfo;
  runStart?: RunStartEvent;
  fitStart?: FitStartEvent;
  lastBatch?: BatchEvent;
  lastEpoch?: EpochEvent;
  end?: RunEndEvent;
  findings: Finding[];
  charts: Map<ChartId, RunChart>;
  histograms: Map<string, HistogramSeries>;
  timeline: Timeline;
  lastSeq: number;
  events: number;
  /** per-step series by a short key (metric name): a long replay adds millions of points through these */
  targets: Map<string, Target>;
  /** per-class results at epoch ends (webview/classes.ts) */
  classMetrics: ClassMetricsEvent[];
}

export interface Target {
  chart: RunChart;
  series: Series;
}

export interface ChartMeta {
  id: ChartId;
  title: string;
  kind: 'loss' | 'metric' | 'lr' | 'momentum' | 'grad-norms' | 'grad-clip' | 'grad-ratio' | 'dead-relu' | 'memory';
}

export function chartMeta(id: ChartId): ChartMeta {
  if (id === 'loss') return { id, title: 'Loss', kind: 'loss' };
  if (id === 'lr') return { id, title: 'Learning rate', kind: 'lr' };
  if (id === 'momentum') return { id, title: 'Momentum (β1)', kind: 'momentum' };
  if (id === 'grad-norms') return { id, title: 'Gradient norm per layer', kind: 'grad-norms' };
  if (id === 'grad-clip') return { id, title: 'Global gradient norm, before / after clipping', kind: 'grad-clip' };
  if (id === 'grad-ratio') return { id, title: 'Gradient norm ratio, first / last layer', kind: 'grad-ratio' };
  if (id === 'dead-relu') return { id, title: 'Dead ReLU units per layer', kind: 'dead-relu' };
  if (id === 'memory') return { id, title: 'Live tensors (tf.memory)', kind: 'memory' };
  if (id.startsWith('custom:')) return { id, title: `Custom: ${id.slice('custom:'.length)}`, kind: 'metric' };
  const name = id.startsWith('metric:') ? id.slice('metric:'.length) : id;
  return { id, title: `Metric: ${name}`, kind: 'metric' };
}

/** Inserts keeping x sorted; appending (the normal case) is O(1). */
export function insertSorted(points: Point[], p: Point): void {
  const n = points.length;
  if (n === 0 || points[n - 1].x <= p.x) {
    points.push(p);
    return;
  }
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid].x <= p.x) lo = mid + 1;
    else hi = mid;
  }
  points.splice(lo, 0, p);
}

export type XAxisMode = 'step' | 'epoch' | 'time';
export function stepMapper(tl: Timeline, mode: XAxisMode): (step: number) => number {
  if (mode === 'step') return s => s;
  const ys = mode === 'epoch' ? tl.epoch : tl.seconds;
  const xs = tl.step;
  return step => {
    const n = xs.length;
    if (n === 0) return 0;
    if (step <= xs[0]) return ys[0];
    if (step >= xs[n - 1]) return ys[n - 1];
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (xs[mid] <= step) lo = mid;
      else hi = mid;
    }
    const f = (step - xs[lo]) / (xs[hi] - xs[lo]);
    return ys[lo] + f * (ys[hi] - ys[lo]);
  };
}

/** What the header shows: a run-end in the log is authoritative, else the host's status. */
export function displayStatus(run: RunState): DisplayStatus {
  return run.end ? run.end.status : run.info.status;
}
