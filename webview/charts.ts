/**
 * chart.js rendering of the store's series: one <section class="chart" data-chart="<id>"> per chart,
 * datasets share the store's point arrays (parsing off, sorted by x: decimation can work on them).
 * Only `render()` touches chart.js, and main.ts calls it at most once per animation frame.
 */
import {
  Chart, Decimation, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip,
  type ChartDataset, type ChartOptions, type ScaleOptionsByType, type TooltipItem,
} from 'chart.js';
import { chartMeta, stepMapper, type ChartId, type DashboardStore, type Point, type RunState, type Series, type XAxisMode } from './store';
import { mixColors, seriesColor, withAlpha, type Theme } from './theme';
import { formatNumber, logTickLabel } from './format';
import { clampWeight, MinMaxLod, SmoothedSeries } from './smoothing';
import { chartCsv, download, downloadText, safeFileName } from './export';
import { setPressed, vscodeButton, type VscodeButton } from './vscode-controls';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, Legend, Decimation);

type LineDataset = ChartDataset<'line', Point[]>;
type LineChart = Chart<'line', Point[]>;
/** our dataset tags (chart.js ignores unknown keys) */
type TaggedDataset = LineDataset & { tlRun?: number; tlRole?: number };

function legendKey(ds: unknown): [number, number] {
  const t = ds as TaggedDataset;
  return [t.tlRun ?? 0, t.tlRole ?? 0];
}

export interface ChartPrefs {
  /** logarithmic y axis on the loss chart */
  logLoss: boolean;
  /** TensorBoard smoothing weight for per-batch series, 0..0.999 */
  smoothing: number;
  xAxis: XAxisMode;
  /** `${chartId}|${seriesKey}` of series hidden from the legend */
  hidden: string[];
}

export const MAX_HIDDEN = 64;

interface DatasetRef {
  ds: LineDataset;
  series: Series;
  run: RunState;
  runIndex: number;
  seriesIndex: number;
  /** derived data (smoothed and/or x-mapped); null: `ds.data` is the store's array itself */
  mapper: SmoothedSeries | null;
  /** min-max level of detail of the (derived) data, drawn while the chart is not zoomed */
  lod: MinMaxLod;
  /** the faint raw line under a smoothed series */
  raw?: { ds: LineDataset; mapper: SmoothedSeries | null; lod: MinMaxLod; on: boolean };
  row?: { tr: HTMLTableRowElement; button: HTMLButtonElement; swatch: HTMLElement; step: HTMLElement; value: HTMLElement; smooth: HTMLElement };
}

interface Panel {
  id: ChartId;
  section: HTMLElement;
  badge: HTMLElement;
  resetZoom: VscodeButton;
  tbody: HTMLElement;
  canvas: HTMLCanvasElement;
  range?: { min: number; max: number };
  /** chart.js, made on first use: creating a chart costs a layout, so a replay's first frame makes only a few */
  readonly chart: LineChart;
  made?: LineChart;
  /** the chart's datasets (chart.js is handed this array when it is made) */
  datasets: LineDataset[];
  refs: Map<string, DatasetRef>;
  /** per run: the chart version last drawn */
  seen: Map<string, number>;
  /** in (or near) the viewport, per the IntersectionObserver; charts out of view are drawn later */
  visible: boolean;
  /** data changed since the last draw */
  dirty: boolean;
  /** a series was added since the last draw (restyle) */
  added: boolean;
  lastDraw: number;
}

/**
 * Per-frame drawing budget (ms): a live update redraws the changed charts over a few frames (in view first), so no
 * frame does much more than this however many charts there are (a run's length does not matter: see MinMaxLod).
 */
const FRAME_BUDGET_MS = 6;

const X_TITLES: Record<XAxisMode, string> = { step: 'step', epoch: 'epoch', time: 'time (s)' };
const DASHES: number[][] = [[], [6, 3], [2, 2], [8, 3, 2, 3], [12, 4]];
const ROLE_RANK: Record<Series['role'], number> = { batch: 0, epoch: 1, val: 2, layer: 3 };

/** Which chart shows a finding's evidence best (it is scrolled into view when the finding is selected). */
export function chartForFinding(code: string): ChartId | 'metric' {
  if (/gradient|non-finite|unchanged-weights/.test(code)) return 'grad-norms';
  if (code === 'dead-relu') return 'dead-relu';
  if (code === 'tensor-leak') return 'memory';
  if (code === 'slow-convergence' || code === 'oscillating-loss') return 'metric';
  return 'loss';
}

