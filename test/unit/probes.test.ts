/**
 * The probes against independent computations, in-process on the cpu backend:
 * gradient norms vs tf.variableGrads, dead-ReLU counts on a net whose dead units are known, and
 * instrumented vs plain training giving bit-identical weights.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Instrumentation, DEFAULT_PROBES, type ProbeSettings } from '../../src/runner/instrument';
import type { EventBody, EpochEvent, GradNormsEvent, DeadUnitsEvent, HistogramEvent } from '../../src/protocol';
import { histogram } from '../../src/probes/histogram';
import { sampleRows, END_LOSS_LIMITS } from '../../src/probes/endLoss';

before(async () => {
  await tf.setBackend('cpu');
});

/**
 * On cpu the probes read outputs and gradients in place (src/probes/hostMemory.ts); a backend they do not know makes
 * them use tfjs kernels, as on tensorflow.
 */
const KERNELS_ONLY = { ...tf, getBackend: () => 'kernels-only' } as unknown as typeof tf;

function instrument(probes: Partial<ProbeSettings> = {}, on: typeof tf = tf) {
  const events: EventBody[] = [];
  const inst = new Instrumentation(on, { emit: e => events.push(e), probes: { ...DEFAULT_PROBES, ...probes } });
  inst.install();
  return { inst, events };
}

function mlp(seed: number): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [6],
        units: 12,
        activation: 'relu',
        kernelInitializer: tf.initializers.heNormal({ seed }),
      }),
      tf.layers.dense({
        units: 8,
        activation: 'tanh',
        kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 1 }),
      }),
      tf.layers.dense({
        units: 3,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 2 }),
      }),
    ],
  });
}

function data(n: number) {
  const xs = tf.randomNormal([n, 6], 0, 1, 'float32', 5);
  const ys = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: n }, (_, i) => i % 3),
      'int32',
    ),
    3,
  );
  return { xs, ys };
}

test('gradient norms equal tf.variableGrads norms of the same step (within 1e-5)', async () => {
  const model = mlp(1);
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  const { xs, ys } = data(16);
  // Expected: gradients of the same loss at the same (pre-step) weights, computed independently.
  const expected = tf.tidy(() => {
    const { grads } = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(ys, tf.log(model.predict(xs) as tf.Tensor).add(0)).mean() as tf.Scalar,
    );
    return grads;
  });
  const { inst, events } = instrument({ histogramEvery: 0 });
  try {
    await model.fit(xs, ys, { epochs: 1, batchSize: 16, shuffle: false });
  } finally {
    inst.uninstall();
  }
  const norms = events.find((e): e is Omit<GradNormsEvent, 'runId' | 'seq' | 't'> => e.kind === 'grad-norms');
  assert.ok(norms, 'a grad-norms event was emitted');
  const variableNames = model.trainableWeights.map(w => w.name);
  assert.deepEqual(Object.keys(norms.variables).sort(), [...variableNames].sort());
  for (const name of variableNames) {
    // categoricalCrossentropy on softmax output: compare with the framework's own gradient of the model's loss
    const g = expected[name] ?? expected[Object.keys(expected).find(k => k.endsWith(name))!];
    assert.ok(g, `expected gradient for ${name}`);
    const want = Math.sqrt(tf.sum(tf.square(g)).dataSync()[0]);
    const got = norms.variables[name]!;
    assert.ok(Math.abs(got - want) <= 1e-5 * Math.max(1, want), `${name}: probe ${got} vs variableGrads ${want}`);
  }
  // per-layer norm = sqrt(sum of its variables' squared norms)
  const layer0 = model.layers[0].name;
  const k = norms.variables[`${layer0}/kernel`]!,
    b = norms.variables[`${layer0}/bias`]!;
  assert.ok(Math.abs(norms.layers[layer0]! - Math.hypot(k, b)) < 1e-6);
  Object.values(expected).forEach(t => t.dispose());
});

