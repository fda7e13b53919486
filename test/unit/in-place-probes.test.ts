/**
 * Probes that read tensors in place where the backend's memory is JavaScript's (wasm, cpu: src/probes/hostMemory.ts).
 * Gradient norms (normReducer.ts): summed with no kernel and no tensor, equal to sqrt(sum(square(g))) on the backend;
 * a fast path that cannot serve falls back to sum of squares for the rest of the run without failing the step (the
 * tensorflow backend's fused op is tested in native.test.ts). Dead units (deadRelu.ts): marked during the forward
 * pass, the same counts as the kernels' running sums on a real wasm training.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend } from '../../src/runner/backend';
import { normReducer, sumOfSquaresOf } from '../../src/probes/normReducer';
import { markPositive } from '../../src/probes/deadRelu';
import { inPlaceReader } from '../../src/probes/hostMemory';
import { moments, SATURATION_BOUND } from '../../src/probes/activations';
import { Instrumentation, DEFAULT_PROBES } from '../../src/runner/instrument';
import type { DeadUnitsEvent, EventBody } from '../../src/protocol';
import type { Tf, Tensor } from '../../src/tf/types';

const SHAPES = [[784, 64], [64], [3, 3, 8, 16], [5, 7, 3], [], [0, 4], [1, 1, 1]];

function gradients(tf: Tf): Tensor[] {
  return SHAPES.map((shape, i) => tf.randomNormal(shape, 0, 1 + i, 'float32', 11 + i));
}

/** the norms the backend's own kernels give */
function kernelNorms(tf: Tf, grads: Tensor[]): number[] {
  return grads.map(g => Math.sqrt(tf.tidy(() => tf.sum(tf.square(g))).dataSync()[0]));
}

function assertClose(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) =>
    assert.ok(Math.abs(v - expected[i]) <= 1e-5 * Math.max(1, expected[i]), `variable ${i}: ${v} vs ${expected[i]}`),
  );
}

/** A wasm backend whose tensors are no longer where its map says (tfjs internals moved): every lookup misses. */
function movedWasm(tf: Tf, onLookup: () => void): Tf {
  return {
    ...tf,
    getBackend: () => 'wasm',
    backend: () => ({ wasm: { HEAPU8: new Uint8Array(8) }, dataIdMap: { get: () => (onLookup(), undefined) } }),
  } as unknown as Tf;
}

for (const preference of ['wasm', 'cpu'] as const) {
  test(`${preference}: norms are summed in place, no kernel runs, no tensor is made, and they equal the kernels'`, async () => {
    const { tf, name } = await selectBackend({ preference });
    assert.equal(name, preference);
    const grads = gradients(tf);
    const expected = kernelNorms(tf, grads);
    const reducer = normReducer(tf);
    const tensors = tf.memory().numTensors;
    let norms: ReturnType<typeof reducer.reduce> = [];
    const profile = await tf.profile(() => {
      norms = reducer.reduce(grads);
    });
    assert.ok(Array.isArray(norms), 'read at once: numbers, not a tensor');
    assertClose(norms, expected);
    assert.deepEqual(
      profile.kernels.map(k => k.name),
      [],
      'no kernel ran',
    );
    assert.equal(tf.memory().numTensors, tensors, 'no tensor made');
    // a gradient that blew up still reads as non-finite (the probe's alarm depends on it)
    const bad = tf.tensor1d([1, NaN, 2]);
    const inf = tf.tensor1d([1, Infinity]);
    const [nan, infinite] = reducer.reduce([bad, inf]) as number[];
    assert.ok(Number.isNaN(nan));
    assert.equal(infinite, Infinity);
    reducer.dispose();
    tf.dispose([...grads, bad, inf]);
  });
}