export class ChartsView {
  private panels = new Map<ChartId, Panel>();
  private generation = -1;
  /** steps shaded on every chart (the selected finding's range) */
  private highlighted: { fromStep: number; toStep: number } | undefined;
  /** step -> shown x of the first run (finding shading) */
  private xMap: (step: number) => number = s => s;
  private readonly toolbar: HTMLElement;
  private readonly smoothingInput: HTMLInputElement;
  private readonly smoothingLabel: HTMLElement;
  private readonly axisButtons = new Map<XAxisMode, VscodeButton>();
  private store: DashboardStore | undefined;
  private readonly io: IntersectionObserver | undefined;
  /** charts still waiting to be drawn after the last render (main.ts renders again while > 0) */
  pending = 0;

  constructor(
    private readonly container: HTMLElement,
    private theme: Theme,
    private readonly prefs: ChartPrefs,
    private readonly onPrefsChange: () => void,
  ) {
    prefs.smoothing = clampWeight(prefs.smoothing);
    this.io = typeof IntersectionObserver === 'function'
      ? new IntersectionObserver(entries => {
        let shown = false;
        for (const e of entries) {
          const p = [...this.panels.values()].find(x => x.section === e.target);
          if (!p) continue;
          p.visible = e.isIntersecting;
          if (p.visible && p.dirty) shown = true;
        }
        if (shown) this.onNeedsDraw?.();
      }, { rootMargin: '200px 0px' })
      : undefined;
    this.toolbar = document.createElement('div');
    this.toolbar.className = 'chart-toolbar';
    this.toolbar.id = 'chart-toolbar';
    this.toolbar.hidden = true;
    const label = document.createElement('label');
    label.className = 'smoothing';
    label.textContent = 'Smoothing ';
    const input = document.createElement('input');
    input.type = 'range';
    input.id = 'smoothing';
    input.min = '0';
    input.max = '0.999';
    input.step = '0.001';
    input.value = String(prefs.smoothing);
    input.setAttribute('aria-label', 'Smoothing weight (TensorBoard exponential moving average)');
    const value = document.createElement('output');
    value.id = 'smoothing-value';
    value.textContent = prefs.smoothing.toFixed(3);
    input.addEventListener('input', () => {
      this.prefs.smoothing = clampWeight(Number(input.value));
      value.textContent = this.prefs.smoothing.toFixed(3);
      this.reconfigureAll();
    });
    input.addEventListener('change', () => this.onPrefsChange());
    label.append(input, ' ', value);
    this.smoothingInput = input;
    this.smoothingLabel = value;
    const axis = document.createElement('div');
    axis.className = 'axis-mode';
    axis.setAttribute('role', 'group');
    axis.setAttribute('aria-label', 'Horizontal axis');
    axis.append('X axis ');
    for (const mode of ['step', 'epoch', 'time'] as XAxisMode[]) {
      const b = vscodeButton(mode === 'time' ? 'relative time' : mode, { className: 'toggle' });
      b.dataset.axis = mode;
      setPressed(b, prefs.xAxis === mode);
      b.addEventListener('click', () => this.setXAxis(mode));
      this.axisButtons.set(mode, b);
      axis.append(b);
    }
    const hint = document.createElement('span');
    hint.className = 'hint';
    hint.textContent = 'wheel: zoom · drag: pan · double-click: reset';
    this.toolbar.append(label, axis, hint);
    container.parentElement?.insertBefore(this.toolbar, container);
  }

  setXAxis(mode: XAxisMode): void {
    this.prefs.xAxis = mode;
    for (const [m, b] of this.axisButtons) setPressed(b, m === mode);
    for (const p of this.panels.values()) this.setRange(p, undefined, false);
    this.reconfigureAll();
    this.onPrefsChange();
  }

  /** Applies the smoothing weight / x axis to every dataset (recomputes derived data). */
  private reconfigureAll(): void {
    this.smoothingInput.value = String(this.prefs.smoothing);
    this.smoothingLabel.textContent = this.prefs.smoothing.toFixed(3);
    const multi = (this.store?.runs.size ?? 0) > 1;
    for (const p of this.panels.values()) {
      for (const ref of p.refs.values()) this.configure(p, ref);
      for (const ref of p.refs.values()) this.style(ref, multi, p.id, this.layerCount(p));
      p.chart.options = this.options(p.id);
      p.chart.update('none');
      this.updateRows(p);
    }
  }

  /** set by main.ts: a chart scrolled into view has undrawn data */
  onNeedsDraw: (() => void) | undefined;

  clear(): void {
    for (const p of this.panels.values()) {
      this.io?.unobserve(p.section);
      p.made?.destroy();
      p.section.remove();
    }
    this.panels.clear();
  }

  render(store: DashboardStore): void {
    this.store = store;
    if (store.generation !== this.generation) {
      this.clear();
      this.generation = store.generation;
    }
    const primary = store.primary();
    this.xMap = primary ? stepMapper(primary.timeline, this.prefs.xAxis) : s => s;
    const multi = store.runs.size > 1;
    const ids = store.chartIds();
    this.toolbar.hidden = ids.length === 0;
    ids.forEach((id, i) => {
      const at = this.container.children[i] ?? null;
      const panel = this.panels.get(id) ?? this.createPanel(id, at);
      if (at !== panel.section) this.container.insertBefore(panel.section, at);
      this.sync(panel, store, multi);
    });
    this.drawDirty(multi);
  }