for (const [path, on] of [
  ['in place', tf],
  ['with kernels', KERNELS_ONLY],
] as const) {
  test(`dead-ReLU counts match a hand-built net whose dead units are known (${path})`, async () => {
    // 6 units; inputs are positive; units 1, 3, 4 have negative weights and bias: their output is 0 for every sample.
    const layer = tf.layers.dense({ inputShape: [4], units: 6, activation: 'relu', name: 'hand_relu' });
    const model = tf.sequential({ layers: [layer, tf.layers.dense({ units: 1, name: 'out' })] });
    const sign = [1, -1, 1, -1, -1, 1];
    layer.setWeights([
      tf.tensor2d(
        Array.from({ length: 4 * 6 }, (_, i) => sign[i % 6] * 0.5),
        [4, 6],
      ),
      tf.tensor1d(sign.map(s => s * 0.1)),
    ]);
    model.compile({ optimizer: tf.train.sgd(0), loss: 'meanSquaredError' }); // lr 0: the net stays as built
    const xs = tf.randomUniform([64, 4], 0.1, 1, 'float32', 3);
    const ys = tf.zeros([64, 1]);
    const { inst, events } = instrument({ deadReluWindow: 4, histogramEvery: 0 }, on);
    try {
      await model.fit(xs, ys, { epochs: 1, batchSize: 8, shuffle: false });
    } finally {
      inst.uninstall();
    }
    const dead = events.filter((e): e is Omit<DeadUnitsEvent, 'runId' | 'seq' | 't'> => e.kind === 'dead-units');
    assert.equal(dead.length, 2, '8 steps with a window of 4 give two readings');
    for (const d of dead) {
      assert.equal(d.window, 4);
      assert.deepEqual(d.layers, [{ layer: 'hand_relu', dead: 3, total: 6 }]);
    }
    // The probe is removed after fit: prediction runs the layer's own call again.
    assert.equal(Object.prototype.hasOwnProperty.call(layer, 'call'), false);
  });

  test(`a unit that fires once in the window is not dead (${path})`, async () => {
    const layer = tf.layers.dense({
      inputShape: [1],
      units: 1,
      activation: 'relu',
      name: 'edge',
      useBias: false,
      kernelInitializer: 'ones',
    });
    const model = tf.sequential({ layers: [layer] });
    model.compile({ optimizer: tf.train.sgd(0), loss: 'meanSquaredError' });
    // All inputs negative (unit output 0) except one sample in the 3rd batch.
    const values = Array.from({ length: 16 }, (_, i) => (i === 9 ? 1 : -1));
    // every step read: spaced readings see a unit only on the steps they read (probe-schedule.test.ts)
    const { inst, events } = instrument({ deadReluWindow: 4, histogramEvery: 0, everyStep: true }, on);
    try {
      await model.fit(tf.tensor2d(values, [16, 1]), tf.zeros([16, 1]), { epochs: 1, batchSize: 4, shuffle: false });
    } finally {
      inst.uninstall();
    }
    const dead = events.filter(e => e.kind === 'dead-units') as Array<Omit<DeadUnitsEvent, 'runId' | 'seq' | 't'>>;
    assert.deepEqual(
      dead.map(d => d.layers[0].dead),
      [0],
    );
  });
}

test('instrumented training ends with exactly the weights of plain training', async () => {
  const { xs, ys } = data(96);
  const train = async (instrumented: boolean) => {
    const model = mlp(42);
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const probe = instrumented ? instrument({ histogramEvery: 1, deadReluWindow: 3 }) : undefined;
    try {
      await model.fit(xs, ys, { epochs: 3, batchSize: 16, shuffle: false, validationSplit: 0.25 });
    } finally {
      probe?.inst.uninstall();
    }
    if (probe) {
      const k = new Set(probe.events.map(e => e.kind));
      assert.ok(k.has('grad-norms') && k.has('dead-units') && k.has('histogram'), 'every probe ran');
      const epochs = probe.events.filter((e): e is EpochEvent => e.kind === 'epoch');
      assert.ok(epochs.length === 3 && epochs.every(e => e.endLoss), 'the end-of-epoch training loss was measured');
    }
    return model.getWeights().map(w => w.dataSync() as Float32Array);
  };
  const plain = await train(false);
  const instrumented = await train(true);
  assert.equal(plain.length, instrumented.length);
  plain.forEach((w, i) => assert.deepEqual(instrumented[i], w, `weight tensor ${i} differs`));
});

test('probes leak no tensors', async () => {
  const model = mlp(7);
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  const { xs, ys } = data(64);
  await model.fit(xs, ys, { epochs: 1, batchSize: 16 }); // creates optimizer state
  const { inst } = instrument({ histogramEvery: 2, deadReluWindow: 3 });
  try {
    const before = tf.memory().numTensors;
    // with a validation split: the end-of-epoch training loss holds its sample until fit ends
    await model.fit(xs, ys, { epochs: 2, batchSize: 16, validationSplit: 0.25 });
    assert.equal(tf.memory().numTensors, before);
  } finally {
    inst.uninstall();
  }
});

