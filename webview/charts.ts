/**
 * chart.js rendering of the store's series: one <section class="chart" data-chart="<id>"> per chart,
 * datasets share the store's point arrays (parsing off, sorted by x: decimation can work on them).
 * Only `render()` touches chart.js, and main.ts calls it at most once per animation frame.
 */
import {
  Chart, Decimation, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip,
  type ChartDataset, type ChartOptions, type ScaleOptionsByType, type TooltipItem,
} from 'chart.js';
import { chartMeta, type ChartId, type DashboardStore, type Point, type Series } from './store';
import { mixColors, seriesColor, withAlpha, type Theme } from './theme';
import { formatNumber } from './format';

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
}

interface DatasetRef {
  ds: LineDataset;
  series: Series;
  runIndex: number;
  seriesIndex: number;
}

interface Panel {
  id: ChartId;
  section: HTMLElement;
  badge: HTMLElement;
  chart: LineChart;
  refs: Map<string, DatasetRef>;
  /** per run: the chart version last drawn */
  seen: Map<string, number>;
}

const DASHES: number[][] = [[], [6, 3], [2, 2], [8, 3, 2, 3], [12, 4]];
const ROLE_RANK: Record<Series['role'], number> = { batch: 0, epoch: 1, val: 2, layer: 3 };

/** Which chart shows a finding's evidence best (it is scrolled into view when the finding is selected). */
export function chartForFinding(code: string): ChartId | 'metric' {
  if (/gradient|non-finite|unchanged-weights/.test(code)) return 'grad-norms';
  if (code === 'dead-relu') return 'dead-relu';
  if (code === 'slow-convergence' || code === 'oscillating-loss') return 'metric';
  return 'loss';
}

export class ChartsView {
  private panels = new Map<ChartId, Panel>();
  private generation = -1;
  /** steps shaded on every chart (the selected finding's range) */
  private highlighted: { fromStep: number; toStep: number } | undefined;

  constructor(
    private readonly container: HTMLElement,
    private theme: Theme,
    private readonly prefs: ChartPrefs,
    private readonly onPrefsChange: () => void,
  ) {}

  clear(): void {
    for (const p of this.panels.values()) {
      p.chart.destroy();
      p.section.remove();
    }
    this.panels.clear();
  }

