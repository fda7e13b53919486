/**
 * Pure accumulation of run events into chart series (no DOM, no chart.js): unit-testable under Node.
 * Each chart's series keep `{x, y}` points sorted by x (what chart.js's decimation needs with `parsing: false`).
 */
import { addFinding, foldExplained } from '../src/protocol';
import type {
  BatchEvent,
  DeadUnitsEvent,
  EpochEvent,
  GradNormsEvent,
  HistogramEvent,
  RunEvent,
  RunInfo,
  RunStartEvent,
} from '../src/protocol';
import {
  batchAt,
  forEachHistoryRow,
  nullableValue,
  type BatchColumns,
  type HistoryChunk,
} from '../src/protocol/history';
import {
  insertSorted,
  type ChartId,
  type HistogramSample,
  type RunChart,
  type RunState,
  type Series,
  type SeriesRole,
} from './series';
import { customChartId, isCustomChart, orderCharts, type CustomOr } from './custom-series';

export * from './series';

export class DashboardStore {
  readonly runs = new Map<string, RunState>();
  /** metric chart ids in first-seen order (across runs) */
  private metricOrder: ChartId[] = [];
  /** bumped whenever the run list or header data change */
  version = 0;
  /** bumped when the set of runs changes (charts must be rebuilt) */
  generation = 0;

  reset(runs: RunInfo[]): void {
    this.runs.clear();
    this.metricOrder = [];
    for (const info of runs) this.runs.set(info.runId, newRun(info));
    this.version++;
    this.generation++;
  }

  setRunInfo(info: RunInfo): void {
    const run = this.runs.get(info.runId);
    if (run) run.info = info;
    else {
      this.runs.set(info.runId, newRun(info));
      this.generation++;
    }
    this.version++;
  }

  /** The run the header describes: the first of the list. */
  primary(): RunState | undefined {
    return this.runs.values().next().value;
  }

  runIndex(runId: string): number {
    let i = 0;
    for (const id of this.runs.keys()) {
      if (id === runId) return i;
      i++;
    }
    return -1;
  }

  /** Appends events (in seq order); events at or below the last seen seq are duplicates and are skipped. */
  appendEvents(runId: string, events: readonly RunEvent[]): { accepted: number; skipped: number } {
    const run = this.runFor(
      runId,
      events.find((e): e is RunStartEvent => e.kind === 'run-start'),
    );
    const counts = { accepted: 0, skipped: 0 };
    for (const e of events) this.accept(run, e, counts);
    if (counts.accepted) this.version++;
    return counts;
  }

  /** The same for a replayed history in columns (no event objects for the per-step kinds' arrays). */
  appendHistory(runId: string, history: HistoryChunk): { accepted: number; skipped: number } {
    const run = this.runFor(
      runId,
      history.events.find((e): e is RunStartEvent => e.kind === 'run-start'),
    );
    const counts = { accepted: 0, skipped: 0 };
    let lastBatch = -1;
    forEachHistoryRow(
      history,
      runId,
      (c, i) => {
        const seq = c.seq[i];
        if (seq <= run.lastSeq) {
          counts.skipped++;
          return;
        }
        run.lastSeq = seq;
        run.events++;
        counts.accepted++;
        lastBatch = i;
        this.batchRow(run, c, i);
      },
      e => this.accept(run, e, counts),
    );
    // the header's latest batch, as an event (only the last row becomes one)
    if (lastBatch >= 0 && history.batch && (!run.lastBatch || run.lastBatch.seq <= history.batch.seq[lastBatch]))
      run.lastBatch = batchAt(history.batch, lastBatch, runId);
    if (counts.accepted) this.version++;
    return counts;
  }

  private runFor(runId: string, first: RunStartEvent | undefined): RunState {
    let run = this.runs.get(runId);
    if (!run) {
      run = newRun({
        runId,
        jobFile: first?.jobFile ?? '',
        label: runId,
        startedAt: first?.startedAt ?? '',
        status: 'running',
      });
      this.runs.set(runId, run);
      this.generation++;
    }
    return run;
  }

  private accept(run: RunState, e: RunEvent, counts: { accepted: number; skipped: number }): void {
    if (e.runId !== run.info.runId || e.seq <= run.lastSeq) {
      counts.skipped++;
      return;
    }
    run.lastSeq = e.seq;
    run.events++;
    counts.accepted++;
    this.apply(run, e);
  }

  /** Chart ids with data in any run, in display order. */
  chartIds(): ChartId[] {
    const present = new Set<ChartId>();
    for (const run of this.runs.values()) for (const id of run.charts.keys()) present.add(id);
    return orderCharts(this.metricOrder).filter(id => present.has(id));
  }

  hasData(): boolean {
    for (const run of this.runs.values()) if (run.charts.size > 0) return true;
    return false;
  }