test('the end-of-epoch training loss is the compiled loss at the weights val_loss is read at, on training rows only', async () => {
  const { xs, ys } = data(120);
  const model = mlp(3);
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  const { inst, events } = instrument();
  try {
    await model.fit(xs, ys, { epochs: 2, batchSize: 16, validationSplit: 0.25 });
  } finally {
    inst.uninstall();
  }
  const last = events.filter((e): e is EpochEvent => e.kind === 'epoch').at(-1)!;
  // the first 90 rows train (tfjs takes the last 25% to validate): at most 1024 rows, so all of them, in order
  assert.equal(last.endLoss?.samples, 90);
  const rows = sampleRows(90, 90, END_LOSS_LIMITS.seed);
  assert.deepEqual(
    rows,
    Array.from({ length: 90 }, (_, i) => i),
  );
  const expected = (model.evaluate(xs.slice(0, 90), ys.slice(0, 90)) as tf.Scalar).dataSync()[0];
  assert.ok(Math.abs(last.endLoss!.loss! - expected) < 1e-5, `${last.endLoss!.loss} vs ${expected}`);
  // and the validation rows give val_loss: the two are measured alike
  const val = (model.evaluate(xs.slice(90), ys.slice(90)) as tf.Scalar).dataSync()[0];
  assert.ok(Math.abs(last.logs.val_loss! - val) < 1e-5);
});

test('the end-of-epoch sample: distinct rows in order, fixed by the seed, not a stride that follows a periodic order', () => {
  const a = sampleRows(10240, 1024, 7);
  assert.deepEqual(a, sampleRows(10240, 1024, 7));
  assert.equal(new Set(a).size, 1024);
  assert.ok(a.every((r, i) => r >= 0 && r < 10240 && (i === 0 || r > a[i - 1])));
  // rows ordered by class in turn (class = row % 10): a stride of 10 would pick one class; the sample has all ten
  const perClass = Array.from({ length: 10 }, (_, c) => a.filter(r => r % 10 === c).length);
  assert.ok(
    perClass.every(k => k > 60),
    `per class: ${perClass}`,
  );
});

test('no end-of-epoch training loss without validation (nothing to compare it with)', async () => {
  const { xs, ys } = data(64);
  const model = mlp(4);
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  const { inst, events } = instrument();
  try {
    await model.fit(xs, ys, { epochs: 1, batchSize: 16 });
  } finally {
    inst.uninstall();
  }
  const epochs = events.filter((e): e is EpochEvent => e.kind === 'epoch');
  assert.equal(epochs.length, 1);
  assert.equal(epochs[0].endLoss, undefined);
});

test('histogram counts every finite value once and non-finite ones apart', () => {
  const h = histogram([0, 1, 2, 3, NaN, Infinity, 3], 3);
  assert.deepEqual(h.counts, [1, 1, 3]);
  assert.equal(h.nonFinite, 2);
  assert.equal(h.edges.length, 4);
  const histEvent: Partial<HistogramEvent> = { ...h };
  assert.equal(
    histEvent.counts!.reduce((a, b) => a + b, 0),
    5,
  );
});

test('weight histograms are the distribution of each weight after the step they are stamped with', async () => {
  const model = mlp(11);
  model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
  const { xs, ys } = data(32);
  const initial = model.trainableWeights.map(w => Array.from(w.read().dataSync()));
  const after: number[][][] = [];
  const { inst, events } = instrument({ histogramEvery: 2, deadReluWindow: 1000, activationEvery: 0 });
  try {
    // one batch per epoch: the weights after step s are known exactly at that epoch's end
    await model.fit(xs, ys, {
      epochs: 4,
      batchSize: 32,
      shuffle: false,
      callbacks: {
        onBatchEnd: async () => {
          after.push(model.trainableWeights.map(w => Array.from(w.read().dataSync())));
        },
      },
    });
  } finally {
    inst.uninstall();
  }
  const weights = events.filter(
    (e): e is Omit<HistogramEvent, 'runId' | 'seq' | 't'> => e.kind === 'histogram' && e.of === 'weight',
  );
  assert.deepEqual([...new Set(weights.map(e => e.step))], [0, 2], 'every histogramEvery steps, from step 0');
  const names = model.trainableWeights.map(w => w.name);
  for (const e of weights) {
    const i = names.indexOf(e.variable!);
    assert.ok(i >= 0 && model.layers.some(l => l.name === e.layer), `${e.variable} is a weight of layer ${e.layer}`);
    const want = histogram(after[e.step][i], DEFAULT_PROBES.histogramBins);
    assert.deepEqual(
      e.counts,
      want.counts,
      `${e.variable} at step ${e.step}: the trained values, not the initial ones`,
    );
    assert.deepEqual(e.edges, want.edges);
  }
  // the test can tell: after one step of a large lr, the kernels' distribution has moved
  const kernel = names.findIndex(n => n.endsWith('kernel'));
  assert.notDeepEqual(
    histogram(initial[kernel], DEFAULT_PROBES.histogramBins).edges,
    histogram(after[0][kernel], DEFAULT_PROBES.histogramBins).edges,
  );
});