test('wasm: a backend whose memory is not where it was falls back to sum of squares for good, step unharmed', async () => {
  const { tf } = await selectBackend({ preference: 'wasm' });
  const backend = tf.backend() as unknown as { dataIdMap: { get: (id: object) => unknown } };
  const grads = gradients(tf);
  const expected = kernelNorms(tf, grads);
  let lookups = 0;
  const fakeTf = movedWasm(tf, () => lookups++);
  const reducer = normReducer(fakeTf);
  const before = tf.memory().numTensors;
  for (let step = 0; step < 3; step++) {
    const out = reducer.reduce(grads);
    assert.ok(!Array.isArray(out), 'the kernels took over');
    assertClose(Array.from(out.dataSync()), expected);
    out.dispose();
  }
  assert.equal(lookups, 1, 'the in-place read is tried first, and once refused not again');
  reducer.dispose();
  assert.equal(tf.memory().numTensors, before, 'nothing leaks');
  assert.ok(backend.dataIdMap, 'the real backend was not touched');
  tf.dispose(grads);
});

test("the probes' in-place reader: the values where they are, and after one refusal kernels for good", async () => {
  const { tf } = await selectBackend({ preference: 'wasm' });
  const t = tf.tensor1d([1, -2, 3]);
  assert.deepEqual(Array.from(inPlaceReader(tf)(t) ?? []), [1, -2, 3], 'read from the wasm heap');
  let lookups = 0;
  const moved = movedWasm(tf, () => lookups++);
  const read = inPlaceReader(moved);
  assert.equal(read(t), undefined);
  assert.equal(read(t), undefined);
  assert.equal(lookups, 1, 'a reader that failed once is not tried again');
  assert.equal(inPlaceReader({ ...tf, getBackend: () => 'tensorflow' } as unknown as Tf)(t), undefined, 'no reader');
  const ints = tf.tensor1d([1, 2], 'int32');
  assert.equal(inPlaceReader(tf)(ints), undefined, 'int32 values are not read as float32');
  tf.dispose([t, ints]);
});

test('tensorflow: a backend that refuses the fused norm goes on with sum of squares, tried once, nothing leaked', async () => {
  const { tf } = await selectBackend({ preference: 'cpu' });
  let tried = 0;
  const refusing = {
    executeSingleOutput: () => {
      tried++;
      throw new Error('Op type not registered: EuclideanNorm');
    },
    createReductionOpAttrs: () => [],
  };
  const fakeTf = { ...tf, getBackend: () => 'tensorflow', backend: () => refusing } as unknown as Tf;
  const reducer = normReducer(fakeTf);
  const grads = [tf.tensor2d([[3, 4]]), tf.tensor1d([1, 2, 2])];
  const before = tf.memory().numTensors;
  for (let step = 0; step < 3; step++) {
    const out = reducer.reduce(grads);
    assert.ok(!Array.isArray(out));
    assert.deepEqual(Array.from(out.dataSync()), [5, 3]);
    out.dispose();
  }
  assert.equal(tried, 1, 'the fused op is tried first, and once refused not again');
  reducer.dispose();
  assert.equal(tf.memory().numTensors, before, 'nothing leaks');
  tf.dispose(grads);
});

test('the in-place sum of squares: every length (the unrolled loop and its tail), as a float64 sum', () => {
  for (const n of [0, 1, 2, 3, 4, 5, 7, 8, 9, 1001]) {
    const v = Float32Array.from({ length: n }, (_, i) => (((i * 7919) % 13) - 6.5) * 1.1);
    const want = Array.from(v).reduce((s, x) => s + x * x, 0);
    assert.ok(Math.abs(sumOfSquaresOf(v) - want) <= 1e-12 * want, `length ${n}`);
  }
});

