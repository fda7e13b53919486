/**
 * Compare Optimizers: the surfaces, the paths computed with the toolkit's optimizers on real tfjs (cpu), and the
 * child process that computes them for the extension. Properties that follow from the update rules, so a wrong
 * optimizer, a wrong surface or a path recorded off by one step fails them.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { Tf } from '../../src/tf/types';
import { SURFACES, evalSurface, outOfBounds } from '../../src/playground/surfaces';
import { surfaceGrid } from '../../src/playground/contour';
import { computePlayground } from '../../src/playground/compute';
import { tensorOps } from '../../src/playground/paths';
import { PlaygroundProcess, playgroundEntry } from '../../src/playground/process';
import { createOptimizers } from '../../src/toolkit/optimizers';
import {
  OPTIMIZER_IDS,
  SURFACE_IDS,
  parsePlaygroundRequest,
  playgroundResultSchema,
  type OptimizerId,
  type OptimizerPath,
  type PlaygroundRequest,
  type PlaygroundResult,
} from '../../src/protocol/playground';
import path from 'node:path';
import { contourSegments } from '../../webview/playground-contour';

const T = tf as unknown as Tf;
before(async () => {
  await tf.setBackend('cpu');
});

const compute = (r: PlaygroundRequest): PlaygroundResult => computePlayground(T, r);
const pathOf = (r: PlaygroundResult, id: OptimizerId): OptimizerPath => r.paths.find(p => p.optimizer === id)!;
const last = (p: OptimizerPath) => p.points[p.points.length - 1];
const allLr = (lr: number) => Object.fromEntries(OPTIMIZER_IDS.map(id => [id, lr])) as Record<OptimizerId, number>;

test('each surface: the tensor f (what the optimizers differentiate) equals the plain f; f* at the minimum, zero gradient there', () => {
  for (const id of SURFACE_IDS) {
    const s = SURFACES[id];
    for (const [x, y] of [
      [0.3, -0.7],
      [-1.5, 2],
      [s.start.x, s.start.y],
      [1.9, 0.4],
    ]) {
      const ft = tf.tidy(() => (s.f(tensorOps(T), tf.scalar(x), tf.scalar(y)) as tf.Scalar).dataSync()[0]);
      const fn = evalSurface(s, x, y);
      assert.ok(Math.abs(ft - fn) <= 1e-5 * Math.max(1, Math.abs(fn)), `${id} f(${x}, ${y}): tensor ${ft} vs ${fn}`);
    }
    assert.equal(evalSurface(s, s.minimum.x, s.minimum.y), s.minimum.f, `${id}: f at the minimum`);
    const g = tf.tidy(() =>
      tf
        .grads((x: tf.Tensor, y: tf.Tensor) => s.f(tensorOps(T), x, y) as tf.Scalar)([
          tf.scalar(s.minimum.x),
          tf.scalar(s.minimum.y),
        ])
        .map(t => t.dataSync()[0]),
    );
    assert.deepEqual(
      g.map(v => Math.abs(v) < 1e-6),
      [true, true],
      `${id}: gradient ${g} at the minimum`,
    );
    assert.ok(
      s.start.x > s.x[0] && s.start.x < s.x[1] && s.start.y > s.y[0] && s.start.y < s.y[1],
      `${id}: start inside the view`,
    );
  }
});

test('the grid samples f over the range (row j = y, column i = x) and the contour levels rise above f*', () => {
  const s = SURFACES.rosenbrock;
  const g = surfaceGrid(s);
  assert.equal(g.values.length, g.nx * g.ny);
  for (const [i, j] of [
    [0, 0],
    [g.nx - 1, 0],
    [0, g.ny - 1],
    [80, 40],
  ]) {
    const x = s.x[0] + ((s.x[1] - s.x[0]) * i) / (g.nx - 1);
    const y = s.y[0] + ((s.y[1] - s.y[0]) * j) / (g.ny - 1);
    const want = evalSurface(s, x, y);
    assert.ok(Math.abs(g.values[j * g.nx + i] - want) <= 1e-5 * Math.max(1, want), `grid(${i}, ${j})`);
  }
  assert.ok(g.levels.length >= 10);
  g.levels.forEach((l, k) => {
    assert.ok(l > s.minimum.f, `level ${k} = ${l} is above the minimum ${s.minimum.f}`);
    if (k > 0) assert.ok(l > g.levels[k - 1], `level ${k} = ${l} is above level ${k - 1} = ${g.levels[k - 1]}`);
  });
  // geometric: the levels span decades (Rosenbrock's valley floor and rim both get lines)
  assert.ok(g.levels[g.levels.length - 1] / g.levels[0] > 100);
});

test("the webview's marching squares put a level line of x² + y² = r² on the circle of radius r, closed all round", () => {
  const n = 41; // x, y in [-2, 2], step 0.1
  const at = (k: number) => -2 + (4 * k) / (n - 1);
  const values = Array.from({ length: n * n }, (_, q) => at(q % n) ** 2 + at(Math.floor(q / n)) ** 2);
  const segs = contourSegments({ nx: n, ny: n, values }, 1);
  const toXY = (i: number, j: number) => [at(0) + (i * 4) / (n - 1), at(0) + (j * 4) / (n - 1)];
  const radii = segs.flatMap(([a, b, c, d]) => [toXY(a, b), toXY(c, d)]).map(([x, y]) => Math.hypot(x, y));
  assert.ok(
    radii.length > 40 && radii.every(r => Math.abs(r - 1) < 0.02),
    `radii in [${Math.min(...radii)}, ${Math.max(...radii)}]`,
  );
  const length = segs.reduce((sum, [a, b, c, d]) => sum + Math.hypot(c - a, d - b) * (4 / (n - 1)), 0);
  assert.ok(Math.abs(length - 2 * Math.PI) < 0.05, `total length ${length} ≈ 2π`);
  assert.deepEqual(contourSegments({ nx: n, ny: n, values }, 100), [], 'no line above the highest value');
});

test('ravine, SGD: the path is gradient descent in closed form (x shrinks by 1 − η/10, y by 1 − 2η: a zig-zag for η > 0.5)', () => {
  const eta = 0.9;
  const r = compute({ surface: 'ravine', steps: 40, lrScale: 1, lr: { sgd: eta } });
  const p = pathOf(r, 'sgd');
  assert.equal(p.points.length, 41, 'the start plus one point per step');
  p.points.forEach((q, t) => {
    const x = -7 * (1 - eta / 10) ** t;
    const y = 2 * (1 - 2 * eta) ** t;
    assert.ok(
      Math.abs(q.x - x) < 1e-4 * Math.max(1, Math.abs(x)) && Math.abs(q.y - y) < 1e-4,
      `step ${t}: (${q.x}, ${q.y}) vs (${x}, ${y})`,
    );
  });
  const signChanges = p.points.slice(1).filter((q, k) => Math.sign(q.y) !== Math.sign(p.points[k].y)).length;
  assert.equal(signChanges, 40, 'y changes sign on every step: the zig-zag across the ravine');
});

test('ravine, one learning rate for all (0.05, 100 steps): Adam and RMSProp travel further along the flat x axis and end lower than SGD', t => {
  const r = compute({ surface: 'ravine', steps: 100, lrScale: 1, lr: allLr(0.05) });
  const sgd = last(pathOf(r, 'sgd'));
  for (const id of ['adam', 'rmsprop'] as const) {
    const q = last(pathOf(r, id));
    assert.ok(
      q.x - -7 > 1.5 * (sgd.x - -7),
      `${id} moved ${(q.x + 7).toFixed(2)} along x, SGD ${(sgd.x + 7).toFixed(2)}`,
    );
    assert.ok(q.f < 0.5 * sgd.f, `${id} f = ${q.f}, SGD f = ${sgd.f}`);
    t.diagnostic(`${id}: x ${q.x.toFixed(2)}, f ${q.f.toFixed(3)}; SGD: x ${sgd.x.toFixed(2)}, f ${sgd.f.toFixed(3)}`);
  }
});

test('rosenbrock at the default learning rates: all eight paths stay finite and end below where they started', () => {
  const r = compute({ surface: 'rosenbrock', steps: 500, lrScale: 1 });
  const f0 = evalSurface(SURFACES.rosenbrock, SURFACES.rosenbrock.start.x, SURFACES.rosenbrock.start.y);
  for (const p of r.paths) {
    assert.equal(p.divergedAt, null, `${p.label} diverged`);
    assert.equal(p.points.length, 501, p.label);
    assert.ok(
      p.points.every(q => Number.isFinite(q.x) && Number.isFinite(q.y) && Number.isFinite(q.f)),
      p.label,
    );
    assert.ok(last(p).f < f0, `${p.label}: ${last(p).f} < ${f0}`);
  }
  // momentum carries Adam and NAG down the banana valley towards (1, 1)
  for (const id of ['adam', 'nesterov'] as const)
    assert.ok(last(pathOf(r, id)).f < 0.05, `${id} f = ${last(pathOf(r, id)).f}`);
});

test('saddle: at the same learning rate momentum escapes the saddle into a minimum while plain SGD still sits on the ridge', () => {
  const r = compute({ surface: 'saddle', steps: 150, lrScale: 1, lr: { sgd: 0.01, momentum: 0.01 } });
  const sgd = last(pathOf(r, 'sgd'));
  const momentum = last(pathOf(r, 'momentum'));
  assert.ok(
    Math.abs(sgd.y) < 0.1 && Math.abs(sgd.f - 0.25) < 0.05,
    `SGD at (${sgd.x}, ${sgd.y}), f = ${sgd.f}: near the saddle (f = 1/4)`,
  );
  assert.ok(
    Math.abs(Math.abs(momentum.y) - 1) < 0.1 && momentum.f < 0.01,
    `momentum at (${momentum.x}, ${momentum.y}), f = ${momentum.f}`,
  );
});

test("every path equals running that optimizer by hand (minimize on two variables) with the jobs' factories", () => {
  const steps = 25;
  const r = compute({ surface: 'saddle', steps, lrScale: 0.5 });
  const o = createOptimizers(T);
  const manual: Record<OptimizerId, (lr: number) => tf.Optimizer> = {
    sgd: lr => tf.train.sgd(lr),
    momentum: lr => tf.train.momentum(lr, 0.9),
    nesterov: lr => tf.train.momentum(lr, 0.9, true),
    adagrad: lr => tf.train.adagrad(lr, 0.1),
    rmsprop: lr => tf.train.rmsprop(lr, 0.9, 0, 1e-7),
    adam: lr => tf.train.adam(lr, 0.9, 0.999, 1e-7),
    adamax: lr => tf.train.adamax(lr, 0.9, 0.999, 1e-7, 0),
    nadam: lr => o.nadam(lr),
  };
  assert.deepEqual(
    r.paths.map(p => p.optimizer),
    [...OPTIMIZER_IDS],
    'all eight, Nadam included, in order',
  );
  for (const p of r.paths) {
    assert.equal(p.lr, SURFACES.saddle.defaultLr[p.optimizer] * 0.5, `${p.label} lr = default × scale`);
    const x = tf.variable(tf.scalar(SURFACES.saddle.start.x));
    const y = tf.variable(tf.scalar(SURFACES.saddle.start.y));
    const opt = manual[p.optimizer](p.lr);
    // f = x² + (y² − 1)²/4, written out directly
    const f = () => tf.add(tf.square(x), tf.mul(0.25, tf.square(tf.sub(tf.square(y), 1)))) as tf.Scalar;
    for (let t = 1; t <= steps; t++) {
      opt.minimize(f, false, [x, y]);
      const [mx, my] = [x.dataSync()[0], y.dataSync()[0]];
      assert.ok(
        Math.abs(p.points[t].x - mx) < 1e-6 && Math.abs(p.points[t].y - my) < 1e-6,
        `${p.label} step ${t}: (${p.points[t].x}, ${p.points[t].y}) vs (${mx}, ${my})`,
      );
    }
    opt.dispose();
    x.dispose();
    y.dispose();
  }
  // Nadam is not Adam under another name
  const adam = pathOf(r, 'adam');
  const nadam = pathOf(r, 'nadam');
  assert.ok(
    nadam.points.some((q, k) => Math.abs(q.y - adam.points[k].y) > 1e-4),
    'Nadam and Adam paths differ',
  );
});

test('a diverging path is cut where it leaves the bound and marked; nothing non-finite or huge is kept', () => {
  const r = compute({ surface: 'ravine', steps: 100, lrScale: 10 });
  const sgd = pathOf(r, 'sgd'); // η = 9: y is multiplied by −17 per step: 2, −34 (out)
  assert.equal(sgd.divergedAt, 1, 'SGD leaves at its first step (y = −34)');
  assert.equal(sgd.points.length, sgd.divergedAt, 'points up to the step before it left the bound');
  for (const [t, q] of sgd.points.entries()) {
    assert.ok(!outOfBounds(SURFACES.ravine, q.x, q.y), `step ${t}: (${q.x}, ${q.y}) inside the view`);
    assert.ok(Number.isFinite(q.f), `step ${t}: f = ${q.f} finite`);
  }
  assert.ok(
    sgd.points.every(q => Math.abs(q.y) <= 15),
    'never further out than the view plus its height (ravine: |y| ≤ 5 + 10)',
  );
  assert.equal(sgd.convergedAt, null);
  assert.equal(pathOf(r, 'adam').divergedAt, null, "Adam's steps are bounded by its learning rate");
  assert.ok(
    playgroundResultSchema.safeParse(JSON.parse(JSON.stringify(r))).success,
    'the result survives JSON and validates',
  );
});

test('the child process computes the same result off the host thread; a newer request replaces a waiting one; bad requests are refused', async () => {
  const child = new PlaygroundProcess(playgroundEntry(path.resolve(import.meta.dirname, '../../src/playground')));
  try {
    const a = child.compute({ surface: 'ravine', steps: 30, lrScale: 1 });
    const b = child.compute({ surface: 'saddle', steps: 30, lrScale: 1 });
    const c = child.compute({ surface: 'rosenbrock', steps: 30, lrScale: 1 });
    const [ra, rb, rc] = await Promise.all([a, b, c]);
    assert.ok(child.pid, 'the playground child has a pid');
    assert.notEqual(child.pid, process.pid, 'a separate process');
    assert.equal(rb.kind, 'superseded', 'the waiting saddle request was replaced by the rosenbrock one');
    assert.equal(ra.kind, 'result', 'the first request is computed');
    assert.equal(rc.kind, 'result', 'the last request is computed');
    assert.equal(ra.result.backend, 'cpu');
    const here = compute({ surface: 'rosenbrock', steps: 30, lrScale: 1 });
    assert.deepEqual(rc.result.paths, here.paths, 'same paths as computed in this process');
    assert.equal(rc.result.grid.values.length, here.grid.values.length);
    const bad = { surface: 'ravine', steps: 0, lrScale: 1 } as PlaygroundRequest;
    assert.equal(parsePlaygroundRequest(bad).ok, false);
    await assert.rejects(child.compute(bad), /invalid request: request\.steps/);
    const again = await child.compute({ surface: 'ravine', steps: 5, lrScale: 2 });
    assert.equal(again.kind, 'result', 'the child keeps serving after a refused request');
  } finally {
    child.dispose();
  }
});