  render(store: DashboardStore): void {
    if (store.generation !== this.generation) {
      this.clear();
      this.generation = store.generation;
    }
    const multi = store.runs.size > 1;
    const ids = store.chartIds();
    ids.forEach((id, i) => {
      const at = this.container.children[i] ?? null;
      const panel = this.panels.get(id) ?? this.createPanel(id, at);
      if (at !== panel.section) this.container.insertBefore(panel.section, at);
      this.sync(panel, store, multi);
    });
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
    }
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
            const ref: DatasetRef = { ds, series: s, runIndex, seriesIndex };
            panel.refs.set(key, ref);
            panel.chart.data.datasets.push(ds);
            added = true;
          });
        }
      }
      runIndex++;
    }
    if (!changed && panel.section.dataset.series !== undefined) return;
    if (added) {
      // (re)style all: tints depend on how many layers there are
      const layers = this.layerCount(panel);
      for (const ref of panel.refs.values()) this.style(ref, multi, panel.id, layers);
      // taller charts when the legend has many entries (about four per row)
      const rows = Math.ceil(panel.refs.size / 4);
      (panel.section.querySelector('.chart-body') as HTMLElement).style.height = `${Math.min(440, 250 + 18 * Math.max(0, rows - 2))}px`;
    }
    panel.chart.update('none');
    let points = 0;
    for (const ref of panel.refs.values()) points += ref.series.points.length;
    panel.section.dataset.series = String(panel.refs.size);
    panel.section.dataset.points = String(points);
    panel.section.dataset.nonfinite = String(nonFinite);
    panel.badge.hidden = nonFinite === 0;
    panel.badge.textContent = nonFinite ? `\u26a0 ${nonFinite} non-finite` : '';
    panel.badge.title = `${nonFinite} value${nonFinite === 1 ? '' : 's'} were NaN or Infinity and are not plotted`;
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
    if (meta.kind === 'loss') head.append(this.logToggle());
    const body = document.createElement('div');
    body.className = 'chart-body';
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', meta.title);
    body.append(canvas);
    section.append(head, body);
    this.container.insertBefore(section, before);
    const chart: LineChart = new Chart(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: this.options(id),
      plugins: [{
        id: 'tl-highlight',
        // the selected finding's steps, as UMLAUT shades the epochs where an error was captured
        beforeDatasetsDraw: c => {
          const h = this.highlighted;
          const xs = c.scales.x;
          if (!h || !xs) return;
          const a = c.chartArea;
          const left = Math.max(a.left, xs.getPixelForValue(h.fromStep - 0.5));
          const right = Math.min(a.right, Math.max(left + 2, xs.getPixelForValue(h.toStep + 0.5)));
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
          section.dataset.plot = [a.left, a.top, a.right, a.bottom].map(v => Math.round(v)).join(',');
        },
      }],
    });
    const panel: Panel = { id, section, badge, chart, refs: new Map(), seen: new Map() };
    this.panels.set(id, panel);
    return panel;
  }

  private logToggle(): HTMLElement {
    const b = document.createElement('button');
    b.className = 'toggle';
    b.type = 'button';
    b.textContent = 'log y';
    b.title = 'Logarithmic loss axis';
    b.setAttribute('aria-pressed', String(this.prefs.logLoss));
    b.addEventListener('click', () => {
      this.prefs.logLoss = !this.prefs.logLoss;
      b.setAttribute('aria-pressed', String(this.prefs.logLoss));
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
    let dash: number[] = series.role === 'val' ? [6, 4] : [];
    if (multi && series.role === 'layer' && seriesIndex > 0) {
      // the run's colour, one tint per layer (lighter = deeper); dashes if the colour syntax is unknown
      const tint = mixColors(color, foreground, (0.55 * seriesIndex) / Math.max(1, layerCount - 1));
      if (tint) color = tint;
      else dash = DASHES[seriesIndex % DASHES.length];
    }
    const perEpoch = series.role === 'epoch' || series.role === 'val';
    ds.borderColor = series.role === 'batch' && multi ? withAlpha(color, 0.6) : color;
    ds.backgroundColor = color;
    ds.borderWidth = perEpoch ? 2 : series.role === 'batch' && chartId !== 'lr' ? 1.25 : 1.5;
    // per-epoch values and the sparse dead-unit samples get markers; a lone point of any series stays visible
    ds.pointRadius = ctx => {
      const n = (ctx.dataset.data as Point[]).length;
      return n <= 1 || ((perEpoch || chartId === 'dead-relu') && n <= 24) ? 2.5 : 0;
    };
    ds.pointHoverRadius = 4;
    ds.borderDash = dash;
    // markers at 0% / 100% sit on the chart edge: let them show whole
    if (chartId === 'dead-relu') ds.clip = 4;
    ds.tension = 0;
    ds.fill = false;
    // per-epoch values on top of the per-step noise (chart.js draws lower `order` last)
    ds.order = perEpoch ? 0 : 1;
  }

  private options(id: ChartId): ChartOptions<'line'> {
    const t = this.theme;
    const meta = chartMeta(id);
    const font = { family: t.fontFamily, size: Math.max(10, t.fontSize - 2) };
    const grid = { color: t.grid, tickColor: t.grid };
    const border = { color: t.grid };
    const x: ScaleOptionsByType<'linear'> | Record<string, unknown> = {
      type: 'linear',
      title: { display: true, text: 'step', color: t.muted, font },
      ticks: { color: t.muted, font, precision: 0, maxTicksLimit: 8, maxRotation: 0 },
      grid, border,
    };
    let y: Record<string, unknown>;
    const yTicks = { color: t.muted, font, maxTicksLimit: 6 };
    // no tick limit on log axes: chart.js would drop ticks and leave the labelled ones out
    const logTicks = { color: t.muted, font, autoSkip: false };
    // and grid lines only where there is a label
    const logGrid = {
      tickColor: t.grid,
      color: (ctx: { tick?: { value: number }; scale?: { ticks: unknown[] } }) =>
        ctx.tick && logTick(ctx.tick.value, ctx.scale?.ticks.length ?? 0) ? t.grid : 'transparent',
    };
    switch (meta.kind) {
      case 'grad-norms':
        y = { type: 'logarithmic', title: { display: true, text: 'L2 norm (log)', color: t.muted, font }, ticks: { ...logTicks, callback: (v: number | string, _i: number, all: unknown[]) => logTick(Number(v), all.length) }, grid: logGrid, border };
        break;
      case 'dead-relu':
        y = { type: 'linear', min: 0, max: 1, title: { display: true, text: 'dead units', color: t.muted, font }, ticks: { ...yTicks, callback: (v: number | string) => `${Math.round(Number(v) * 100)}%` }, grid, border };
        break;
      case 'lr':
        y = { type: 'linear', title: { display: true, text: 'learning rate', color: t.muted, font }, ticks: { ...yTicks, callback: (v: number | string) => formatNumber(Number(v), 2) }, grid, border };
        break;
      case 'loss':
        y = this.prefs.logLoss
          ? { type: 'logarithmic', title: { display: true, text: 'loss (log)', color: t.muted, font }, ticks: { ...logTicks, callback: (v: number | string, _i: number, all: unknown[]) => logTick(Number(v), all.length) }, grid: logGrid, border }
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
        decimation: { enabled: true, algorithm: 'lttb' },
        legend: {
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
          callbacks: {
            title: (items: TooltipItem<'line'>[]) => (items.length ? `step ${(items[0].raw as Point).x}` : ''),
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

/** Log-axis label: every tick when there are few, else only 1/2/5 x 10^k so the axis stays readable. */
function logTick(v: number, count: number): string {
  if (!(v > 0)) return '';
  if (count <= 7) return formatNumber(v, 2);
  const m = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
  return [1, 2, 5].some(k => Math.abs(m - k) < 1e-6) ? formatNumber(v, 1) : '';
}
