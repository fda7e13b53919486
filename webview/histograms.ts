/**
 * Histograms over time, as TensorBoard's "offset"-less heatmap: one canvas per layer, x = recorded step
 * (one column per histogram), y = value (each histogram's own bin edges, on a range shared by the layer's samples),
 * colour = the bin's share of that step's largest bin. Gradients and activations get a section each, with the
 * non-finite count and a small table of the latest histogram (the text alternative).
 * Drawn with ImageData (no per-cell fillRect): 10 layers x 500 histograms redraw in a few ms.
 */
import type { DashboardStore, HistogramSeries, RunState } from './dashboardState';
import { parseColor, seriesColor, type Theme } from './theme';
import { formatNumber } from './format';
import { setPressed, vscodeButton } from './vscode-controls';
import { HEIGHT, paintHeatmap, valueRange } from './heatmap';

interface LayerPanel {
  fig: HTMLElement;
  canvas: HTMLCanvasElement;
  badge: HTMLElement;
  axis: HTMLElement;
  table: HTMLElement;
  /** what was drawn: series version, width, shared range, colour */
  drawn: string;
  visible: boolean;
  lastDraw: number;
}

const KINDS: Array<{ of: HistogramSeries['of']; id: string; title: string; note: string }> = [
  { of: 'grad', id: 'hist-grad', title: 'Gradients', note: 'gradient value distribution per layer over steps' },
  {
    of: 'activation',
    id: 'hist-activation',
    title: 'Activations',
    note: 'activation distribution per layer over steps: mass piled at the ends means saturation',
  },
  { of: 'weight', id: 'hist-weight', title: 'Weights', note: 'weight distribution per layer over steps' },
  { of: 'custom', id: 'hist-custom', title: 'Custom histograms', note: "the job's logHistogram() series over steps" },
];

/** Per-frame drawing budget (ms) for heatmaps (in view first). */
const FRAME_BUDGET_MS = 6;

interface Entry {
  run: RunState;
  runIndex: number;
  h: HistogramSeries;
  id: string;
}

/**
 * One heatmap per layer; when runs are compared, one per run and layer, side by side (same layer next to each other,
 * on the layer's value range over every shown run, in the run's colour), with toggles to show or hide runs.
 */
export class HistogramsView {
  private readonly root: HTMLElement;
  private readonly picker: HTMLElement;
  private readonly sections = new Map<
    string,
    { section: HTMLElement; grid: HTMLElement; shape: string; width: number }
  >();
  private readonly layers = new Map<string, LayerPanel>();
  private readonly hiddenRuns = new Set<string>();
  private pickerKey = '';
  private generation = -1;
  private resizes = 0;
  private readonly io: IntersectionObserver | undefined;
  /** heatmaps still waiting to be drawn after the last render (main.ts renders again while > 0) */
  pending = 0;
  /** set by main.ts: a heatmap scrolled into view (or a run toggled) needs a render */
  onNeedsDraw: (() => void) | undefined;

  constructor(
    after: HTMLElement,
    private theme: Theme,
  ) {
    window.addEventListener('resize', () => this.resizes++);
    this.root = document.createElement('div');
    this.root.id = 'histograms';
    this.root.className = 'histograms';
    this.picker = document.createElement('div');
    this.picker.id = 'hist-runs';
    this.picker.className = 'hist-runs';
    this.picker.setAttribute('role', 'group');
    this.picker.setAttribute('aria-label', 'Runs whose histograms are shown');
    this.picker.hidden = true;
    after.after(this.root);
    this.io =
      typeof IntersectionObserver === 'function'
        ? new IntersectionObserver(
            entries => {
              let shown = false;
              for (const e of entries) {
                const p = [...this.layers.values()].find(x => x.fig === e.target);
                if (!p) continue;
                p.visible = e.isIntersecting;
                shown ||= p.visible;
              }
              if (shown) this.onNeedsDraw?.();
            },
            { rootMargin: '200px 0px' },
          )
        : undefined;
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    for (const l of this.layers.values()) l.drawn = '';
    this.pickerKey = '';
  }

