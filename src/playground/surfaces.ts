/**
 * The 2-D test surfaces of the optimizer playground. Each f is written once over a tiny algebra (`Ops<T>`), so the
 * same expression gives plain numbers (the contour grid, recorded f values) and tfjs tensors (what the optimizers
 * differentiate): the drawn landscape is exactly the one the optimizers see.
 */
import type { OptimizerId, SurfaceId, SurfaceInfo } from '../protocol/playground';

export interface Ops<T> {
  c(v: number): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  square(a: T): T;
}

export const numberOps: Ops<number> = {
  c: v => v,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  square: a => a * a,
};

export interface Surface extends SurfaceInfo {
  id: SurfaceId;
  f<T>(o: Ops<T>, x: T, y: T): T;
  /** learning rates that show each optimizer's character on this surface without diverging */
  defaultLr: Record<OptimizerId, number>;
}

/**
 * f = x²/20 + y²: curvature 20× larger across the ravine (y) than along it (x). The figure of Deep Learning from
 * Scratch §6.1 (start (-7, 2)); plain SGD zig-zags across the ravine and crawls along it.
 */
const ravine: Surface = {
  id: 'ravine',
  label: 'Ravine',
  formula: 'f(x, y) = x²/20 + y²',
  x: [-10, 10],
  y: [-5, 5],
  minimum: { x: 0, y: 0, f: 0 },
  start: { x: -7, y: 2 },
  tol: 1e-3,
  f: (o, x, y) => o.add(o.mul(o.c(1 / 20), o.square(x)), o.square(y)),
  defaultLr: {
    sgd: 0.9,
    momentum: 0.1,
    nesterov: 0.1,
    adagrad: 1.5,
    rmsprop: 0.15,
    adam: 0.3,
    adamax: 0.6,
    nadam: 0.3,
  },
};

/**
 * f = x² + (y² − 1)²/4: a saddle at the origin (f = 1/4) between two minima at (0, ±1). Starting almost on the
 * saddle's ridge (y = 0.01) the gradient across it is tiny: SGD lingers, momentum and adaptive methods escape.
 */
const saddle: Surface = {
  id: 'saddle',
  label: 'Saddle point',
  formula: 'f(x, y) = x² + (y² − 1)²/4',
  x: [-2, 2],
  y: [-1.6, 1.6],
  minimum: { x: 0, y: 1, f: 0 },
  start: { x: -1.8, y: 0.01 },
  tol: 1e-3,
  f: (o, x, y) => o.add(o.square(x), o.mul(o.c(0.25), o.square(o.sub(o.square(y), o.c(1))))),
  defaultLr: {
    sgd: 0.05,
    momentum: 0.05,
    nesterov: 0.05,
    adagrad: 0.3,
    rmsprop: 0.02,
    adam: 0.05,
    adamax: 0.08,
    nadam: 0.05,
  },
};

/** Rosenbrock's banana valley: f = (1 − x)² + 100(y − x²)², minimum (1, 1). Easy to find the valley, slow along it. */
const rosenbrock: Surface = {
  id: 'rosenbrock',
  label: 'Rosenbrock',
  formula: 'f(x, y) = (1 − x)² + 100(y − x²)²',
  x: [-2, 2],
  y: [-1, 3],
  minimum: { x: 1, y: 1, f: 0 },
  start: { x: -1.5, y: 2 },
  tol: 1e-3,
  f: (o, x, y) => o.add(o.square(o.sub(o.c(1), x)), o.mul(o.c(100), o.square(o.sub(y, o.square(x))))),
  defaultLr: {
    sgd: 1.5e-3,
    momentum: 1e-3,
    nesterov: 1e-3,
    adagrad: 0.5,
    rmsprop: 0.02,
    adam: 0.1,
    adamax: 0.2,
    nadam: 0.1,
  },
};

export const SURFACES: Record<SurfaceId, Surface> = { ravine, saddle, rosenbrock };

export function surfaceInfo(s: Surface): SurfaceInfo {
  const { id, label, formula, x, y, minimum, start, tol } = s;
  return { id, label, formula, x, y, minimum, start, tol };
}

/**
 * Where a path counts as diverged: outside the view widened by its own width and height on every side (3× the
 * view). Far enough that an overshoot which comes back is kept, near enough that nothing is drawn off to infinity.
 */
export function outOfBounds(s: Surface, x: number, y: number): boolean {
  const w = s.x[1] - s.x[0];
  const h = s.y[1] - s.y[0];
  return !(x >= s.x[0] - w && x <= s.x[1] + w && y >= s.y[0] - h && y <= s.y[1] + h);
}

export const evalSurface = (s: Surface, x: number, y: number): number => s.f(numberOps, x, y);