test('units seen positive: any row counts, NaN and 0 do not, the scan stops once every unit is known alive', () => {
  // 3 rows of 4 units: unit 2 never positive, unit 3 only in the last row, a NaN in unit 1
  const alive = new Uint8Array(4);
  markPositive(Float32Array.from([1, NaN, 0, 0, 0, 2, -1, 0, 0, 0, 0, 5]), alive);
  assert.deepEqual(Array.from(alive), [1, 1, 0, 1]);
  // kept across steps of a window: a later output adds, never clears
  markPositive(Float32Array.from([0, 0, 0, 0]), alive);
  assert.deepEqual(Array.from(alive), [1, 1, 0, 1]);
  markPositive(Float32Array.from([0, 0, 3, 0]), alive);
  assert.deepEqual(Array.from(alive), [1, 1, 1, 1]);
  // every unit alive: nothing more is read (a poisoned value past the first row would throw)
  const first = Float32Array.from([1, 1]);
  const poisoned = new Proxy(first, {
    get: (t, k) => {
      if (k === 'length') return 2000;
      if (typeof k === 'string' && /^\d+$/.test(k) && Number(k) >= 2) throw new Error(`read past the first row: ${k}`);
      return Reflect.get(t, k) as unknown;
    },
  }) as unknown as Float32Array;
  const two = new Uint8Array(2);
  markPositive(poisoned, two);
  assert.deepEqual(Array.from(two), [1, 1]);
});

test('wasm: dead units of a conv net read in place equal those of the kernels, step for step', async () => {
  const { tf } = await selectBackend({ preference: 'wasm' });
  const kernelsOnly = { ...tf, getBackend: () => 'kernels-only' } as unknown as Tf;
  const counts: Record<string, unknown[]> = {};
  for (const [path, on] of [
    ['in place', tf],
    ['kernels', kernelsOnly],
  ] as const) {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [8, 8, 1],
          filters: 6,
          kernelSize: 3,
          activation: 'relu',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }),
          // negative biases: some filters never fire on inputs in [0, 1)
          biasInitializer: tf.initializers.randomUniform({ minval: -3, maxval: 0.2, seed: 6 }),
        }),
        tf.layers.flatten(),
        tf.layers.dense({
          units: 10,
          activation: 'relu',
          kernelInitializer: tf.initializers.heNormal({ seed: 7 }),
          biasInitializer: tf.initializers.constant({ value: -0.5 }),
        }),
        tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 8 }) }),
      ],
    });
    model.compile({ optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError' });
    const events: EventBody[] = [];
    const inst = new Instrumentation(on, {
      emit: e => events.push(e),
      probes: { ...DEFAULT_PROBES, everyStep: true, deadReluWindow: 3, histogramEvery: 0, activationEvery: 0 },
    });
    inst.install();
    const xs = tf.randomUniform([40, 8, 8, 1], 0, 1, 'float32', 9);
    const ys = tf.randomUniform([40, 1], 0, 1, 'float32', 10);
    try {
      await model.fit(xs, ys, { epochs: 2, batchSize: 16, shuffle: false }); // batches 16, 16, 8: a smaller last one
    } finally {
      inst.uninstall();
      tf.dispose([xs, ys]);
    }
    counts[path] = events
      .filter((e): e is Omit<DeadUnitsEvent, 'runId' | 'seq' | 't'> => e.kind === 'dead-units')
      .map(e => [e.step, e.window, e.layers.map(l => [l.dead, l.total])]); // layer names differ: two models
  }
  assert.ok(counts['in place'].length >= 2, 'readings were taken');
  const dead = (counts['in place'] as Array<[number, number, number[][]]>).flatMap(c => c[2].map(([d]) => d));
  assert.ok(
    dead.some(d => d > 0),
    `the net has dead units to find: ${JSON.stringify(counts['in place'])}`,
  );
  assert.deepEqual(counts['in place'], counts.kernels);
});

