/**
 * How a chart looks: chart.js options per chart kind (axes, log ticks, tooltip) and each dataset's style (colour per
 * run or layer, dashes, widths, markers). Pure functions of the theme and the view's preferences.
 */
import type { ChartDataset, ChartOptions, ScaleOptionsByType, TooltipItem } from 'chart.js';
import { chartMeta, type ChartId, type Point, type RunState, type Series, type XAxisMode } from './dashboardState';
import { mixColors, seriesColor, withAlpha, type Theme } from './theme';
import { formatNumber, logTickLabel } from './format';
import type { MinMaxLod, SmoothedSeries } from './smoothing';

export type LineDataset = ChartDataset<'line', Point[]>;
/** our dataset tags (chart.js ignores unknown keys); tlRole 9 marks the faint raw line under a smoothed series */
export type TaggedDataset = LineDataset & { tlRun?: number; tlRole?: number };

/** One series of one run on one chart, and what derives its drawn data. */
export interface DatasetRef {
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
  row?: {
    tr: HTMLTableRowElement;
    button: HTMLButtonElement;
    swatch: HTMLElement;
    step: HTMLElement;
    value: HTMLElement;
    smooth: HTMLElement;
  };
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

export const X_TITLES: Record<XAxisMode, string> = { step: 'step', epoch: 'epoch', time: 'time (s)' };
export const ROLE_RANK: Record<Series['role'], number> = { batch: 0, epoch: 1, val: 2, layer: 3 };
const DASHES: number[][] = [[], [6, 3], [2, 2], [8, 3, 2, 3], [12, 4]];

function legendKey(ds: unknown): [number, number] {
  const t = ds as TaggedDataset;
  return [t.tlRun ?? 0, t.tlRole ?? 0];
}

/** Per-batch series of these charts are smoothed (a schedule's rate, momentum or a tensor count is exact: never smoothed). */
export function isSmoothable(series: Series, chartId: ChartId): boolean {
  return series.role === 'batch' && chartId !== 'lr' && chartId !== 'momentum' && chartId !== 'memory';
}

/**
 * Per-epoch values and the sparse dead-unit samples get markers; a lone point of any series stays visible.
 * A number, not a scriptable option: chart.js then shares one resolved option object across all points.
 */
export function applyPointRadius(ref: DatasetRef, chartId: ChartId): void {
  const n = ref.series.points.length;
  const perEpoch = ref.series.role === 'epoch' || ref.series.role === 'val';
  const r = n <= 1 || ((perEpoch || chartId === 'dead-relu') && n <= 24) ? 2.5 : 0;
  if (ref.ds.pointRadius !== r) ref.ds.pointRadius = r;
}

/** Colours, dashes and widths of a dataset (and of its raw line) for the theme and the number of runs and layers. */
export function styleDataset(
  ref: DatasetRef,
  theme: Theme,
  smoothing: number,
  multi: boolean,
  chartId: ChartId,
  layerCount: number,
): void {
  const { ds, series, runIndex, seriesIndex } = ref;
  // one colour per run when comparing; else per layer, or fixed per role (batch / epoch / val) whatever the log order
  // the training loss at the epoch-end weights is per epoch like the epoch loss: its own colour and a dotted line
  const endLoss = series.key === 'epoch:end_loss';
  const slot = multi
    ? runIndex
    : series.role === 'layer'
      ? seriesIndex
      : endLoss
        ? ROLE_RANK.layer
        : ROLE_RANK[series.role];
  let color = seriesColor(theme, slot);
  let dash: number[] = series.role === 'val' || series.key === 'clip:threshold' ? [6, 4] : endLoss ? [2, 3] : [];
  if (multi && series.role === 'layer' && seriesIndex > 0) {
    // the run's colour, one tint per layer (lighter = deeper); dashes if the colour syntax is unknown
    const tint = mixColors(color, theme.foreground, (0.55 * seriesIndex) / Math.max(1, layerCount - 1));
    if (tint) color = tint;
    else dash = DASHES[seriesIndex % DASHES.length];
  }
  const perEpoch = series.role === 'epoch' || series.role === 'val';
  ds.borderColor = series.role === 'batch' && multi ? withAlpha(color, 0.6) : color;
  ds.backgroundColor = color;
  // high contrast: wider lines (and a less faint raw line below), as VS Code widens its borders there
  const hc = theme.kind === 'high-contrast' || theme.kind === 'high-contrast-light';
  ds.borderWidth = (perEpoch ? 2 : isSmoothable(series, chartId) ? 1.25 : 1.5) + (hc ? 0.75 : 0);
  applyPointRadius(ref, chartId);
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
    if (smoothing > 0) ds.borderWidth = hc ? 2.25 : 1.5;
  }
}