  /**
   * Draws charts whose data changed, within the frame's budget: charts in view first (the longest-waiting first,
   * at least one per frame), then charts out of view; what is left is drawn in the next frames.
   * A chart drawn from new data shows every point so far, so skipping a frame only delays it (by a frame or two).
   */
  private drawDirty(multi: boolean): void {
    const t0 = performance.now();
    const dirty = [...this.panels.values()].filter(p => p.dirty)
      .sort((a, b) => Number(b.visible) - Number(a.visible) || a.lastDraw - b.lastDraw);
    let drawn = 0;
    for (const p of dirty) {
      if (drawn > 0 && (performance.now() - t0 > FRAME_BUDGET_MS || !p.visible && performance.now() - t0 > FRAME_BUDGET_MS / 2)) break;
      this.draw(p, multi);
      drawn++;
    }
    let pending = 0;
    for (const p of this.panels.values()) if (p.dirty) pending++;
    this.pending = pending;
    document.body.dataset.chartsPending = String(pending);
  }

  /** Shades [fromStep, toStep] on every chart (undefined clears) and scrolls the most relevant chart into view. */
  highlight(range: { fromStep: number; toStep: number } | undefined, code?: string): void {
    this.highlighted = range;
    for (const p of this.panels.values()) {
      if (range) p.section.dataset.highlight = `${range.fromStep}-${range.toStep}`;
      else delete p.section.dataset.highlight;
      p.chart.update('none');
    }
    if (range && code) {
      const want = chartForFinding(code);
      const panel = [...this.panels.values()].find(p => (want === 'metric' ? p.id.startsWith('metric:') : p.id === want));
      panel?.section.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    }
  }

  setTheme(theme: Theme, store: DashboardStore): void {
    this.theme = theme;
    const multi = store.runs.size > 1;
    for (const p of this.panels.values()) {
      p.chart.options = this.options(p.id);
      for (const ref of p.refs.values()) this.style(ref, multi, p.id, this.layerCount(p));
      p.chart.update('none');
      this.updateRows(p);
    }
  }

  private isHidden(chartId: ChartId, key: string): boolean {
    return this.prefs.hidden.includes(`${chartId}|${key}`);
  }

  /** Legend click: hides/shows the series (of every run) and remembers it in the view state. */
  toggleSeries(panel: Panel, key: string): void {
    const id = `${panel.id}|${key}`;
    const hidden = this.prefs.hidden.includes(id);
    this.prefs.hidden = hidden ? this.prefs.hidden.filter(h => h !== id) : [...this.prefs.hidden, id].slice(-MAX_HIDDEN);
    for (const ref of panel.refs.values()) if (ref.series.key === key) this.configure(panel, ref);
    panel.chart.update('none');
    this.updateRows(panel);
    this.onPrefsChange();
  }

  /** Sets the data of a dataset (and its faint raw line) from the smoothing weight, x axis and hidden state. */
  private configure(panel: Panel, ref: DatasetRef, bind = true): void {
    const smoothable = ref.series.role === 'batch' && panel.id !== 'lr' && panel.id !== 'momentum' && panel.id !== 'memory';
    const w = smoothable ? this.prefs.smoothing : 0;
    const mode = this.prefs.xAxis;
    const xf = stepMapper(ref.run.timeline, mode);
    const hidden = this.isHidden(panel.id, ref.series.key);
    ref.mapper = w > 0 || mode !== 'step' ? new SmoothedSeries(w, xf) : null;
    ref.ds.hidden = hidden;
    if (smoothable) {
      if (!ref.raw) {
        const rawDs: TaggedDataset = { label: `${ref.ds.label ?? ''} (raw)`, data: [], tlRun: ref.runIndex, tlRole: 9 };
        ref.raw = { ds: rawDs, mapper: null, lod: new MinMaxLod(), on: false };
        panel.datasets.push(rawDs);
      }
      ref.raw.on = w > 0 && !hidden;
      ref.raw.mapper = ref.raw.on && mode !== 'step' ? new SmoothedSeries(0, xf) : null;
      ref.raw.ds.hidden = !ref.raw.on;
    }
    if (bind) this.bind(panel, ref);
  }