  private chart(run: RunState, id: ChartId): RunChart {
    let c = run.charts.get(id);
    if (!c) {
      c = { id, series: [], nonFinite: 0, version: 0 };
      run.charts.set(id, c);
      if ((id.startsWith('metric:') || isCustomChart(id)) && !this.metricOrder.includes(id)) this.metricOrder.push(id);
    }
    return c;
  }

  private series(chart: RunChart, key: string, name: string, role: SeriesRole): Series {
    let s = chart.series.find(x => x.key === key);
    if (!s) {
      s = { key, name, role, points: [] };
      chart.series.push(s);
      chart.version++;
    }
    return s;
  }

  /** Adds a value (null = non-finite: counted, not plotted). */
  private add(
    run: RunState,
    chartId: ChartId,
    key: string,
    name: string,
    role: SeriesRole,
    x: number,
    y: number | null,
    positiveOnly = false,
  ): void {
    const chart = this.chart(run, chartId);
    this.addTo(chart, this.series(chart, key, name, role), x, y, positiveOnly);
  }

  /** `add` for a series found by a short cache key (built only the first time). */
  private addCached(
    run: RunState,
    cacheKey: string,
    make: () => [ChartId, string, string, SeriesRole],
    x: number,
    y: number | null,
  ): void {
    let t = run.targets.get(cacheKey);
    if (!t) {
      const [chartId, key, name, role] = make();
      const chart = this.chart(run, chartId);
      run.targets.set(cacheKey, (t = { chart, series: this.series(chart, key, name, role) }));
    }
    this.addTo(t.chart, t.series, x, y, false);
  }

  private addTo(chart: RunChart, s: Series, x: number, y: number | null, positiveOnly: boolean): void {
    if (y === null || !Number.isFinite(y)) {
      chart.nonFinite++;
      chart.version++;
      return;
    }
    if (positiveOnly && y <= 0) return;
    const pts = s.points;
    if (pts.length === 0 || pts[pts.length - 1].x <= x) pts.push({ x, y });
    else insertSorted(pts, { x, y });
    chart.version++;
  }

  private apply(run: RunState, e: RunEvent): void {
    switch (e.kind) {
      case 'run-start':
        run.runStart = e;
        if (!run.info.jobFile) run.info = { ...run.info, jobFile: e.jobFile };
        break;
      case 'fit-start':
        run.fitStart = e;
        break;
      case 'batch':
        this.onBatch(run, e);
        break;
      case 'epoch':
        this.onEpoch(run, e);
        break;
      case 'grad-norms':
        this.onGradNorms(run, e);
        break;
      case 'dead-units':
        this.onDeadUnits(run, e);
        break;
      case 'finding':
        addFinding(run.findings, e.finding);
        break;
      case 'explained':
        foldExplained(run.findings, e);
        break;
      case 'run-end':
        run.end = e;
        break;
      case 'histogram':
        this.onHistogram(run, e);
        break;
      case 'class-metrics':
        run.classMetrics.push(e);
        break;
      case 'custom-scalar':
        this.add(run, customChartId(e.name), 'custom', e.name, 'batch', e.step, e.value);
        break;
      case 'custom-histogram':
        this.onHistogram(run, { ...e, of: 'custom', layer: e.name, variable: undefined });
        break;
      case 'memory':
        this.add(run, 'memory', 'tensors', 'tensors', 'batch', e.step, e.tensors);
        break;
    }
  }

  private onHistogram(run: RunState, e: CustomOr<HistogramEvent>): void {
    const key = `${e.of}:${e.layer}${e.variable ? `/${e.variable}` : ''}`;
    let h = run.histograms.get(key);
    if (!h)
      run.histograms.set(
        key,
        (h = { key, of: e.of, layer: e.layer, variable: e.variable, samples: [], nonFinite: 0, version: 0 }),
      );
    const sample: HistogramSample = { step: e.step, edges: e.edges, counts: e.counts, nonFinite: e.nonFinite };
    const n = h.samples.length;
    if (n === 0 || h.samples[n - 1].step <= e.step) h.samples.push(sample);
    else {
      let i = n;
      while (i > 0 && h.samples[i - 1].step > e.step) i--;
      h.samples.splice(i, 0, sample);
    }
    h.nonFinite += e.nonFinite;
    h.version++;
  }

  private onBatch(run: RunState, e: BatchEvent): void {
    run.lastBatch = e;
    this.batchStep(run, e.step, e.epoch, e.batch, e.t, e.loss, e.lr, e.momentum);
    for (const name in e.metrics) this.batchMetric(run, name, e.step, e.metrics[name]);
  }

