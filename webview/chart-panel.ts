/**
 * One chart's section of the dashboard: its DOM (title, non-finite badge, tools, canvas, the table of latest values
 * that doubles as the legend), its chart.js instance (made on first use), the highlight shading, and its exports.
 */
import { Chart, type ChartOptions } from 'chart.js';
import { chartMeta, type ChartId } from './dashboardState';
import { withAlpha } from './theme';
import { formatNumber } from './format';
import { chartCsv, download, downloadText, safeFileName } from './export';
import { vscodeButton, type VscodeButton } from './vscode-controls';
import { ROLE_RANK, type DatasetRef, type LineDataset } from './chart-options';
import type { Point } from './dashboardState';

export type LineChart = Chart<'line', Point[]>;

export interface Panel {
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
  /** the export and zoom-reset buttons */
  tools: { csv: VscodeButton; png: VscodeButton };
}

/** What a panel asks of the view that owns it. */
export interface PanelHost {
  options(id: ChartId): ChartOptions<'line'>;
  /** the selected finding's steps, shaded on every chart */
  highlighted(): { fromStep: number; toStep: number } | undefined;
  /** step -> shown x (the x-axis mode of the first run) */
  xOf(step: number): number;
  highlightColor(): string;
  /** extra tools in the chart's head (the loss chart's log toggle) */
  extraTools(id: ChartId): HTMLElement[];
}

/** Builds the section and inserts it before `before` first: chart.js must see the canvas's real size. */
export function createPanel(id: ChartId, container: HTMLElement, before: Element | null, host: PanelHost): Panel {
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
  const toolbox = document.createElement('div');
  toolbox.className = 'chart-tools';
  const tool = (text: string, title: string, cls: string): VscodeButton => {
    const b = vscodeButton(text, { className: `tool ${cls}`, title });
    toolbox.append(b);
    return b;
  };
  const resetZoom = tool('reset zoom', 'Show all steps (or double-click the chart)', 'reset-zoom');
  resetZoom.hidden = true;
  toolbox.append(...host.extraTools(id));
  const csv = tool('CSV', 'Download every series of this chart as CSV', 'export-csv');
  const png = tool('PNG', 'Download this chart as a PNG image', 'export-png');
  head.append(toolbox);
  const body = document.createElement('div');
  body.className = 'chart-body';
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute(
    'aria-label',
    `${meta.title} (current values in the table below; +/- zoom, arrows pan, 0 resets)`,
  );
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
  container.insertBefore(section, before);
  const datasets: LineDataset[] = [];
  const make = (): LineChart =>
    new Chart(canvas, {
      type: 'line',
      data: { datasets },
      options: host.options(id),
      plugins: [
        {
          id: 'tl-highlight',
          // the selected finding's steps, as UMLAUT shades the epochs where an error was captured
          beforeDatasetsDraw: c => {
            const h = host.highlighted();
            const xs = c.scales.x;
            if (!h || !xs) return;
            const a = c.chartArea;
            const left = Math.max(a.left, xs.getPixelForValue(host.xOf(h.fromStep - 0.5)));
            const right = Math.min(a.right, Math.max(left + 2, xs.getPixelForValue(host.xOf(h.toStep + 0.5))));
            if (right <= a.left || left >= a.right) return;
            c.ctx.save();
            c.ctx.fillStyle = withAlpha(host.highlightColor(), 0.18);
            c.ctx.fillRect(left, a.top, right - left, a.bottom - a.top);
            c.ctx.restore();
          },
        },
        {
          id: 'tl-plot-area',
          // the plot rectangle in canvas CSS pixels (tests check that data, not only axes, is drawn)
          afterLayout: c => {
            const a = c.chartArea;
            const plot = [a.left, a.top, a.right, a.bottom].map(v => Math.round(v)).join(',');
            if (section.dataset.plot !== plot) section.dataset.plot = plot;
          },
        },
      ],
    });
  return {
    id,
    section,
    badge,
    resetZoom,
    tbody,
    canvas,
    datasets,
    refs: new Map(),
    seen: new Map(),
    visible: true,
    dirty: false,
    added: false,
    lastDraw: 0,
    tools: { csv, png },
    get chart(): LineChart {
      return (this.made ??= make());
    },
  };
}

/** The panel's datasets in legend order: run, then batch / epoch / val / layer. */
export function refsInOrder(panel: Panel): DatasetRef[] {
  return [...panel.refs.values()].sort(
    (a, b) => a.runIndex - b.runIndex || ROLE_RANK[a.series.role] - ROLE_RANK[b.series.role],
  );
}

/** Current values as text (the chart's text alternative and its legend); a row's button hides or shows its series. */
export function updateRows(panel: Panel, smoothing: number, onToggle: (key: string) => void): void {
  const percent = panel.id === 'dead-relu';
  const fmt = (v: number): string => (percent ? `${(v * 100).toFixed(1)}%` : formatNumber(v, 4));
  refsInOrder(panel).forEach((ref, i) => {
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
      button.addEventListener('click', () => onToggle(ref.series.key));
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
    const sm = ref.mapper && smoothing > 0 && ref.raw ? ref.mapper.lastY() : undefined;
    set(row.smooth, sm === undefined ? '' : fmt(sm));
  });
}

export function exportCsv(panel: Panel): void {
  const csv = chartCsv(
    refsInOrder(panel).map(r => ({ name: String(r.ds.label ?? r.series.name), points: r.series.points })),
  );
  downloadText(`${safeFileName(chartMeta(panel.id).title)}.csv`, csv);
}

/** The canvas on the theme's background (a transparent PNG is unreadable in the other theme). */
export function exportPng(panel: Panel, background: string): void {
  const src = panel.canvas;
  const out = document.createElement('canvas');
  out.width = src.width;
  out.height = src.height;
  const ctx = out.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(src, 0, 0);
  download(`${safeFileName(chartMeta(panel.id).title)}.png`, out.toDataURL('image/png'));
}