  /**
   * Brings derived data up to date and points the datasets at it: the min-max level of detail (a few thousand
   * points however long the run: chart.js then only walks those), or, zoomed in, the full data (chart.js's
   * decimation works on the visible range).
   */
  /**
   * Per-epoch values and the sparse dead-unit samples get markers; a lone point of any series stays visible.
   * A number, not a scriptable option: chart.js then shares one resolved option object across all points.
   */
  private pointRadius(ref: DatasetRef, chartId: ChartId): void {
    const n = ref.series.points.length;
    const perEpoch = ref.series.role === 'epoch' || ref.series.role === 'val';
    const r = n <= 1 || ((perEpoch || chartId === 'dead-relu') && n <= 24) ? 2.5 : 0;
    if (ref.ds.pointRadius !== r) ref.ds.pointRadius = r;
  }

  private bind(panel: Panel, ref: DatasetRef): void {
    this.pointRadius(ref, panel.id);
    const zoomed = !!panel.range;
    const m = ref.mapper;
    m?.sync(ref.series.points);
    if (zoomed) ref.ds.data = m ? m.out : ref.series.points;
    else {
      if (m) ref.lod.syncSeries(m);
      else ref.lod.sync(ref.series.points);
      ref.ds.data = ref.lod.out;
    }
    const raw = ref.raw;
    if (!raw) return;
    if (!raw.on) {
      raw.ds.data = [];
      return;
    }
    const rm = raw.mapper;
    rm?.sync(ref.series.points);
    if (zoomed) raw.ds.data = rm ? rm.out : ref.series.points;
    else {
      if (rm) raw.lod.syncSeries(rm);
      else raw.lod.sync(ref.series.points);
      raw.ds.data = raw.lod.out;
    }
  }

  private setRange(panel: Panel, range: { min: number; max: number } | undefined, update = true): void {
    panel.range = range && Number.isFinite(range.min) && Number.isFinite(range.max) && range.max > range.min ? range : undefined;
    const x = panel.chart.options.scales?.x as { min?: number; max?: number } | undefined;
    if (x) {
      x.min = panel.range?.min;
      x.max = panel.range?.max;
    }
    panel.resetZoom.hidden = !panel.range;
    for (const ref of panel.refs.values()) this.bind(panel, ref);
    if (panel.range) panel.section.dataset.zoom = `${panel.range.min},${panel.range.max}`;
    else delete panel.section.dataset.zoom;
    if (update) panel.chart.update('none');
  }

  /** Zooms the x axis by `factor` (<1: in) around the value at pixel `px`. */
  private zoom(panel: Panel, factor: number, px?: number): void {
    const xs = panel.chart.scales.x;
    if (!xs) return;
    const a = panel.chart.chartArea;
    const center = xs.getValueForPixel(px ?? (a.left + a.right) / 2) ?? (xs.min + xs.max) / 2;
    this.setRange(panel, { min: center - (center - xs.min) * factor, max: center + (xs.max - center) * factor });
  }

  private pan(panel: Panel, fromRange: { min: number; max: number }, dxPixels: number): void {
    const a = panel.chart.chartArea;
    const dv = (dxPixels * (fromRange.max - fromRange.min)) / Math.max(1, a.right - a.left);
    this.setRange(panel, { min: fromRange.min - dv, max: fromRange.max - dv });
  }