  /** A replayed batch row, read from its columns (what `onBatch` does, without building the event). */
  private batchRow(run: RunState, c: BatchColumns, i: number): void {
    const step = c.step[i];
    this.batchStep(
      run,
      step,
      c.epoch[i],
      c.batch[i],
      c.t[i],
      nullableValue(c.loss, i) ?? null,
      nullableValue(c.lr, i) ?? null,
      nullableValue(c.momentum, i),
    );
    const m = c.metrics;
    const k = m.names.length;
    for (let j = 0; j < k; j++) {
      const s = m.s[i * k + j];
      if (s !== 0) this.batchMetric(run, m.names[j], step, s === 2 ? null : m.v[i * k + j]);
    }
  }

  private batchStep(
    run: RunState,
    step: number,
    epoch: number,
    batch: number,
    t: number,
    loss: number | null,
    lr: number | null,
    momentum: number | null | undefined,
  ): void {
    const tl = run.timeline;
    const spe = run.fitStart?.stepsPerEpoch ?? null;
    if (tl.step.length === 0 || tl.step[tl.step.length - 1] < step) {
      tl.step.push(step);
      tl.epoch.push(spe ? epoch + batch / spe : epoch);
      tl.seconds.push(t / 1000);
    }
    this.addCached(run, '\u0000loss', () => ['loss', 'batch:loss', 'loss (batch)', 'batch'], step, loss);
    if (lr !== null && Number.isFinite(lr))
      this.addCached(run, '\u0000lr', () => ['lr', 'lr', 'learning rate', 'batch'], step, lr);
    // set only when a schedule moves it (1cycle): beside the learning rate it explains
    if (typeof momentum === 'number' && Number.isFinite(momentum)) {
      this.addCached(run, '\u0000momentum', () => ['momentum', 'momentum', 'momentum', 'batch'], step, momentum);
    }
  }

  private batchMetric(run: RunState, name: string, step: number, v: number | null): void {
    this.addCached(run, name, () => [`metric:${name}`, `batch:${name}`, `${name} (batch)`, 'batch'], step, v);
  }

  private onEpoch(run: RunState, e: EpochEvent): void {
    run.lastEpoch = e;
    for (const [key, v] of Object.entries(e.logs)) {
      const val = key.startsWith('val_');
      const base = val ? key.slice(4) : key;
      const chartId = base === 'loss' ? 'loss' : `metric:${base}`;
      this.add(run, chartId, `epoch:${key}`, val ? key : `${key} (epoch)`, val ? 'val' : 'epoch', e.step, v);
    }
    // the training loss at the weights val_loss was read at: a validation jump it shares is the optimizer's
    if (e.endLoss)
      this.add(run, 'loss', 'epoch:end_loss', 'loss at epoch end (training sample)', 'epoch', e.step, e.endLoss.loss);
  }

  private onGradNorms(run: RunState, e: GradNormsEvent): void {
    for (const [layer, v] of Object.entries(e.layers)) {
      this.add(run, 'grad-norms', `layer:${layer}`, layer, 'layer', e.step, v, true);
    }
    // clipping optimizers (training-lens toolkit): the global norm before and after, and the norm threshold
    if (e.clip) {
      this.add(run, 'grad-clip', 'clip:pre', 'before clipping', 'layer', e.step, e.clip.preNorm, true);
      this.add(run, 'grad-clip', 'clip:post', 'after clipping', 'layer', e.step, e.clip.postNorm, true);
      // a value threshold bounds each element, not the norm: not on this axis
      if (e.clip.mode === 'norm')
        this.add(run, 'grad-clip', 'clip:threshold', 'clip threshold', 'layer', e.step, e.clip.threshold, true);
    }
    // AUTOTRAINER's vanishing/exploding signal: first over last layer's gradient norm
    const names = Object.keys(e.layers);
    if (names.length >= 2) {
      const first = e.layers[names[0]];
      const last = e.layers[names[names.length - 1]];
      if (first === null || last === null)
        this.add(run, 'grad-ratio', 'ratio', `${names[0]} / ${names[names.length - 1]}`, 'layer', e.step, null);
      else if (first > 0 && last > 0)
        this.add(run, 'grad-ratio', 'ratio', `${names[0]} / ${names[names.length - 1]}`, 'layer', e.step, first / last);
    }
  }

  private onDeadUnits(run: RunState, e: DeadUnitsEvent): void {
    for (const l of e.layers) {
      this.add(run, 'dead-relu', `layer:${l.layer}`, l.layer, 'layer', e.step, l.total > 0 ? l.dead / l.total : null);
    }
  }
}

function newRun(info: RunInfo): RunState {
  return {
    info,
    findings: [],
    charts: new Map(),
    histograms: new Map(),
    timeline: { step: [], epoch: [], seconds: [] },
    lastSeq: -1,
    events: 0,
    targets: new Map(),
    classMetrics: [],
  };
}