  render(store: DashboardStore): void {
    if (store.generation !== this.generation) {
      this.generation = store.generation;
      this.io?.disconnect();
      this.root.textContent = '';
      this.root.append(this.picker);
      this.sections.clear();
      this.layers.clear();
      this.pickerKey = '';
    }
    const runs: Array<{ run: RunState; runIndex: number }> = [];
    let i = 0;
    for (const run of store.runs.values()) {
      if (run.histograms.size > 0) runs.push({ run, runIndex: i });
      i++;
    }
    const multi = runs.length > 1;
    this.renderPicker(runs, multi);
    const t0 = performance.now();
    const visible: Array<() => void> = [];
    const waiting: Array<() => void> = [];
    let figures = 0;
    for (const kind of KINDS) {
      // layer-major: a layer's heatmaps of every run next to each other
      const order: string[] = [];
      const byKey = new Map<string, Entry[]>();
      for (const { run, runIndex } of runs) {
        for (const h of run.histograms.values()) {
          if (h.of !== kind.of) continue;
          let list = byKey.get(h.key);
          if (!list) {
            byKey.set(h.key, (list = []));
            order.push(h.key);
          }
          list.push({ run, runIndex, h, id: `${run.info.runId}\u0000${h.key}` });
        }
      }
      if (order.length === 0) continue;
      const sec = this.section(kind);
      const entries = order.flatMap(k => byKey.get(k)!);
      entries.forEach((e, j) => {
        const p = this.ensureLayer(e, multi);
        if (sec.grid.children[j] !== p.fig) sec.grid.insertBefore(p.fig, sec.grid.children[j] ?? null);
        const hide = multi && this.hiddenRuns.has(e.run.info.runId);
        if (p.fig.hidden !== hide) p.fig.hidden = hide;
      });
      // the grid's cells share a width: read (a forced layout) only when the grid may have changed
      const shape = `${this.resizes}|${entries.length}|${[...this.hiddenRuns].join(',')}`;
      if (sec.shape !== shape) {
        sec.shape = shape;
        sec.width = Math.max(
          50,
          Math.floor((sec.grid.querySelector('figure.hist:not([hidden])') as HTMLElement | null)?.clientWidth || 300) -
            18,
        );
      }
      const width = sec.width;
      for (const key of order) {
        const list = byKey.get(key)!.filter(e => !(multi && this.hiddenRuns.has(e.run.info.runId)));
        // compared runs share the layer's value range: the same value is on the same row in each
        const range = multi ? valueRange(list.flatMap(e => e.h.samples)) : undefined;
        for (const e of list) {
          const p = this.layers.get(e.id)!;
          const rgb = parseColor(
            multi
              ? seriesColor(this.theme, e.runIndex)
              : this.theme.palette[kind.of === 'grad' ? 0 : kind.of === 'activation' ? 1 : 2],
          ) ?? [55, 148, 255];
          const want = `${e.h.version}|${width}|${this.resizes}|${range ? `${range.yMin},${range.yMax}` : ''}|${rgb.join(',')}|${this.theme.background}`;
          if (p.drawn === want) continue;
          figures++;
          const draw = (): void => this.renderLayer(p, e.h, width, rgb, range, want);
          if (p.visible) visible.push(draw);
          else waiting.push(draw);
        }
      }
    }
    // in view first (at least one per frame), then out of view, as many as fit in the frame's budget; the rest
    // in the next frames
    let left = 0;
    let drawn = 0;
    for (const draw of [...visible, ...waiting]) {
      if (drawn > 0 && performance.now() - t0 > FRAME_BUDGET_MS) left++;
      else {
        draw();
        drawn++;
      }
    }
    this.pending = left;
    if (figures || left) document.body.dataset.histPending = String(left);
  }

  private renderPicker(runs: Array<{ run: RunState; runIndex: number }>, multi: boolean): void {
    const key = JSON.stringify([
      multi,
      this.theme.palette,
      runs.map(r => [r.run.info.runId, r.run.info.label, r.runIndex]),
      [...this.hiddenRuns],
    ]);
    if (key === this.pickerKey) return;
    this.pickerKey = key;
    this.picker.hidden = !multi;
    this.picker.textContent = '';
    if (!multi) return;
    const label = document.createElement('span');
    label.className = 'hint';
    label.textContent = 'Histograms of ';
    this.picker.append(label);
    for (const { run, runIndex } of runs) {
      const b = vscodeButton('', { className: 'toggle', title: `Show or hide the histograms of ${run.info.label}` });
      b.dataset.runId = run.info.runId;
      setPressed(b, !this.hiddenRuns.has(run.info.runId));
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.backgroundColor = seriesColor(this.theme, runIndex);
      b.append(swatch, run.info.label);
      b.addEventListener('click', () => {
        const id = run.info.runId;
        if (this.hiddenRuns.has(id)) this.hiddenRuns.delete(id);
        // at least one run stays shown
        else if (runs.some(r => r.run.info.runId !== id && !this.hiddenRuns.has(r.run.info.runId)))
          this.hiddenRuns.add(id);
        this.pickerKey = '';
        this.onNeedsDraw?.();
      });
      this.picker.append(b);
    }
  }