  private wireZoom(panel: Panel): void {
    const { canvas } = panel;
    const inside = (e: MouseEvent): boolean => {
      const a = panel.chart.chartArea;
      return !!a && e.offsetX >= a.left && e.offsetX <= a.right && e.offsetY >= a.top && e.offsetY <= a.bottom;
    };
    canvas.addEventListener('wheel', e => {
      if (!inside(e)) return;
      e.preventDefault();
      this.zoom(panel, Math.exp(Math.max(-1, Math.min(1, e.deltaY * 0.002))), e.offsetX);
    }, { passive: false });
    let drag: { x: number; range: { min: number; max: number }; id: number } | undefined;
    canvas.addEventListener('pointerdown', e => {
      if (e.button !== 0 || !inside(e)) return;
      const xs = panel.chart.scales.x;
      drag = { x: e.clientX, range: { min: xs.min, max: xs.max }, id: e.pointerId };
      canvas.setPointerCapture(e.pointerId);
    });
    canvas.addEventListener('pointermove', e => {
      if (!drag || e.pointerId !== drag.id) return;
      if (Math.abs(e.clientX - drag.x) >= 2) this.pan(panel, drag.range, e.clientX - drag.x);
    });
    const end = (e: PointerEvent): void => {
      if (drag && e.pointerId === drag.id) drag = undefined;
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    canvas.addEventListener('dblclick', () => this.setRange(panel, undefined));
    canvas.addEventListener('keydown', e => {
      const xs = panel.chart.scales.x;
      if (!xs) return;
      const range = { min: xs.min, max: xs.max };
      const w = panel.chart.chartArea.right - panel.chart.chartArea.left;
      if (e.key === '+' || e.key === '=') this.zoom(panel, 0.8);
      else if (e.key === '-' || e.key === '_') this.zoom(panel, 1.25);
      else if (e.key === 'ArrowLeft') this.pan(panel, range, w * 0.1);
      else if (e.key === 'ArrowRight') this.pan(panel, range, -w * 0.1);
      else if (e.key === '0' || e.key === 'Escape') this.setRange(panel, undefined);
      else return;
      e.preventDefault();
    });
  }

  /** Current values as text (the chart's text alternative and its legend). */
  private updateRows(panel: Panel): void {
    const refs = [...panel.refs.values()].sort((a, b) => a.runIndex - b.runIndex || ROLE_RANK[a.series.role] - ROLE_RANK[b.series.role]);
    const percent = panel.id === 'dead-relu';
    const fmt = (v: number): string => (percent ? `${(v * 100).toFixed(1)}%` : formatNumber(v, 4));
    refs.forEach((ref, i) => {
      if (!ref.row) {
        const tr = document.createElement('tr');
        const name = document.createElement('td');
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'series-toggle';
        button.dataset.key = ref.series.key;
        button.title = 'Show or hide this series';
        const swatch = document.createElement('span');
        swatch.className = 'swatch';
        button.append(swatch, document.createTextNode(String(ref.ds.label ?? ref.series.name)));
        button.addEventListener('click', () => this.toggleSeries(panel, ref.series.key));
        name.append(button);
        const step = document.createElement('td');
        const value = document.createElement('td');
        const smooth = document.createElement('td');
        step.className = value.className = smooth.className = 'num';
        tr.append(name, step, value, smooth);
        ref.row = { tr, button, swatch, step, value, smooth };
      }
      const row = ref.row;
      if (panel.tbody.children[i] !== row.tr) panel.tbody.insertBefore(row.tr, panel.tbody.children[i] ?? null);
      // write only what changed: every DOM write costs a style/layout pass of the whole page
      const set = (e: HTMLElement, text: string): void => {
        if (e.textContent !== text) e.textContent = text;
      };
      const color = String(ref.ds.borderColor);
      if (row.swatch.dataset.color !== color) {
        row.swatch.dataset.color = color;
        row.swatch.style.background = color;
      }
      const hidden = !!ref.ds.hidden;
      if (row.button.getAttribute('aria-pressed') !== String(!hidden)) {
        row.button.setAttribute('aria-pressed', String(!hidden));
        row.tr.classList.toggle('off', hidden);
      }
      const pts = ref.series.points;
      const last = pts[pts.length - 1];
      set(row.step, last ? String(last.x) : '–');
      set(row.value, last ? fmt(last.y) : '–');
      const sm = ref.mapper && this.prefs.smoothing > 0 && ref.raw ? ref.mapper.lastY() : undefined;
      set(row.smooth, sm === undefined ? '' : fmt(sm));
    });
  }

  private exportCsv(panel: Panel): void {
    const refs = [...panel.refs.values()].sort((a, b) => a.runIndex - b.runIndex || ROLE_RANK[a.series.role] - ROLE_RANK[b.series.role]);
    const csv = chartCsv(refs.map(r => ({ name: String(r.ds.label ?? r.series.name), points: r.series.points })));
    downloadText(`${safeFileName(chartMeta(panel.id).title)}.csv`, csv);
  }

  private exportPng(panel: Panel): void {
    const src = panel.canvas;
    const out = document.createElement('canvas');
    out.width = src.width;
    out.height = src.height;
    const ctx = out.getContext('2d');
    if (!ctx) return;
    ctx.fillStyle = this.theme.background;
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(src, 0, 0);
    download(`${safeFileName(chartMeta(panel.id).title)}.png`, out.toDataURL('image/png'));
  }

  private sync(panel: Panel, store: DashboardStore, multi: boolean): void {
    let changed = false;
    let added = false;
    let nonFinite = 0;
    let runIndex = 0;
    for (const run of store.runs.values()) {
      const rc = run.charts.get(panel.id);
      if (rc) {
        nonFinite += rc.nonFinite;
        if (panel.seen.get(run.info.runId) !== rc.version) {
          changed = true;
          panel.seen.set(run.info.runId, rc.version);
          rc.series.forEach((s, seriesIndex) => {
            const key = `${run.info.runId}\u0000${s.key}`;
            if (panel.refs.has(key)) return;
            const ds: TaggedDataset = { label: multi ? `${run.info.label} · ${s.name}` : s.name, data: s.points, tlRun: runIndex, tlRole: ROLE_RANK[s.role] };
            const ref: DatasetRef = { ds, series: s, run, runIndex, seriesIndex, mapper: null, lod: new MinMaxLod() };
            panel.refs.set(key, ref);
            panel.datasets.push(ds);
            // bound to its data when the chart is drawn
            this.configure(panel, ref, false);
            added = true;
          });
        }
      }
      runIndex++;
    }
    if (!changed && panel.section.dataset.series !== undefined) return;
    panel.dirty = true;
    panel.added ||= added;
    let points = 0;
    for (const ref of panel.refs.values()) points += ref.series.points.length;
    panel.section.dataset.series = String(panel.refs.size);
    panel.section.dataset.points = String(points);
    panel.section.dataset.nonfinite = String(nonFinite);
    panel.badge.hidden = nonFinite === 0;
    panel.badge.textContent = nonFinite ? `\u26a0 ${nonFinite} non-finite` : '';
    panel.badge.title = `${nonFinite} value${nonFinite === 1 ? '' : 's'} were NaN or Infinity and are not plotted`;
  }

  private draw(panel: Panel, multi: boolean): void {
    panel.dirty = false;
    panel.lastDraw = performance.now();
    // derived (smoothed / x-mapped) data catches up with the store's arrays
    for (const ref of panel.refs.values()) this.bind(panel, ref);
    if (panel.added) {
      panel.added = false;
      // (re)style all: tints depend on how many layers there are
      const layers = this.layerCount(panel);
      for (const ref of panel.refs.values()) this.style(ref, multi, panel.id, layers);
    }
    panel.chart.update('none');
    this.updateRows(panel);
    panel.section.dataset.drawn = '1';
  }

  private layerCount(panel: Panel): number {
    let n = 0;
    for (const ref of panel.refs.values()) n = Math.max(n, ref.seriesIndex + 1);
    return n;
  }

  /** Builds the section and inserts it before `before` first: chart.js must see the canvas's real size. */
  private createPanel(id: ChartId, before: Element | null): Panel {
    const meta = chartMeta(id);
    const section = document.createElement('section');
    section.className = 'chart';
    section.dataset.chart = id;
    const head = document.createElement('div');
    head.className = 'chart-head';
    const h2 = document.createElement('h2');
    h2.textContent = meta.title;
    const badge = document.createElement('span');
    badge.className = 'badge warn';
    badge.hidden = true;
    h2.append(' ', badge);
    head.append(h2);
    const tools = document.createElement('div');
    tools.className = 'chart-tools';
    const tool = (text: string, title: string, cls: string): VscodeButton => {
      const b = vscodeButton(text, { className: `tool ${cls}`, title });
      tools.append(b);
      return b;
    };
    const resetZoom = tool('reset zoom', 'Show all steps (or double-click the chart)', 'reset-zoom');
    resetZoom.hidden = true;
    if (meta.kind === 'loss') tools.append(this.logToggle());
    const csv = tool('CSV', 'Download every series of this chart as CSV', 'export-csv');
    const png = tool('PNG', 'Download this chart as a PNG image', 'export-png');
    head.append(tools);
    const body = document.createElement('div');
    body.className = 'chart-body';
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${meta.title} (current values in the table below; +/- zoom, arrows pan, 0 resets)`);
    canvas.tabIndex = 0;
    body.append(canvas);
    const table = document.createElement('table');
    table.className = 'series-table';
    const caption = document.createElement('caption');
    caption.className = 'visually-hidden';
    caption.textContent = `${meta.title}: latest values`;
    const thead = document.createElement('thead');
    const hr = document.createElement('tr');
    for (const h of ['series', 'step', 'value', 'smoothed']) {
      const th = document.createElement('th');
      th.textContent = h;
      th.scope = 'col';
      hr.append(th);
    }
    thead.append(hr);
    const tbody = document.createElement('tbody');
    table.append(caption, thead, tbody);
    section.append(head, body, table);
    this.container.insertBefore(section, before);
    const datasets: LineDataset[] = [];
    const make = (): LineChart => new Chart(canvas, {
      type: 'line',
      data: { datasets },
      options: this.options(id),
      plugins: [{
        id: 'tl-highlight',
        // the selected finding's steps, as UMLAUT shades the epochs where an error was captured
        beforeDatasetsDraw: c => {
          const h = this.highlighted;
          const xs = c.scales.x;
          if (!h || !xs) return;
          const a = c.chartArea;
          const left = Math.max(a.left, xs.getPixelForValue(this.xMap(h.fromStep - 0.5)));
          const right = Math.min(a.right, Math.max(left + 2, xs.getPixelForValue(this.xMap(h.toStep + 0.5))));
          if (right <= a.left || left >= a.right) return;
          c.ctx.save();
          c.ctx.fillStyle = withAlpha(this.theme.highlight, 0.18);
          c.ctx.fillRect(left, a.top, right - left, a.bottom - a.top);
          c.ctx.restore();
        },
      }, {
        id: 'tl-plot-area',
        // the plot rectangle in canvas CSS pixels (tests check that data, not only axes, is drawn)
        afterLayout: c => {
          const a = c.chartArea;
          const plot = [a.left, a.top, a.right, a.bottom].map(v => Math.round(v)).join(',');
          if (section.dataset.plot !== plot) section.dataset.plot = plot;
        },
      }],
    });
    const panel: Panel = {
      id, section, badge, resetZoom, tbody, canvas, datasets, refs: new Map(), seen: new Map(), visible: true, dirty: false, added: false, lastDraw: 0,
      get chart(): LineChart {
        return (this.made ??= make());
      },
    };
    this.panels.set(id, panel);
    this.io?.observe(section);
    resetZoom.addEventListener('click', () => this.setRange(panel, undefined));
    csv.addEventListener('click', () => this.exportCsv(panel));
    png.addEventListener('click', () => this.exportPng(panel));
    this.wireZoom(panel);
    return panel;
  }

  private logToggle(): HTMLElement {
    const b = vscodeButton('log y', { className: 'toggle', title: 'Logarithmic loss axis' });
    setPressed(b, this.prefs.logLoss);
    b.addEventListener('click', () => {
      this.prefs.logLoss = !this.prefs.logLoss;
      setPressed(b, this.prefs.logLoss);
      const p = this.panels.get('loss');
      if (p) {
        p.chart.options = this.options('loss');
        p.chart.update('none');
      }
      this.onPrefsChange();
    });
    return b;
  }

  private style(ref: DatasetRef, multi: boolean, chartId: ChartId, layerCount: number): void {
    const { palette, foreground } = this.theme;
    const { ds, series, runIndex, seriesIndex } = ref;
    // one colour per run when comparing; else per layer, or fixed per role (batch / epoch / val) whatever the log order
    const slot = multi ? runIndex : series.role === 'layer' ? seriesIndex : ROLE_RANK[series.role];
    let color = seriesColor(this.theme, slot);
    let dash: number[] = series.role === 'val' || series.key === 'clip:threshold' ? [6, 4] : [];
    if (multi && series.role === 'layer' && seriesIndex > 0) {
      // the run's colour, one tint per layer (lighter = deeper); dashes if the colour syntax is unknown
      const tint = mixColors(color, foreground, (0.55 * seriesIndex) / Math.max(1, layerCount - 1));
      if (tint) color = tint;
      else dash = DASHES[seriesIndex % DASHES.length];
    }
    const perEpoch = series.role === 'epoch' || series.role === 'val';
    ds.borderColor = series.role === 'batch' && multi ? withAlpha(color, 0.6) : color;
    ds.backgroundColor = color;
    // high contrast: wider lines (and a less faint raw line below), as VS Code widens its borders there
    const hc = this.theme.kind === 'high-contrast' || this.theme.kind === 'high-contrast-light';
    ds.borderWidth = (perEpoch ? 2 : series.role === 'batch' && chartId !== 'lr' && chartId !== 'momentum' ? 1.25 : 1.5) + (hc ? 0.75 : 0);
    this.pointRadius(ref, chartId);
    ds.pointHoverRadius = 4;
    ds.borderDash = dash;
    // markers at 0% / 100% sit on the chart edge: let them show whole
    if (chartId === 'dead-relu') ds.clip = 4;
    ds.tension = 0;
    // a memory sample is sent only when the count changed: it holds until the next one
    if (chartId === 'memory') ds.stepped = 'after';
    ds.fill = false;
    // per-epoch values on top of the per-step noise (chart.js draws lower `order` last)
    ds.order = perEpoch ? 0 : 1;
    if (ref.raw) {
      // TensorBoard keeps the raw values as a faint line under the smoothed one
      const r = ref.raw.ds;
      r.borderColor = withAlpha(color, hc ? 0.35 : 0.22);
      r.backgroundColor = r.borderColor;
      r.borderWidth = 1;
      r.pointRadius = 0;
      r.pointHoverRadius = 0;
      r.borderDash = dash;
      r.tension = 0;
      r.fill = false;
      r.order = 2;
      if (this.prefs.smoothing > 0) ds.borderWidth = hc ? 2.25 : 1.5;
    }
  }

  private options(id: ChartId): ChartOptions<'line'> {
    const t = this.theme;
    const meta = chartMeta(id);
    const font = { family: t.fontFamily, size: Math.max(10, t.fontSize - 2) };
    const grid = { color: t.grid, tickColor: t.grid };
    const border = { color: t.grid };
    const mode = this.prefs.xAxis;
    const range = this.panels.get(id)?.range;
    const x: ScaleOptionsByType<'linear'> | Record<string, unknown> = {
      type: 'linear',
      title: { display: true, text: X_TITLES[mode], color: t.muted, font },
      ticks: { color: t.muted, font, precision: mode === 'step' ? 0 : undefined, maxTicksLimit: 8, maxRotation: 0 },
      grid, border, min: range?.min, max: range?.max,
    };
    let y: Record<string, unknown>;
    const yTicks = { color: t.muted, font, maxTicksLimit: 6 };
    // no tick limit on log axes: chart.js would drop ticks and leave the labelled ones out
    const logTicks = { color: t.muted, font, autoSkip: false };
    // and grid lines only where there is a label
    const logGrid = {
      tickColor: t.grid,
      color: (ctx: { tick?: { value: number }; scale?: { ticks: unknown[] } }) =>
        ctx.tick && logTickLabel(ctx.tick.value, (ctx.scale?.ticks ?? []) as Array<{ value: number }>) ? t.grid : 'transparent',
    };
    switch (meta.kind) {
      case 'grad-ratio':
        y = { type: 'logarithmic', title: { display: true, text: 'first / last (log)', color: t.muted, font }, ticks: { ...logTicks, callback: (v: number | string, _i: number, all: Array<{ value: number }>) => logTickLabel(Number(v), all) }, grid: logGrid, border };
        break;
      case 'grad-norms':
      case 'grad-clip':
        y = { type: 'logarithmic', title: { display: true, text: meta.kind === 'grad-clip' ? 'global L2 norm (log)' : 'L2 norm (log)', color: t.muted, font }, ticks: { ...logTicks, callback: (v: number | string, _i: number, all: Array<{ value: number }>) => logTickLabel(Number(v), all) }, grid: logGrid, border };
        break;
      case 'momentum':
        y = { type: 'linear', title: { display: true, text: 'momentum', color: t.muted, font }, ticks: { ...yTicks, callback: (v: number | string) => formatNumber(Number(v), 3) }, grid, border };
        break;
      case 'memory':
        y = { type: 'linear', title: { display: true, text: 'live tensors', color: t.muted, font }, ticks: { ...yTicks, callback: (v: number | string) => formatNumber(Number(v), 3) }, grid, border };
        break;
      case 'dead-relu':
        y = { type: 'linear', min: 0, max: 1, title: { display: true, text: 'dead units', color: t.muted, font }, ticks: { ...yTicks, callback: (v: number | string) => `${Math.round(Number(v) * 100)}%` }, grid, border };
        break;
      case 'lr':
        y = { type: 'linear', title: { display: true, text: 'learning rate', color: t.muted, font }, ticks: { ...yTicks, callback: (v: number | string) => formatNumber(Number(v), 2) }, grid, border };
        break;
      case 'loss':
        y = this.prefs.logLoss
          ? { type: 'logarithmic', title: { display: true, text: 'loss (log)', color: t.muted, font }, ticks: { ...logTicks, callback: (v: number | string, _i: number, all: Array<{ value: number }>) => logTickLabel(Number(v), all) }, grid: logGrid, border }
          : { type: 'linear', title: { display: true, text: 'loss', color: t.muted, font }, ticks: yTicks, grid, border };
        break;
      default:
        y = { type: 'linear', title: { display: true, text: id.slice('metric:'.length), color: t.muted, font }, ticks: yTicks, grid, border };
    }
    const percent = meta.kind === 'dead-relu';
    return {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      spanGaps: true,
      color: t.foreground,
      borderColor: t.grid,
      font,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      elements: { point: { hitRadius: 4 }, line: { borderJoinStyle: 'round' } },
      scales: { x, y } as ChartOptions<'line'>['scales'],
      plugins: {
        // min-max keeps each pixel column's extremes (a loss spike stays visible however long the run)
        decimation: { enabled: true, algorithm: 'min-max' },
        // the HTML table under the chart is the legend (keyboard reachable, with current values)
        legend: {
          display: false,
          position: 'bottom',
          labels: {
            color: t.foreground, font, boxWidth: 14, boxHeight: 2, padding: 8,
            // legend: run, then batch / epoch / val, then first appearance (drawing order differs: epochs on top)
            sort: (a, b, data) => {
              const ka = legendKey(data.datasets[a.datasetIndex ?? 0]);
              const kb = legendKey(data.datasets[b.datasetIndex ?? 0]);
              return ka[0] - kb[0] || ka[1] - kb[1] || (a.datasetIndex ?? 0) - (b.datasetIndex ?? 0);
            },
          },
        },
        tooltip: {
          backgroundColor: withAlpha(t.background, 0.95),
          titleColor: t.foreground,
          bodyColor: t.foreground,
          borderColor: t.grid,
          borderWidth: 1,
          titleFont: font,
          bodyFont: font,
          filter: (item: TooltipItem<'line'>) => (item.dataset as TaggedDataset).tlRole !== 9,
          callbacks: {
            title: (items: TooltipItem<'line'>[]) => (items.length ? `${X_TITLES[mode]} ${formatNumber((items[0].raw as Point).x, 6)}` : ''),
            label: (item: TooltipItem<'line'>) => {
              const v = (item.raw as Point).y;
              return `${item.dataset.label ?? ''}: ${percent ? `${(v * 100).toFixed(1)}%` : formatNumber(v, 4)}`;
            },
          },
        },
      },
    };
  }
}

