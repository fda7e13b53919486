/**
 * Parallel coordinates of a sweep's trials (SVG): one axis per searched hyper-parameter — log axes for log
 * spaces, evenly spaced categories for choices, linear otherwise — and the score last (best at the top). Each
 * scored trial is a line across the axes. Dragging along an axis brushes a range; only the trials inside every
 * brush stay bright, and the panel filters its table and "Overlay top K" by the same test. A click on an axis
 * without a drag clears its brush. From the keyboard: Tab to an axis, ↑/↓ move a band (the first press makes one at
 * the top quarter), Shift+↑/↓ grow or shrink it, Escape clears it.
 */
import type { SearchDimension, SweepRecord, SweepTrial } from '../src/protocol';
import { formatHparam, formatMetric } from './format';

/** axis id -> brushed range of positions, 0 = bottom of the axis, 1 = top */
export type Brushes = Map<string, readonly [number, number]>;

export interface Axis {
  id: string;
  label: string;
  /** where a trial sits on the axis (0 bottom .. 1 top); undefined: not on it (no score yet) */
  pos(t: SweepTrial): number | undefined;
  ticks: Array<{ at: number; label: string }>;
  scale: 'log' | 'linear' | 'category';
}

const unit = (v: number, lo: number, hi: number) => (hi === lo ? 0.5 : (v - lo) / (hi - lo));

function hparamAxis(name: string, dim: SearchDimension): Axis {
  if (dim.scale === 'choice') {
    const at = (i: number) => (dim.values.length === 1 ? 0.5 : i / (dim.values.length - 1));
    return {
      id: `hp:${name}`,
      label: name,
      scale: 'category',
      pos: t => {
        const i = dim.values.indexOf(t.hparams[name]);
        return i < 0 ? undefined : at(i);
      },
      ticks: dim.values.map((v, i) => ({ at: at(i), label: formatHparam(v) })),
    };
  }
  const log = dim.scale === 'log';
  const f = (v: number) => (log ? Math.log10(v) : v);
  const lo = f(dim.min),
    hi = f(dim.max);
  const mid = log ? Math.sqrt(dim.min * dim.max) : (dim.min + dim.max) / 2;
  return {
    id: `hp:${name}`,
    label: name,
    scale: log ? 'log' : 'linear',
    pos: t => {
      const v = t.hparams[name];
      return typeof v === 'number' ? unit(f(v), lo, hi) : undefined;
    },
    ticks: [dim.min, mid, dim.max].map(v => ({ at: unit(f(v), lo, hi), label: formatHparam(v) })),
  };
}

function scoreAxis(s: SweepRecord): Axis {
  const values = s.trials.flatMap(t => (t.metric ? [t.metric.value] : []));
  const lo = Math.min(...values),
    hi = Math.max(...values);
  // losses span decades when some trials barely trained: a log axis keeps the good ones apart
  const log = values.length > 1 && lo > 0 && hi / lo > 20;
  const f = (v: number) => (log ? Math.log10(v) : v);
  const better = s.metric?.higherIsBetter ?? false;
  const at = (v: number) => {
    const u = unit(f(v), f(lo), f(hi));
    return better ? u : 1 - u;
  };
  return {
    id: 'score',
    label: s.metric ? `${s.metric.name} ${better ? '↑' : '↓'}` : 'score',
    scale: log ? 'log' : 'linear',
    pos: t => (t.metric ? at(t.metric.value) : undefined),
    ticks: values.length ? [...new Set([lo, hi])].map(v => ({ at: at(v), label: formatMetric(v) })) : [],
  };
}

export function axesOf(s: SweepRecord): Axis[] {
  return [...Object.entries(s.space).map(([n, d]) => hparamAxis(n, d)), scoreAxis(s)];
}

/** Is the trial inside every brush? (no brush: every trial) */
export function insideBrushes(t: SweepTrial, axes: readonly Axis[], brushes: Brushes): boolean {
  for (const [id, [lo, hi]] of brushes) {
    const axis = axes.find(a => a.id === id);
    if (!axis) continue;
    const p = axis.pos(t);
    if (p === undefined || p < lo - 1e-9 || p > hi + 1e-9) return false;
  }
  return true;
}

const NS = 'http://www.w3.org/2000/svg';
function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  ...children: Array<Node | string>
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  e.append(...children);
  return e;
}

const H = 260,
  TOP = 34,
  BOTTOM = 22,
  SIDE = 60;

export interface ParcoordsHandlers {
  onBrush(axisId: string, range: readonly [number, number] | undefined): void;
  /** a drag started (true) or ended (false): the panel holds live re-renders meanwhile */
  onDragging(dragging: boolean): void;
}

