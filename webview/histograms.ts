/**
 * Histograms over time, as TensorBoard's "offset"-less heatmap: one canvas per layer, x = recorded step
 * (one column per histogram), y = value (each histogram's own bin edges, on a range shared by the layer's samples),
 * colour = the bin's share of that step's largest bin. Gradients and activations get a section each, with the
 * non-finite count and a small table of the latest histogram (the text alternative).
 * Drawn with ImageData (no per-cell fillRect): 10 layers x 500 histograms redraw in a few ms.
 */
import type { DashboardStore, HistogramSample, HistogramSeries } from './store';
import { parseColor, type Theme } from './theme';
import { formatNumber } from './format';

const HEIGHT = 140;

export interface HeatmapLayout {
  /** value range shown (bottom .. top) */
  yMin: number;
  yMax: number;
  /** for each pixel column, the index of the sample it shows (-1: none) */
  columns: Int32Array;
}

/** Value range over every finite edge of the samples (a degenerate range is widened by ±0.5). */
export function valueRange(samples: readonly HistogramSample[]): { yMin: number; yMax: number } {
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const s of samples) {
    for (const e of s.edges) {
      if (!Number.isFinite(e)) continue;
      if (e < yMin) yMin = e;
      if (e > yMax) yMax = e;
    }
  }
  if (!Number.isFinite(yMin)) return { yMin: -0.5, yMax: 0.5 };
  if (yMax - yMin < 1e-12) return { yMin: yMin - 0.5, yMax: yMax + 0.5 };
  return { yMin, yMax };
}

/** Pixel column c of `width` shows sample floor(c * n / width): samples get equal-width columns, left to right. */
export function heatmapLayout(samples: readonly HistogramSample[], width: number): HeatmapLayout {
  const n = samples.length;
  const columns = new Int32Array(Math.max(0, width)).fill(-1);
  if (n > 0) for (let c = 0; c < width; c++) columns[c] = Math.min(n - 1, Math.floor((c * n) / width));
  return { ...valueRange(samples), columns };
}

/** Pixel rows [top, bottom) of bin j (row 0 is the top, i.e. yMax). */
export function binRows(edges: readonly number[], j: number, yMin: number, yMax: number, height: number): [number, number] {
  const toRow = (v: number): number => Math.round(((yMax - v) / (yMax - yMin)) * height);
  const top = Math.max(0, Math.min(height, toRow(edges[j + 1])));
  const bottom = Math.max(0, Math.min(height, toRow(edges[j])));
  // every bin with a range gets at least one row
  return bottom > top ? [top, bottom] : [Math.min(top, height - 1), Math.min(top, height - 1) + 1];
}

/** Fills `img` (width x height RGBA) with the heatmap. */
export function paintHeatmap(img: ImageData, samples: readonly HistogramSample[], rgb: [number, number, number], bg: [number, number, number]): HeatmapLayout {
  const { width, height, data } = img;
  const layout = heatmapLayout(samples, width);
  for (let i = 0; i < data.length; i += 4) {
    data[i] = bg[0];
    data[i + 1] = bg[1];
    data[i + 2] = bg[2];
    data[i + 3] = 255;
  }
  let prev = -2;
  let rows: Array<[number, number, number]> = [];
  for (let c = 0; c < width; c++) {
    const si = layout.columns[c];
    if (si < 0) continue;
    if (si !== prev) {
      prev = si;
      const s = samples[si];
      let max = 0;
      for (const k of s.counts) if (k > max) max = k;
      rows = [];
      for (let j = 0; j < s.counts.length; j++) {
        if (!(s.counts[j] > 0) || !Number.isFinite(s.edges[j]) || !Number.isFinite(s.edges[j + 1])) continue;
        const [top, bottom] = binRows(s.edges, j, layout.yMin, layout.yMax, height);
        // sqrt: small bins stay visible next to a dominant one
        rows.push([top, bottom, Math.sqrt(s.counts[j] / max)]);
      }
    }
    for (const [top, bottom, a] of rows) {
      const r = Math.round(bg[0] + (rgb[0] - bg[0]) * a);
      const g = Math.round(bg[1] + (rgb[1] - bg[1]) * a);
      const b = Math.round(bg[2] + (rgb[2] - bg[2]) * a);
      for (let y = top; y < bottom; y++) {
        const o = (y * width + c) * 4;
        data[o] = r;
        data[o + 1] = g;
        data[o + 2] = b;
      }
    }
  }
  return layout;
}

interface LayerPanel {
  fig: HTMLElement;
  canvas: HTMLCanvasElement;
  badge: HTMLElement;
  axis: HTMLElement;
  table: HTMLElement;
  version: number;
  width: number;
  resizes: number;
}

const KINDS: Array<{ of: HistogramSeries['of']; id: string; title: string; note: string }> = [
  { of: 'grad', id: 'hist-grad', title: 'Gradients', note: 'gradient value distribution per layer over steps' },
  { of: 'activation', id: 'hist-activation', title: 'Activations', note: 'activation distribution per layer over steps: mass piled at the ends means saturation' },
  { of: 'weight', id: 'hist-weight', title: 'Weights', note: 'weight distribution per layer over steps' },
];

export class HistogramsView {
  private readonly root: HTMLElement;
  private readonly sections = new Map<string, { section: HTMLElement; grid: HTMLElement }>();
  private readonly layers = new Map<string, LayerPanel>();
  private generation = -1;
  private resizes = 0;

