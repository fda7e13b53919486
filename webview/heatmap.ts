/**
 * The histogram heatmap as pure drawing: the value range shared by a layer's samples, the layout (one column per
 * recorded step), which pixel rows a bin covers, and the paint into an ImageData (no per-cell fillRect).
 */
import type { HistogramSample } from './dashboardState';

/** heatmap height in CSS pixels */
export const HEIGHT = 140;

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
    for (let i = 0; i < s.edges.length; i++) {
      const e = s.edges[i];
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
export function binRows(
  edges: ArrayLike<number>,
  j: number,
  yMin: number,
  yMax: number,
  height: number,
): [number, number] {
  const toRow = (v: number): number => Math.round(((yMax - v) / (yMax - yMin)) * height);
  const top = Math.max(0, Math.min(height, toRow(edges[j + 1])));
  const bottom = Math.max(0, Math.min(height, toRow(edges[j])));
  // every bin with a range gets at least one row
  return bottom > top ? [top, bottom] : [Math.min(top, height - 1), Math.min(top, height - 1) + 1];
}

/** Fills `img` (width x height RGBA) with the heatmap; `range` overrides the samples' own value range (runs compared). */
export function paintHeatmap(
  img: ImageData,
  samples: readonly HistogramSample[],
  rgb: [number, number, number],
  bg: [number, number, number],
  range?: { yMin: number; yMax: number },
): HeatmapLayout {
  const { width, height, data } = img;
  const layout = { ...heatmapLayout(samples, width), ...range };
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
      for (let j = 0; j < s.counts.length; j++) if (s.counts[j] > max) max = s.counts[j];
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
