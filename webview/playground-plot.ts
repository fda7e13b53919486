/**
 * The playground canvas: f as a log-scaled shade (lighter = lower, in the theme's own colours), contour lines,
 * each optimizer's path in its colour with a dot per step, the start (○), the minimum (★) and where a path
 * diverged (✕). What is drawn is also written on the canvas element's data attributes (tests, screen readers read
 * the table instead).
 */
import { OPTIMIZER_IDS, type OptimizerId, type PlaygroundResult } from '../src/protocol/playground';
import { mixColors, parseColor, seriesColor, withAlpha, type Theme } from './theme';
import { contourSegments } from './playground-contour';
import { formatNumber } from './format';

const MARGIN = { left: 46, right: 12, top: 10, bottom: 30 };
/** dots on every step while a path has at most this many points (more would merge into a thick line) */
const MAX_DOTS = 300;

export interface PathStyle {
  color: string;
  dash: number[];
}

/**
 * The theme's six chart colours, then its terminal cyan and magenta (every VS Code theme defines them, high
 * contrast included) for the last two optimizers; outside VS Code, tints of the first colours instead.
 */
export function playgroundTheme(theme: Theme, get: (name: string) => string): Theme {
  const extra = ['--vscode-terminal-ansiCyan', '--vscode-terminal-ansiMagenta'].map(n => get(n).trim());
  return extra.every(Boolean) && theme.palette.length === 6
    ? { ...theme, palette: [...theme.palette, ...extra] }
    : theme;
}

/** One colour per optimizer; AdaMax and Nadam (Adam's variants) also dashed, so they read apart from Adam. */
export function pathStyle(theme: Theme, id: OptimizerId): PathStyle {
  const slot = OPTIMIZER_IDS.indexOf(id);
  return { color: seriesColor(theme, slot), dash: slot >= 6 ? [7, 4] : [] };
}

export interface PlotBox {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export class PlaygroundPlot {
  private renders = 0;

  constructor(readonly canvas: HTMLCanvasElement) {}

  /** Sizes the canvas to `width` CSS pixels with the surface's aspect ratio, and draws. */
  draw(result: PlaygroundResult, hidden: ReadonlySet<OptimizerId>, theme: Theme, width: number): void {
    const { surface, grid } = result;
    const [x0, x1] = surface.x;
    const [y0, y1] = surface.y;
    const plotW = Math.max(120, width - MARGIN.left - MARGIN.right);
    const plotH = Math.min(plotW * ((y1 - y0) / (x1 - x0)), Math.max(240, window.innerHeight * 0.7));
    const cssW = plotW + MARGIN.left + MARGIN.right;
    const cssH = Math.round(plotH + MARGIN.top + MARGIN.bottom);
    const dpr = window.devicePixelRatio || 1;
    this.canvas.style.width = `${cssW}px`;
    this.canvas.style.height = `${cssH}px`;
    this.canvas.width = Math.round(cssW * dpr);
    this.canvas.height = Math.round(cssH * dpr);
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const box: PlotBox = { left: MARGIN.left, top: MARGIN.top, right: MARGIN.left + plotW, bottom: MARGIN.top + plotH };
    const px = (x: number): number => box.left + ((x - x0) / (x1 - x0)) * plotW;
    const py = (y: number): number => box.bottom - ((y - y0) / (y1 - y0)) * plotH;

    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, cssW, cssH);
    this.drawShade(ctx, result, theme, box);

    ctx.save();
    ctx.beginPath();
    ctx.rect(box.left, box.top, plotW, plotH);
    ctx.clip();
    // contour lines: grid coordinates -> pixels
    const gx = (i: number): number => box.left + (i / (grid.nx - 1)) * plotW;
    const gy = (j: number): number => box.bottom - (j / (grid.ny - 1)) * plotH;
    ctx.strokeStyle = withAlpha(theme.muted, 0.55);
    ctx.lineWidth = 0.8;
    ctx.beginPath();
    for (const level of grid.levels) {
      for (const [a, b, c, d] of contourSegments(grid, level)) {
        ctx.moveTo(gx(a), gy(b));
        ctx.lineTo(gx(c), gy(d));
      }
    }
    ctx.stroke();

    const drawn: string[] = [];
    for (const path of result.paths) {
      if (hidden.has(path.optimizer)) continue;
      const style = pathStyle(theme, path.optimizer);
      ctx.strokeStyle = style.color;
      ctx.fillStyle = style.color;
      ctx.lineWidth = 2;
      ctx.lineJoin = 'round';
      ctx.setLineDash(style.dash);
      ctx.beginPath();
      path.points.forEach((p, k) => (k === 0 ? ctx.moveTo(px(p.x), py(p.y)) : ctx.lineTo(px(p.x), py(p.y))));
      ctx.stroke();
      ctx.setLineDash([]);
      if (path.points.length <= MAX_DOTS) {
        for (const p of path.points) {
          ctx.beginPath();
          ctx.arc(px(p.x), py(p.y), 2.2, 0, 2 * Math.PI);
          ctx.fill();
        }
      }
      if (path.divergedAt !== null) {
        // at the last kept point, or where the path leaves the view when that point is outside it
        const last = path.points[path.points.length - 1];
        const clamp = (v: number, a: number, b: number): number => Math.min(b - 6, Math.max(a + 6, v));
        this.cross(ctx, clamp(px(last.x), box.left, box.right), clamp(py(last.y), box.top, box.bottom), 7, style.color);
      }
      drawn.push(`${path.optimizer}:${path.points.length}`);
    }
    ctx.restore();