/** The y axis of each chart kind. */
function yAxis(id: ChartId, t: Theme, logLoss: boolean): Record<string, unknown> {
  const meta = chartMeta(id);
  const font = { family: t.fontFamily, size: Math.max(10, t.fontSize - 2) };
  const grid = { color: t.grid, tickColor: t.grid };
  const border = { color: t.grid };
  const title = (text: string) => ({ display: true, text, color: t.muted, font });
  const yTicks = { color: t.muted, font, maxTicksLimit: 6 };
  // no tick limit on log axes: chart.js would drop ticks and leave the labelled ones out
  const logTicks = {
    color: t.muted,
    font,
    autoSkip: false,
    callback: (v: number | string, _i: number, all: Array<{ value: number }>) => logTickLabel(Number(v), all),
  };
  // and grid lines only where there is a label
  const logGrid = {
    tickColor: t.grid,
    color: (ctx: { tick?: { value: number }; scale?: { ticks: unknown[] } }) =>
      ctx.tick && logTickLabel(ctx.tick.value, (ctx.scale?.ticks ?? []) as Array<{ value: number }>)
        ? t.grid
        : 'transparent',
  };
  const log = (text: string) => ({ type: 'logarithmic', title: title(text), ticks: logTicks, grid: logGrid, border });
  const linear = (text: string, callback?: (v: number | string) => string, extra: Record<string, unknown> = {}) => ({
    type: 'linear',
    title: title(text),
    ticks: callback ? { ...yTicks, callback } : yTicks,
    grid,
    border,
    ...extra,
  });
  switch (meta.kind) {
    case 'grad-ratio':
      return log('first / last (log)');
    case 'grad-norms':
      return log('L2 norm (log)');
    case 'grad-clip':
      return log('global L2 norm (log)');
    case 'momentum':
      return linear('momentum', v => formatNumber(Number(v), 3));
    case 'dead-relu':
      return linear('dead units', v => `${Math.round(Number(v) * 100)}%`, { min: 0, max: 1 });
    case 'lr':
      return linear('learning rate', v => formatNumber(Number(v), 2));
    case 'memory':
      return linear('live tensors', v => formatNumber(Number(v), 3));
    case 'loss':
      return logLoss ? log('loss (log)') : linear('loss');
    default:
      return linear(id.slice('metric:'.length));
  }
}

/** chart.js options of a chart: axes for the x mode and zoom range, the theme's colours, tooltip and decimation. */
export function chartOptions(
  id: ChartId,
  t: Theme,
  prefs: ChartPrefs,
  range: { min: number; max: number } | undefined,
): ChartOptions<'line'> {
  const font = { family: t.fontFamily, size: Math.max(10, t.fontSize - 2) };
  const mode = prefs.xAxis;
  const x: ScaleOptionsByType<'linear'> | Record<string, unknown> = {
    type: 'linear',
    title: { display: true, text: X_TITLES[mode], color: t.muted, font },
    ticks: { color: t.muted, font, precision: mode === 'step' ? 0 : undefined, maxTicksLimit: 8, maxRotation: 0 },
    grid: { color: t.grid, tickColor: t.grid },
    border: { color: t.grid },
    min: range?.min,
    max: range?.max,
  };
  const y = yAxis(id, t, prefs.logLoss);
  const percent = chartMeta(id).kind === 'dead-relu';
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
          color: t.foreground,
          font,
          boxWidth: 14,
          boxHeight: 2,
          padding: 8,
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
          title: (items: TooltipItem<'line'>[]) =>
            items.length ? `${X_TITLES[mode]} ${formatNumber((items[0].raw as Point).x, 6)}` : '',
          label: (item: TooltipItem<'line'>) => {
            const v = (item.raw as Point).y;
            return `${item.dataset.label ?? ''}: ${percent ? `${(v * 100).toFixed(1)}%` : formatNumber(v, 4)}`;
          },
        },
      },
    },
  };
}
