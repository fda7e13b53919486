/**
 * Gradient clipping on real tfjs optimizers: clipNorm bounds the global norm and keeps the direction, clipValue
 * bounds each component, short gradients pass unchanged, and the recorded norms are what was applied.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createClip, readClip, clipStateOf } from '../../src/toolkit/clipping';
import { createOptimizers } from '../../src/toolkit/optimizers';

before(async () => {
  await tf.setBackend('cpu');
});

const clip = createClip(tf);

/** Applies `grads` once with SGD(lr = 1) and returns the update each variable received (= the applied gradient). */
function appliedGradients(grads: number[][], wrap: (o: tf.Optimizer) => tf.Optimizer, asArray = false) {
  const vars = grads.map(g => tf.variable(tf.zeros([g.length])));
  const optimizer = wrap(tf.train.sgd(1));
  const gradTensors = grads.map(g => tf.tensor1d(g));
  optimizer.applyGradients(
    asArray
      ? vars.map((v, i) => ({ name: v.name, tensor: gradTensors[i] }))
      : Object.fromEntries(vars.map((v, i) => [v.name, gradTensors[i]])),
  );
  const applied = vars.map(v => Array.from(v.dataSync()).map(x => -x));
  tf.dispose([...vars, ...gradTensors]);
  return { applied, optimizer };
}

const norm = (vs: number[][]) => Math.sqrt(vs.flat().reduce((s, x) => s + x * x, 0));
const dot = (a: number[][], b: number[][]) => a.flat().reduce((s, x, i) => s + x * b.flat()[i], 0);

for (const asArray of [false, true]) {
  test(`clipNorm scales the whole gradient to the threshold and keeps its direction (${asArray ? 'NamedTensor[]' : 'map'})`, async () => {
    const grads = [
      [3, -4, 12],
      [0.5, 20],
    ]; // global norm √(9+16+144+0.25+400) ≈ 23.87
    const { applied, optimizer } = appliedGradients(grads, o => clip(o, { clipNorm: 2 }), asArray);
    assert.ok(norm(applied) <= 2 + 1e-5, `norm after clipping ${norm(applied)}`);
    assert.ok(Math.abs(norm(applied) - 2) < 1e-5, 'a long gradient is scaled to exactly the threshold');
    const cosine = dot(applied, grads) / (norm(applied) * norm(grads));
    assert.ok(Math.abs(cosine - 1) < 1e-6, `direction kept (cosine ${cosine})`);
    const r = await readClip(optimizer);
    assert.equal(r?.mode, 'norm');
    assert.equal(r?.threshold, 2);
    assert.ok(Math.abs(r!.preNorm - norm(grads)) < 1e-4, `preNorm ${r!.preNorm} vs ${norm(grads)}`);
    assert.ok(Math.abs(r!.postNorm - norm(applied)) < 1e-5);
    assert.equal(await readClip(optimizer), undefined, 'each step is read once');
    optimizer.dispose();
  });
}

test('clipNorm leaves a gradient shorter than the threshold unchanged', async () => {
  const grads = [[0.3, -0.4]];
  const { applied, optimizer } = appliedGradients(grads, o => clip(o, { clipNorm: 1 }));
  applied[0].forEach((v, i) => assert.ok(Math.abs(v - grads[0][i]) < 1e-7));
  const r = await readClip(optimizer);
  assert.ok(r, 'the clip was recorded');
  assert.ok(Math.abs(r.preNorm - 0.5) < 1e-6, `preNorm ${r.preNorm} = 0.5`);
  assert.ok(Math.abs(r.postNorm - 0.5) < 1e-6, `postNorm ${r.postNorm} = 0.5`);
  optimizer.dispose();
});

test('clipValue bounds each component and leaves the small ones', async () => {
  const grads = [
    [3, -4, 0.2],
    [-0.7, 20],
  ];
  const { applied, optimizer } = appliedGradients(grads, o => clip(o, { clipValue: 0.5 }));
  assert.deepEqual(
    applied.map(v => v.map(x => Math.round(x * 1e6) / 1e6)),
    [
      [0.5, -0.5, 0.2],
      [-0.5, 0.5],
    ],
  );
  const r = await readClip(optimizer);
  assert.equal(r?.mode, 'value');
  assert.ok(Math.abs(r!.postNorm - norm(applied)) < 1e-5);
  optimizer.dispose();
});

test('every toolkit factory clips when asked; a stateful optimizer sees the clipped gradient', async () => {
  const o = createOptimizers(tf);
  for (const name of ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'adamax', 'nadam'] as const) {
    const optimizer = o[name]({ clipNorm: 0.1 });
    const state = clipStateOf(optimizer);
    assert.deepEqual(state && { mode: state.mode, threshold: state.threshold }, { mode: 'norm', threshold: 0.1 }, name);
    optimizer.dispose();
  }
  // momentum (lr 1, β 0.9) from zero: after one step the weight moved by exactly the clipped gradient
  const w = tf.variable(tf.tensor1d([0, 0]));
  const m = o.momentum({ learningRate: 1, clipNorm: 1 });
  m.minimize(() => tf.sum(tf.mul(w, tf.tensor1d([30, 40]))) as tf.Scalar, false, [w]);
  assert.deepEqual(
    Array.from(w.dataSync()).map(x => Math.round(x * 1e6) / 1e6),
    [-0.6, -0.8],
  );
  m.dispose();
  w.dispose();
});

test('clipping a model trained with fit keeps every step within the threshold and frees its tensors', async () => {
  const before = tf.memory().numTensors;
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [4],
        units: 3,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
    ],
  });
  const optimizer = clip(tf.train.adam(0.01), { clipNorm: 0.25 });
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  const xs = tf.randomNormal([64, 4], 0, 30, 'float32', 3);
  const ys = tf.tidy(() =>
    tf.oneHot(
      tf.tensor1d(
        Array.from({ length: 64 }, (_, i) => i % 3),
        'int32',
      ),
      3,
    ),
  );
  const seen: Array<{ preNorm: number; postNorm: number }> = [];
  await model.fit(xs, ys, {
    epochs: 2,
    batchSize: 16,
    verbose: 0,
    callbacks: {
      onBatchEnd: async () => {
        seen.push((await readClip(optimizer))!);
      },
    },
  });
  assert.equal(seen.length, 8);
  for (const s of seen) assert.ok(s.postNorm <= 0.25 + 1e-5, `post ${s.postNorm}`);
  assert.ok(
    seen.some(s => s.preNorm > 0.25),
    'the gradients were long enough to be clipped',
  );
  model.dispose();
  tf.dispose([xs, ys]);
  optimizer.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
});

test('bad clip arguments are clear errors', () => {
  const sgd = tf.train.sgd(0.1);
  assert.throws(() => clip(sgd, {} as never), /give clipValue or clipNorm/);
  assert.throws(() => clip(sgd, { clipNorm: -1 }), /clipNorm must be a positive number/);
  clip(sgd, { clipValue: 1 });
  assert.throws(() => clip(sgd, { clipNorm: 1 }), /already clips/);
  sgd.dispose();
});
