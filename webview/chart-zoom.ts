/** Zoom and pan of a chart's x axis: wheel zooms around the pointer, drag pans, double-click resets; keys too. */
import type { Panel } from './chart-panel';

type Range = { min: number; max: number };

/** Wires the canvas's pointer, wheel and key events; `setRange(undefined)` shows every step again. */
export function wireZoom(panel: Panel, setRange: (range: Range | undefined) => void): void {
  const { canvas } = panel;
  /** Zooms by `factor` (<1: in) around the value at pixel `px`. */
  const zoom = (factor: number, px?: number): void => {
    const xs = panel.chart.scales.x;
    if (!xs) return;
    const a = panel.chart.chartArea;
    const center = xs.getValueForPixel(px ?? (a.left + a.right) / 2) ?? (xs.min + xs.max) / 2;
    setRange({ min: center - (center - xs.min) * factor, max: center + (xs.max - center) * factor });
  };
  const pan = (fromRange: Range, dxPixels: number): void => {
    const a = panel.chart.chartArea;
    const dv = (dxPixels * (fromRange.max - fromRange.min)) / Math.max(1, a.right - a.left);
    setRange({ min: fromRange.min - dv, max: fromRange.max - dv });
  };
  const inside = (e: MouseEvent): boolean => {
    const a = panel.chart.chartArea;
    return !!a && e.offsetX >= a.left && e.offsetX <= a.right && e.offsetY >= a.top && e.offsetY <= a.bottom;
  };
  canvas.addEventListener(
    'wheel',
    e => {
      if (!inside(e)) return;
      e.preventDefault();
      zoom(Math.exp(Math.max(-1, Math.min(1, e.deltaY * 0.002))), e.offsetX);
    },
    { passive: false },
  );
  let drag: { x: number; range: Range; id: number } | undefined;
  canvas.addEventListener('pointerdown', e => {
    if (e.button !== 0 || !inside(e)) return;
    const xs = panel.chart.scales.x;
    drag = { x: e.clientX, range: { min: xs.min, max: xs.max }, id: e.pointerId };
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener('pointermove', e => {
    if (!drag || e.pointerId !== drag.id) return;
    if (Math.abs(e.clientX - drag.x) >= 2) pan(drag.range, e.clientX - drag.x);
  });
  const end = (e: PointerEvent): void => {
    if (drag && e.pointerId === drag.id) drag = undefined;
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  canvas.addEventListener('dblclick', () => setRange(undefined));
  canvas.addEventListener('keydown', e => {
    const xs = panel.chart.scales.x;
    if (!xs) return;
    const range = { min: xs.min, max: xs.max };
    const w = panel.chart.chartArea.right - panel.chart.chartArea.left;
    if (e.key === '+' || e.key === '=') zoom(0.8);
    else if (e.key === '-' || e.key === '_') zoom(1.25);
    else if (e.key === 'ArrowLeft') pan(range, w * 0.1);
    else if (e.key === 'ArrowRight') pan(range, -w * 0.1);
    else if (e.key === '0' || e.key === 'Escape') setRange(undefined);
    else return;
    e.preventDefault();
  });
}
