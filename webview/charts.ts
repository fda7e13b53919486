/**
 * chart.js rendering of the store's series: one <section class="chart" data-chart="<id>"> per chart,
 * datasets share the store's point arrays (parsing off, sorted by x: decimation can work on them).
 * Only `render()` touches chart.js, and main.ts calls it at most once per animation frame. This file schedules the
 * drawing; each dataset's (smoothed, x-mapped, level-of-detail) data is bound in chart-binding.ts, a chart's DOM
 * and exports are in chart-panel.ts, its look in chart-options.ts, zoom and pan in chart-zoom.ts.
 */
import {
  Chart,
  Decimation,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
} from 'chart.js';
import { stepMapper, type ChartId, type DashboardStore } from './dashboardState';
import type { Theme } from './theme';
import { clampWeight, MinMaxLod } from './smoothing';
import { setPressed, vscodeButton } from './vscode-controls';
import {
  chartOptions,
  ROLE_RANK,
  styleDataset,
  type ChartPrefs,
  type DatasetRef,
  type TaggedDataset,
} from './chart-options';
import { createPanel, exportCsv, exportPng, updateRows, type Panel } from './chart-panel';
import { wireZoom } from './chart-zoom';
import { bindDataset, configureDataset } from './chart-binding';
import { ChartToolbar } from './chart-toolbar';
import { SeedBands, SeedBandFiller } from './seed-bands';

export type { ChartPrefs } from './chart-options';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, Legend, Decimation);
Chart.register(SeedBandFiller);

export const MAX_HIDDEN = 64;

/**
 * Per-frame drawing budget (ms): a live update redraws the changed charts over a few frames (in view first), so no
 * frame does much more than this however many charts there are (a run's length does not matter: see MinMaxLod).
 */