test('one-pass moments: population std as tf.moments, zero and saturation shares, NaN and empty outputs', () => {
  const m = moments(Float32Array.from([0, 0.999, 0.5, 0.001]), SATURATION_BOUND.sigmoid);
  assert.ok(Math.abs(m.mean - 0.375) < 1e-7);
  assert.ok(Math.abs(m.std - Math.sqrt((0.375 ** 2 + 0.624 ** 2 + 0.125 ** 2 + 0.374 ** 2) / 4)) < 1e-6);
  assert.deepEqual([m.min, m.max, m.zero, m.saturated], [0, Math.fround(0.999), 0.25, 0.75]);
  assert.equal(moments(Float32Array.from([1, 2])).saturated, null, 'no band: no saturation share');
  // a large offset: E[x²] − mean² would lose the spread; two passes keep it
  const offset = moments(Float32Array.from([1e4 + 1, 1e4 - 1]));
  assert.equal(offset.std, 1);
  const nan = moments(Float32Array.from([1, NaN, 0]));
  assert.ok([nan.mean, nan.std, nan.min, nan.max].every(Number.isNaN));
  assert.ok(Math.abs(nan.zero - 1 / 3) < 1e-12);
  assert.ok(Number.isNaN(moments(new Float32Array(0)).mean));
});

test('wasm: activation statistics and histograms read in place equal the kernels', async () => {
  const { tf } = await selectBackend({ preference: 'wasm' });
  const kernelsOnly = { ...tf, getBackend: () => 'kernels-only' } as unknown as Tf;
  const runs: Record<string, EventBody[]> = {};
  for (const [path, on] of [
    ['in place', tf],
    ['kernels', kernelsOnly],
  ] as const) {
    const init = (seed: number) => tf.initializers.randomNormal({ stddev: 1.5, seed });
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [12], units: 16, activation: 'sigmoid', kernelInitializer: init(1) }),
        tf.layers.dense({ units: 16, activation: 'tanh', kernelInitializer: init(2) }),
        tf.layers.dense({ units: 8, activation: 'relu', kernelInitializer: init(3) }),
        tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(4) }),
      ],
    });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const events: EventBody[] = [];
    const inst = new Instrumentation(on, {
      emit: e => events.push(e),
      probes: { ...DEFAULT_PROBES, activationEvery: 2, histogramEvery: 4, gradNorms: false, deadRelu: false },
    });
    inst.install();
    const xs = tf.randomNormal([48, 12], 2, 3, 'float32', 5);
    const ys = tf.oneHot(
      tf.tensor1d(
        Array.from({ length: 48 }, (_, i) => i % 3),
        'int32',
      ),
      3,
    );
    try {
      await model.fit(xs, ys, { epochs: 1, batchSize: 8, shuffle: false });
    } finally {
      inst.uninstall();
      tf.dispose([xs, ys]);
    }
    runs[path] = events.filter(e => e.kind === 'activation-stats' || (e.kind === 'histogram' && e.of === 'activation'));
  }
  const [a, b] = [runs['in place'], runs.kernels];
  assert.ok(a.filter(e => e.kind === 'activation-stats').length >= 3, 'statistics were taken');
  assert.ok(
    a.some(e => e.kind === 'histogram'),
    'histograms were taken',
  );
  assert.equal(a.length, b.length);
  const close = (x: unknown, y: unknown, what: string) => {
    if (typeof x === 'number' && typeof y === 'number')
      assert.ok(Math.abs(x - y) <= 1e-5 * Math.max(1, Math.abs(y)), `${what}: ${x} vs ${y}`);
    else if (Array.isArray(x) && Array.isArray(y)) x.forEach((v, i) => close(v, y[i], `${what}[${i}]`));
    else if (x && y && typeof x === 'object' && typeof y === 'object') {
      assert.deepEqual(Object.keys(x).sort(), Object.keys(y).sort(), what);
      // the two models' layers have different generated names; they are compared by position
      for (const k of Object.keys(x)) if (k !== 'layer') close((x as never)[k], (y as never)[k], `${what}.${k}`);
    } else assert.equal(x, y, what);
  };
  a.forEach((e, i) => close(e, b[i], `event ${i} (${e.kind})`));
  // the sigmoid layer saturates under N(0, 1.5²) weights on inputs of spread 3: the share is measured, not 0
  const first = a.find(e => e.kind === 'activation-stats');
  assert.ok(first?.kind === 'activation-stats' && first.layers[0].saturated! > 0.05);
});