  constructor(after: HTMLElement, private theme: Theme) {
    window.addEventListener('resize', () => this.resizes++);
    this.root = document.createElement('div');
    this.root.id = 'histograms';
    this.root.className = 'histograms';
    after.after(this.root);
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    for (const l of this.layers.values()) l.version = -1;
  }

  render(store: DashboardStore): void {
    if (store.generation !== this.generation) {
      this.generation = store.generation;
      this.root.textContent = '';
      this.sections.clear();
      this.layers.clear();
    }
    // the first run's histograms (overlaying runs in one heatmap would not read)
    const run = store.primary();
    if (!run) return;
    for (const kind of KINDS) {
      const series = [...run.histograms.values()].filter(h => h.of === kind.of);
      if (series.length === 0) continue;
      let sec = this.sections.get(kind.of);
      if (!sec) {
        const section = document.createElement('section');
        section.className = 'hist-section';
        section.id = kind.id;
        section.dataset.hist = kind.of;
        const h2 = document.createElement('h2');
        h2.textContent = kind.title;
        const note = document.createElement('p');
        note.className = 'hint';
        note.textContent = `${kind.note} (colour: share of the step's largest bin)`;
        const grid = document.createElement('div');
        grid.className = 'hist-grid';
        section.append(h2, note, grid);
        this.root.append(section);
        sec = { section, grid };
        this.sections.set(kind.of, sec);
      }
      // one layout read per section (the grid's cells share a width), before any write
      const changed = series.filter(h => this.layers.get(h.key)?.version !== h.version || this.layers.get(h.key)?.resizes !== this.resizes);
      if (changed.length === 0) continue;
      for (const h of changed) this.ensureLayer(sec.grid, h);
      const width = Math.max(50, Math.floor((sec.grid.firstElementChild as HTMLElement | null)?.clientWidth || 300));
      for (const h of changed) this.renderLayer(h, width);
    }
  }

  private ensureLayer(grid: HTMLElement, h: HistogramSeries): void {
    let p = this.layers.get(h.key);
    if (!p) {
      const fig = document.createElement('figure');
      fig.className = 'hist';
      fig.dataset.layer = h.layer;
      fig.dataset.key = h.key;
      const cap = document.createElement('figcaption');
      const name = h.variable ? (h.variable.startsWith(`${h.layer}/`) ? h.variable : `${h.layer} / ${h.variable}`) : h.layer;
      const badge = document.createElement('span');
      badge.className = 'badge warn';
      badge.hidden = true;
      cap.append(name, ' ', badge);
      const canvas = document.createElement('canvas');
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `${name}: ${h.of} histogram over steps (latest values in the table)`);
      const axis = document.createElement('div');
      axis.className = 'hist-axis';
      const details = document.createElement('details');
      const summary = document.createElement('summary');
      summary.textContent = 'latest histogram';
      const table = document.createElement('table');
      table.className = 'hist-table';
      details.append(summary, table);
      fig.append(cap, canvas, axis, details);
      grid.append(fig);
      p = { fig, canvas, badge, axis, table, version: -1, width: 0, resizes: -1 };
      this.layers.set(h.key, p);
    }
  }

  private renderLayer(h: HistogramSeries, figWidth: number): void {
    const p = this.layers.get(h.key);
    if (!p) return;
    p.resizes = this.resizes;
    // the canvas spans the figure minus its padding and border
    const width = Math.max(50, figWidth - 18);
    if (p.version === h.version && p.width === width) return;
    p.version = h.version;
    p.width = width;
    const dpr = 1;
    p.canvas.width = width * dpr;
    p.canvas.height = HEIGHT * dpr;
    const ctx = p.canvas.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(p.canvas.width, p.canvas.height);
    const rgb = parseColor(this.theme.palette[h.of === 'grad' ? 0 : h.of === 'activation' ? 1 : 2]) ?? [55, 148, 255];
    const bg = parseColor(this.theme.background) ?? [30, 30, 30];
    const layout = paintHeatmap(img, h.samples, rgb, bg);
    ctx.putImageData(img, 0, 0);
    const first = h.samples[0];
    const last = h.samples[h.samples.length - 1];
    p.fig.dataset.samples = String(h.samples.length);
    p.fig.dataset.range = `${layout.yMin},${layout.yMax}`;
    p.fig.dataset.nonfinite = String(h.nonFinite);
    p.badge.hidden = h.nonFinite === 0;
    p.badge.textContent = h.nonFinite ? `\u26a0 ${h.nonFinite} non-finite` : '';
    p.axis.textContent = `steps ${first?.step ?? '–'}–${last?.step ?? '–'} · values ${formatNumber(layout.yMin, 3)} … ${formatNumber(layout.yMax, 3)}`;
    // text alternative: the latest histogram's bins
    p.table.textContent = '';
    if (last) {
      const head = document.createElement('tr');
      for (const t of ['bin', 'count']) {
        const th = document.createElement('th');
        th.textContent = t;
        th.scope = 'col';
        head.append(th);
      }
      p.table.append(head);
      last.counts.forEach((c, j) => {
        const tr = document.createElement('tr');
        const a = document.createElement('td');
        a.textContent = `${formatNumber(last.edges[j], 3)} … ${formatNumber(last.edges[j + 1], 3)}`;
        const b = document.createElement('td');
        b.className = 'num';
        b.textContent = String(c);
        tr.append(a, b);
        p!.table.append(tr);
      });
    }
  }
}
