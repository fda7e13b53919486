/**
 * The landscape under the paths: f sampled on a grid over the surface's range, and contour levels spaced
 * geometrically above the minimum (these surfaces span several decades: a ravine's floor and walls, Rosenbrock's
 * valley at ~0 and rim at ~2500 would all share one or two linear levels).
 */
import type { SurfaceGrid } from '../protocol/playground';
import { evalSurface, type Surface } from './surfaces';

export const GRID_NX = 161;
const LEVELS = 16;
/** levels cover at most this many decades below the highest one */
const MAX_DECADES = 4;

export function surfaceGrid(s: Surface, nx = GRID_NX): SurfaceGrid {
  const [x0, x1] = s.x;
  const [y0, y1] = s.y;
  const ny = Math.max(2, Math.round(((nx - 1) * (y1 - y0)) / (x1 - x0)) + 1);
  const values: number[] = new Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    const y = y0 + ((y1 - y0) * j) / (ny - 1);
    for (let i = 0; i < nx; i++) values[j * nx + i] = round6(evalSurface(s, x0 + ((x1 - x0) * i) / (nx - 1), y));
  }
  return { nx, ny, values, levels: contourLevels(values, s.minimum.f) };
}

/** 6 significant digits: plenty for shading and contours, a third of the message size */
const round6 = (v: number): number => Number(v.toPrecision(6));

/** f* + geometric steps from `lo` to the 90th percentile of f − f* over the grid. */
export function contourLevels(values: number[], fMin: number, count = LEVELS): number[] {
  const above = values
    .map(v => v - fMin)
    .filter(d => d > 0)
    .sort((a, b) => a - b);
  if (above.length === 0) return [fMin];
  const hi = above[Math.floor(0.9 * (above.length - 1))];
  const lo = Math.max(above[0], hi * 10 ** -MAX_DECADES);
  if (!(hi > lo)) return [fMin + hi];
  const ratio = (hi / lo) ** (1 / (count - 1));
  return Array.from({ length: count }, (_, k) => fMin + lo * ratio ** k);
}