export function parcoords(s: SweepRecord, brushes: Brushes, h: ParcoordsHandlers): SVGSVGElement {
  const axes = axesOf(s);
  const width = Math.max(480, 150 * axes.length);
  const x = (i: number) => SIDE + (i * (width - 2 * SIDE)) / Math.max(1, axes.length - 1);
  const y = (p: number) => TOP + (1 - p) * (H - TOP - BOTTOM);
  const root = svg('svg', {
    id: 'parcoords',
    viewBox: `0 0 ${width} ${H}`,
    role: 'img',
    'aria-label': `Parallel coordinates of ${s.trials.length} trials: ${axes.map(a => a.label).join(', ')}`,
  });

  const lines = svg('g', { class: 'lines' });
  const drawn = s.trials.filter(t => t.metric).sort((a, b) => (b.rank ?? Infinity) - (a.rank ?? Infinity)); // best drawn last, on top
  for (const t of drawn) {
    const pts = axes.map((a, i) => {
      const p = a.pos(t);
      return p === undefined ? undefined : `${x(i).toFixed(1)},${y(p).toFixed(1)}`;
    });
    if (pts.some(p => p === undefined)) continue;
    const cls = [
      'trial',
      t.rank !== null && t.rank <= 3 ? 'top' : '',
      t.status === 'pruned' ? 'pruned' : '',
      insideBrushes(t, axes, brushes) ? '' : 'dim',
    ]
      .filter(Boolean)
      .join(' ');
    lines.append(
      svg(
        'polyline',
        { class: cls, points: pts.join(' '), 'data-trial': t.trial },
        svg('title', {}, `trial ${t.trial + 1}${t.rank ? ` (Best-${t.rank})` : ''}`),
      ),
    );
  }
  root.append(lines);

  axes.forEach((a, i) => {
    const g = svg('g', { class: `axis ${a.scale}`, 'data-axis': a.id });
    g.append(svg('line', { x1: x(i), x2: x(i), y1: y(0), y2: y(1), class: 'spine' }));
    g.append(svg('text', { x: x(i), y: 14, class: 'label', 'text-anchor': 'middle' }, a.label));
    if (a.scale === 'log') g.append(svg('text', { x: x(i), y: 27, class: 'scale', 'text-anchor': 'middle' }, 'log'));
    for (const tk of a.ticks)
      g.append(svg('text', { x: x(i) - 6, y: y(tk.at) + 4, class: 'tick', 'text-anchor': 'end' }, tk.label));
    const brush = brushes.get(a.id);
    const band = svg('rect', {
      class: 'brush',
      x: x(i) - 7,
      width: 14,
      y: brush ? y(brush[1]) : 0,
      height: brush ? y(brush[0]) - y(brush[1]) : 0,
    });
    if (!brush) band.setAttribute('visibility', 'hidden');
    g.append(band);
    const hit = svg('rect', {
      class: 'hit',
      x: x(i) - 14,
      width: 28,
      y: y(1) - 4,
      height: y(0) - y(1) + 8,
      'data-axis': a.id,
      tabindex: 0,
      role: 'button',
      'aria-label': `${a.label} axis: drag, or ↑/↓ with Shift to brush a range, Escape to clear${brush ? ` (brushed ${Math.round(brush[0] * 100)}–${Math.round(brush[1] * 100)}% of the axis)` : ''}`,
    });
    g.append(hit);
    attachBrushing(hit, band, root, a.id, y, h);
    attachKeyboardBrushing(hit, a.id, brush, h);
    root.append(g);
  });
  return root;
}

/** Drag on an axis: the band follows; on release the range (in axis positions) is reported, a mere click clears it. */
function attachBrushing(
  hit: SVGRectElement,
  band: SVGRectElement,
  root: SVGSVGElement,
  axisId: string,
  y: (p: number) => number,
  h: ParcoordsHandlers,
): void {
  const toSvgY = (clientY: number) => {
    const r = root.getBoundingClientRect();
    return ((clientY - r.top) / r.height) * H;
  };
  const toPos = (sy: number) => Math.min(1, Math.max(0, 1 - (sy - y(1)) / (y(0) - y(1))));
  let start: number | undefined;
  hit.addEventListener('pointerdown', ev => {
    start = toSvgY(ev.clientY);
    hit.setPointerCapture(ev.pointerId);
    h.onDragging(true);
    ev.preventDefault();
  });
  hit.addEventListener('pointermove', ev => {
    if (start === undefined) return;
    const now = toSvgY(ev.clientY);
    band.removeAttribute('visibility');
    band.setAttribute('y', String(Math.min(start, now)));
    band.setAttribute('height', String(Math.abs(now - start)));
  });
  const end = (ev: PointerEvent) => {
    if (start === undefined) return;
    const now = toSvgY(ev.clientY);
    const from = start;
    start = undefined;
    h.onDragging(false);
    if (Math.abs(now - from) < 4) h.onBrush(axisId, undefined);
    else h.onBrush(axisId, [toPos(Math.max(from, now)), toPos(Math.min(from, now))]);
  };
  hit.addEventListener('pointerup', end);
  hit.addEventListener('pointercancel', end);
}

const STEP = 0.05;

/** ↑/↓ move the band, Shift+↑/↓ grow/shrink it from the top, Escape clears; the first arrow makes the top quarter. */
function attachKeyboardBrushing(
  hit: SVGRectElement,
  axisId: string,
  current: readonly [number, number] | undefined,
  h: ParcoordsHandlers,
): void {
  hit.addEventListener('keydown', ev => {
    if (ev.key === 'Escape' || ev.key === 'Delete') {
      if (current) {
        ev.preventDefault();
        h.onBrush(axisId, undefined);
      }
      return;
    }
    if (ev.key !== 'ArrowUp' && ev.key !== 'ArrowDown') return;
    ev.preventDefault();
    if (!current) {
      h.onBrush(axisId, [0.75, 1]);
      return;
    }
    const [lo, hi] = current;
    const up = ev.key === 'ArrowUp' ? STEP : -STEP;
    if (ev.shiftKey) {
      h.onBrush(axisId, [lo, Math.min(1, Math.max(lo + STEP, hi + up))]);
    } else {
      const d = Math.max(-lo, Math.min(1 - hi, up));
      h.onBrush(axisId, [lo + d, hi + d]);
    }
  });
}