const FRAME_BUDGET_MS = 6;

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
  private readonly toolbar: ChartToolbar;
  private store: DashboardStore | undefined;
  private readonly io: IntersectionObserver | undefined;
  /** charts still waiting to be drawn after the last render (main.ts renders again while > 0) */
  pending = 0;
  /** set by main.ts: a chart scrolled into view has undrawn data */
  onNeedsDraw: (() => void) | undefined;

  constructor(
    private readonly container: HTMLElement,
    private theme: Theme,
    private readonly prefs: ChartPrefs,
    private readonly onPrefsChange: () => void,
  ) {
    prefs.smoothing = clampWeight(prefs.smoothing);
    this.io =
      typeof IntersectionObserver === 'function'
        ? new IntersectionObserver(
            entries => {
              let shown = false;
              for (const e of entries) {
                const p = [...this.panels.values()].find(x => x.section === e.target);
                if (!p) continue;
                p.visible = e.isIntersecting;
                if (p.visible && p.dirty) shown = true;
              }
              if (shown) this.onNeedsDraw?.();
            },
            { rootMargin: '200px 0px' },
          )
        : undefined;
    this.toolbar = new ChartToolbar(prefs.smoothing, prefs.xAxis, {
      smoothing: weight => {
        this.prefs.smoothing = clampWeight(weight);
        this.reconfigureAll();
      },
      smoothingDone: () => this.onPrefsChange(),
      xAxis: mode => this.setXAxis(mode),
    });
    container.parentElement?.insertBefore(this.toolbar.element, container);
    this.toolbar.element.append(this.bands.toggle);
  }

  /** mean ± std over seed replicas (seed-bands.ts) */
  private readonly bands = new SeedBands(() => this.reconfigureAll());

  setXAxis(mode: ChartPrefs['xAxis']): void {
    this.prefs.xAxis = mode;
    this.toolbar.showXAxis(mode);
    for (const p of this.panels.values()) this.setRange(p, undefined, false);
    this.reconfigureAll();
    this.onPrefsChange();
  }

  /** Applies the smoothing weight / x axis to every dataset (recomputes derived data). */
  private reconfigureAll(): void {
    this.toolbar.showSmoothing(this.prefs.smoothing);
    const multi = (this.store?.runs.size ?? 0) > 1;
    for (const p of this.panels.values()) {
      for (const ref of p.refs.values()) configureDataset(p, ref, this.prefs);
      if (this.store) this.bands.apply(p, this.store, this.prefs.xAxis, this.theme.palette);
      this.restyle(p, multi);
      p.chart.options = this.options(p);
      p.chart.update('none');
      this.updateRows(p);
    }
  }

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
    this.toolbar.element.hidden = ids.length === 0;
    ids.forEach((id, i) => {
      const at = this.container.children[i] ?? null;
      const panel = this.panels.get(id) ?? this.addPanel(id, at);
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
    const dirty = [...this.panels.values()]
      .filter(p => p.dirty)
      .sort((a, b) => Number(b.visible) - Number(a.visible) || a.lastDraw - b.lastDraw);
    let drawn = 0;
    for (const p of dirty) {
      if (
        drawn > 0 &&
        (performance.now() - t0 > FRAME_BUDGET_MS || (!p.visible && performance.now() - t0 > FRAME_BUDGET_MS / 2))
      )
        break;
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
      const panel = [...this.panels.values()].find(p =>
        want === 'metric' ? p.id.startsWith('metric:') : p.id === want,
      );
      panel?.section.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    }
  }

  setTheme(theme: Theme, store: DashboardStore): void {
    this.theme = theme;
    const multi = store.runs.size > 1;
    for (const p of this.panels.values()) {
      p.chart.options = this.options(p);
      this.restyle(p, multi);
      p.chart.update('none');
      this.updateRows(p);
    }
  }

  /** Legend click: hides/shows the series (of every run) and remembers it in the view state. */
  private toggleSeries(panel: Panel, key: string): void {
    const id = `${panel.id}|${key}`;
    const hidden = this.prefs.hidden.includes(id);
    this.prefs.hidden = hidden
      ? this.prefs.hidden.filter(h => h !== id)
      : [...this.prefs.hidden, id].slice(-MAX_HIDDEN);
    for (const ref of panel.refs.values()) if (ref.series.key === key) configureDataset(panel, ref, this.prefs);
    panel.chart.update('none');
    this.updateRows(panel);
    this.onPrefsChange();
  }

  private setRange(panel: Panel, range: { min: number; max: number } | undefined, update = true): void {
    panel.range =
      range && Number.isFinite(range.min) && Number.isFinite(range.max) && range.max > range.min ? range : undefined;
    const x = panel.chart.options.scales?.x as { min?: number; max?: number } | undefined;
    if (x) {
      x.min = panel.range?.min;
      x.max = panel.range?.max;
    }
    panel.resetZoom.hidden = !panel.range;
    for (const ref of panel.refs.values()) bindDataset(panel, ref);
    if (panel.range) panel.section.dataset.zoom = `${panel.range.min},${panel.range.max}`;
    else delete panel.section.dataset.zoom;
    if (update) panel.chart.update('none');
  }

  private updateRows(panel: Panel): void {
    updateRows(panel, this.prefs.smoothing, key => this.toggleSeries(panel, key));
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
            const ds: TaggedDataset = {
              label: multi ? `${run.info.label} · ${s.name}` : s.name,
              data: s.points,
              tlRun: runIndex,
              tlRole: ROLE_RANK[s.role],
            };
            const ref: DatasetRef = { ds, series: s, run, runIndex, seriesIndex, mapper: null, lod: new MinMaxLod() };
            panel.refs.set(key, ref);
            panel.datasets.push(ds);
            // bound to its data when the chart is drawn
            configureDataset(panel, ref, this.prefs, false);
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
    for (const ref of panel.refs.values()) bindDataset(panel, ref);
    if (this.store) this.bands.apply(panel, this.store, this.prefs.xAxis, this.theme.palette);
    if (panel.added) {
      panel.added = false;
      // (re)style all: tints depend on how many layers there are
      this.restyle(panel, multi);
    }
    panel.chart.update('none');
    this.updateRows(panel);
    panel.section.dataset.drawn = '1';
  }

  private restyle(panel: Panel, multi: boolean): void {
    let layers = 0;
    for (const ref of panel.refs.values()) layers = Math.max(layers, ref.seriesIndex + 1);
    for (const ref of panel.refs.values()) styleDataset(ref, this.theme, this.prefs.smoothing, multi, panel.id, layers);
  }

  private options(panel: Panel | ChartId) {
    const id = typeof panel === 'string' ? panel : panel.id;
    return chartOptions(id, this.theme, this.prefs, this.panels.get(id)?.range);
  }

  private addPanel(id: ChartId, before: Element | null): Panel {
    const panel = createPanel(id, this.container, before, {
      options: chartId => this.options(chartId),
      highlighted: () => this.highlighted,
      xOf: step => this.xMap(step),
      highlightColor: () => this.theme.highlight,
      extraTools: chartId => (chartId === 'loss' ? [this.logToggle()] : []),
    });
    this.panels.set(id, panel);
    this.io?.observe(panel.section);
    panel.resetZoom.addEventListener('click', () => this.setRange(panel, undefined));
    panel.tools.csv.addEventListener('click', () => exportCsv(panel));
    panel.tools.png.addEventListener('click', () => exportPng(panel, this.theme.background));
    wireZoom(panel, range => this.setRange(panel, range));
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
        p.chart.options = this.options(p);
        p.chart.update('none');
      }
      this.onPrefsChange();
    });
    return b;
  }
}