  private section(kind: (typeof KINDS)[number]): {
    section: HTMLElement;
    grid: HTMLElement;
    shape: string;
    width: number;
  } {
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
      // sections in KINDS order
      const after = KINDS.slice(KINDS.indexOf(kind) + 1)
        .map(k => this.sections.get(k.of)?.section)
        .find(x => x);
      this.root.insertBefore(section, after ?? null);
      sec = { section, grid, shape: '', width: 300 };
      this.sections.set(kind.of, sec);
    }
    return sec;
  }

  private ensureLayer(e: Entry, multi: boolean): LayerPanel {
    const { h } = e;
    let p = this.layers.get(e.id);
    if (!p) {
      const fig = document.createElement('figure');
      fig.className = 'hist';
      fig.dataset.layer = h.layer;
      fig.dataset.key = h.key;
      fig.dataset.runId = e.run.info.runId;
      const cap = document.createElement('figcaption');
      const name = h.variable
        ? h.variable.startsWith(`${h.layer}/`)
          ? h.variable
          : `${h.layer} / ${h.variable}`
        : h.layer;
      const badge = document.createElement('span');
      badge.className = 'badge warn';
      badge.hidden = true;
      const runLabel = document.createElement('span');
      runLabel.className = 'hist-run';
      cap.append(runLabel, name, ' ', badge);
      const canvas = document.createElement('canvas');
      canvas.setAttribute('role', 'img');
      const axis = document.createElement('div');
      axis.className = 'hist-axis';
      const details = document.createElement('details');
      const summary = document.createElement('summary');
      summary.textContent = 'latest histogram';
      const table = document.createElement('table');
      table.className = 'hist-table';
      details.append(summary, table);
      fig.append(cap, canvas, axis, details);
      p = { fig, canvas, badge, axis, table, drawn: '', visible: true, lastDraw: 0 };
      this.layers.set(e.id, p);
      this.io?.observe(fig);
    }
    // the run's name and colour when comparing (a run may join a single-run view later)
    const runLabel = p.fig.querySelector('.hist-run') as HTMLElement;
    const name = h.variable
      ? h.variable.startsWith(`${h.layer}/`)
        ? h.variable
        : `${h.layer} / ${h.variable}`
      : h.layer;
    const text = multi ? `${e.run.info.label} · ` : '';
    if (runLabel.textContent !== text) {
      runLabel.textContent = text;
      runLabel.style.color = multi ? seriesColor(this.theme, e.runIndex) : '';
      p.canvas.setAttribute(
        'aria-label',
        `${multi ? `${e.run.info.label}: ` : ''}${name}: ${h.of} histogram over steps (latest values in the table)`,
      );
    }
    return p;
  }

  private renderLayer(
    p: LayerPanel,
    h: HistogramSeries,
    width: number,
    rgb: [number, number, number],
    range: { yMin: number; yMax: number } | undefined,
    drawn: string,
  ): void {
    p.drawn = drawn;
    p.lastDraw = performance.now();
    const dpr = 1;
    p.canvas.width = width * dpr;
    p.canvas.height = HEIGHT * dpr;
    const ctx = p.canvas.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(p.canvas.width, p.canvas.height);
    const bg = parseColor(this.theme.background) ?? [30, 30, 30];
    const layout = paintHeatmap(img, h.samples, rgb, bg, range);
    ctx.putImageData(img, 0, 0);
    const first = h.samples[0];
    const last = h.samples[h.samples.length - 1];
    p.fig.dataset.samples = String(h.samples.length);
    p.fig.dataset.range = `${layout.yMin},${layout.yMax}`;
    p.fig.dataset.nonfinite = String(h.nonFinite);
    p.fig.dataset.color = rgb.join(',');
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
      for (let j = 0; j < last.counts.length; j++) {
        const tr = document.createElement('tr');
        const a = document.createElement('td');
        a.textContent = `${formatNumber(last.edges[j], 3)} … ${formatNumber(last.edges[j + 1], 3)}`;
        const b = document.createElement('td');
        b.className = 'num';
        b.textContent = String(last.counts[j]);
        tr.append(a, b);
        p.table.append(tr);
      }
    }
  }
}
