/**
 * One optimizer path: (x, y) are two tfjs variables, every step is `optimizer.minimize(() => f(x, y))` exactly as
 * a training loop would call it, and the point after each step is recorded with its f. A path that goes far out of
 * view (`outOfBounds`) or turns non-finite is cut at that step and marked, never drawn off to infinity.
 */
import type { Tf, Tensor } from '../tf/types';
import { OPTIMIZER_LABELS, type OptimizerId, type OptimizerPath, type PlaygroundRequest } from '../protocol/playground';
import { evalSurface, outOfBounds, type Ops, type Surface } from './surfaces';
import type { OptimizerFactory } from './optimizers';

export function tensorOps(tf: Tf): Ops<Tensor> {
  return {
    c: v => tf.scalar(v),
    add: (a, b) => tf.add(a, b),
    sub: (a, b) => tf.sub(a, b),
    mul: (a, b) => tf.mul(a, b),
    square: a => tf.square(a),
  };
}

export function learningRate(s: Surface, req: PlaygroundRequest, id: OptimizerId): number {
  return (req.lr?.[id] ?? s.defaultLr[id]) * req.lrScale;
}

export function tracePath(
  tf: Tf,
  s: Surface,
  id: OptimizerId,
  create: OptimizerFactory,
  lr: number,
  steps: number,
): OptimizerPath {
  const ops = tensorOps(tf);
  const x = tf.variable(tf.scalar(s.start.x), true, `playground_x_${id}_${Math.random().toString(36).slice(2)}`);
  const y = tf.variable(tf.scalar(s.start.y), true, `playground_y_${id}_${Math.random().toString(36).slice(2)}`);
  const optimizer = create(lr);
  const points = [{ x: s.start.x, y: s.start.y, f: evalSurface(s, s.start.x, s.start.y) }];
  let divergedAt: number | null = null;
  let convergedAt: number | null = Math.abs(points[0].f - s.minimum.f) < s.tol ? 0 : null;
  try {
    for (let step = 1; step <= steps; step++) {
      optimizer.minimize(() => s.f(ops, x, y) as ReturnType<Tf['scalar']>, false, [x, y]);
      const px = x.dataSync()[0];
      const py = y.dataSync()[0];
      const f = evalSurface(s, px, py);
      if (!Number.isFinite(f) || outOfBounds(s, px, py)) {
        divergedAt = step;
        break;
      }
      points.push({ x: px, y: py, f });
      if (convergedAt === null && Math.abs(f - s.minimum.f) < s.tol) convergedAt = step;
    }
  } finally {
    optimizer.dispose();
    x.dispose();
    y.dispose();
  }
  return { optimizer: id, label: OPTIMIZER_LABELS[id], lr, points, divergedAt, convergedAt };
}