    // start and minimum on top of the paths
    ctx.lineWidth = 2;
    ctx.strokeStyle = theme.foreground;
    ctx.fillStyle = theme.background;
    ctx.beginPath();
    ctx.arc(px(surface.start.x), py(surface.start.y), 6, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
    this.star(ctx, px(surface.minimum.x), py(surface.minimum.y), 8, theme.foreground, theme.background);
    this.axes(ctx, result, theme, box, px, py);

    const c = this.canvas.dataset;
    c.surface = surface.id;
    c.paths = String(drawn.length);
    c.points = drawn.join(',');
    c.plot = [box.left, box.top, box.right, box.bottom].join(',');
    c.range = [x0, x1, y0, y1].join(',');
    c.renders = String(++this.renders);
    this.canvas.setAttribute(
      'aria-label',
      `${surface.label}, ${surface.formula}: ${drawn.length} optimizer paths from (${surface.start.x}, ${surface.start.y}); ` +
        `minimum at (${surface.minimum.x}, ${surface.minimum.y}). The table below lists where each path ends.`,
    );
  }

  /** Log-scaled f − f*: low = the editor background, high = moved towards the foreground (at most 28%). */
  private drawShade(ctx: CanvasRenderingContext2D, result: PlaygroundResult, theme: Theme, box: PlotBox): void {
    const { grid, surface } = result;
    const bg = parseColor(theme.background) ?? [30, 30, 30];
    const fg = parseColor(mixColors(theme.background, theme.foreground, 0.28) ?? theme.foreground) ?? [200, 200, 200];
    const logs = grid.values.map(v => Math.log10(Math.max(v - surface.minimum.f, 0) + 1e-6));
    const lo = Math.log10(Math.max(grid.levels[0] - surface.minimum.f, 1e-6));
    const hi = Math.max(...logs);
    const img = new ImageData(grid.nx, grid.ny);
    for (let j = 0; j < grid.ny; j++) {
      for (let i = 0; i < grid.nx; i++) {
        const t = Math.min(1, Math.max(0, (logs[j * grid.nx + i] - lo) / (hi - lo || 1)));
        const k = ((grid.ny - 1 - j) * grid.nx + i) * 4; // image rows run top-down, y runs bottom-up
        for (let ch = 0; ch < 3; ch++) img.data[k + ch] = Math.round(bg[ch] + (fg[ch] - bg[ch]) * t);
        img.data[k + 3] = 255;
      }
    }
    const off = document.createElement('canvas');
    off.width = grid.nx;
    off.height = grid.ny;
    off.getContext('2d')!.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(off, box.left, box.top, box.right - box.left, box.bottom - box.top);
  }

  private cross(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, color: string): void {
    ctx.save();
    ctx.strokeStyle = color;
    ctx.lineWidth = 3;
    ctx.beginPath();
    ctx.moveTo(x - r, y - r);
    ctx.lineTo(x + r, y + r);
    ctx.moveTo(x + r, y - r);
    ctx.lineTo(x - r, y + r);
    ctx.stroke();
    ctx.restore();
  }

  private star(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, stroke: string, fill: string): void {
    ctx.beginPath();
    for (let k = 0; k < 10; k++) {
      const a = -Math.PI / 2 + (k * Math.PI) / 5;
      const rr = k % 2 === 0 ? r : r * 0.45;
      if (k === 0) ctx.moveTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
      else ctx.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
    }
    ctx.closePath();
    ctx.fillStyle = fill;
    ctx.fill();
    ctx.strokeStyle = stroke;
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }

  private axes(
    ctx: CanvasRenderingContext2D,
    result: PlaygroundResult,
    theme: Theme,
    box: PlotBox,
    px: (x: number) => number,
    py: (y: number) => number,
  ): void {
    const { x, y } = result.surface;
    ctx.strokeStyle = theme.grid;
    ctx.lineWidth = 1;
    ctx.strokeRect(box.left + 0.5, box.top + 0.5, box.right - box.left - 1, box.bottom - box.top - 1);
    ctx.fillStyle = theme.muted;
    ctx.font = `${Math.max(10, theme.fontSize - 2)}px ${theme.fontFamily}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const v of ticks(x[0], x[1])) ctx.fillText(fmt(v), px(v), box.bottom + 5);
    ctx.fillText('x', box.right - 6, box.bottom + 16);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const v of ticks(y[0], y[1])) ctx.fillText(fmt(v), box.left - 6, py(v));
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText('y', 4, box.top);
  }
}

/** About five round tick values within [a, b]. */
function ticks(a: number, b: number): number[] {
  const raw = (b - a) / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map(m => m * p).find(s => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(a / step) * step; v <= b + 1e-9; v += step) out.push(Math.round(v / step) * step);
  return out;
}

const fmt = (v: number): string => formatNumber(v, 3);
