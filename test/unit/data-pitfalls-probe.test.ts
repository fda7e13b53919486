/**
 * The data probe in-process (cpu backend) and its statistics against independent computations: it changes nothing
 * fit computes (same weights bit for bit, same random numbers drawn, no tensor left behind), its confusion matrix is
 * the final model's own predictions, and the pure parts (label encodings, hashing, the chi-squared p-value) match
 * known values. Plus the detector's thresholds on hand-made data-check / class-metrics events.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Instrumentation, DEFAULT_PROBES } from '../../src/runner/instrument';
import { DataProbe, DEFAULT_DATA_LIMITS } from '../../src/probes/data';
import type { ClassMetricsEvent, DataCheckEvent, EventBody, RunEvent } from '../../src/protocol';
import { classCount, hashRows, countShared, scanNonFinite, summarizeLabels } from '../../src/probes/dataStats';
import { chiSquareHomogeneity, gammaQ } from '../../src/detectors/chiSquare';
import { diagnose } from '../../src/detectors/engine';
import { DEFAULT_DIAGNOSIS as D } from '../../src/detectors/settings';

before(async () => {
  await tf.setBackend('cpu');
});

function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function model(seed: number): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [6],
        units: 12,
        activation: 'relu',
        kernelInitializer: tf.initializers.heNormal({ seed }),
      }),
      tf.layers.dropout({ rate: 0.3, seed: seed + 3 }),
      tf.layers.dense({
        units: 3,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 1 }),
      }),
    ],
  });
}

const xs = tf.randomNormal([120, 6], 0, 1, 'float32', 9);
const labels = Array.from({ length: 120 }, (_, i) => (i * 7) % 3);
const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);

test('the data probe changes nothing: same weights bit for bit, same random numbers drawn (shuffle, dropout), no tensor left', async () => {
  const random = Math.random;
  const train = async (instrumented: boolean) => {
    const m = model(4);
    m.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const events: EventBody[] = [];
    const inst = instrumented
      ? new Instrumentation(tf, { emit: e => events.push(e), probes: DEFAULT_PROBES })
      : undefined;
    inst?.install();
    const r = mulberry(17);
    let draws = 0;
    Math.random = () => {
      draws++;
      return r();
    }; // fit's shuffle draws from Math.random
    const before = tf.memory().numTensors;
    try {
      await m.fit(xs, ys, { epochs: 3, batchSize: 16, shuffle: true, validationSplit: 0.25 });
    } finally {
      Math.random = random;
      inst?.uninstall();
    }
    const leaked =
      tf.memory().numTensors -
      before -
      m.getWeights().length -
      (m.optimizer.getWeights ? (await m.optimizer.getWeights()).length : 0);
    return { weights: m.getWeights().map(w => w.dataSync() as Float32Array), draws, events, m, leaked };
  };
  const plain = await train(false);
  const inst = await train(true);
  assert.ok(
    inst.events.some(e => e.kind === 'data-check') && inst.events.some(e => e.kind === 'class-metrics'),
    'the data probe ran',
  );
  assert.equal(inst.draws, plain.draws, 'Math.random draws');
  plain.weights.forEach((w, i) => assert.deepEqual(inst.weights[i], w, `weight tensor ${i} differs`));
  assert.ok(inst.leaked <= plain.leaked, `tensors left: ${inst.leaked} instrumented vs ${plain.leaked} plain`);

  // the last epoch's matrix is the trained model's own predictions on the validation part (the last 25%)
  const last = inst.events
    .filter((e): e is Omit<ClassMetricsEvent, 'runId' | 'seq' | 't'> => e.kind === 'class-metrics')
    .at(-1)!;
  const pred = (inst.m.predict(xs.slice(90)) as tf.Tensor).argMax(-1).dataSync();
  const expected = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  labels.slice(90).forEach((c, i) => expected[c][pred[i]]++);
  assert.deepEqual(last.matrix, expected);
  assert.equal(last.samples, 30);
});

test('fitDataset: the dataset taps change nothing either (seeded shuffle, same weights bit for bit)', async () => {
  const train = async (instrumented: boolean) => {
    const m = model(6);
    m.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const events: EventBody[] = [];
    const inst = instrumented
      ? new Instrumentation(tf, { emit: e => events.push(e), probes: DEFAULT_PROBES })
      : undefined;
    inst?.install();
    const rows = tf.unstack(xs),
      targets = tf.unstack(ys);
    const ds = tf.data
      .zip({ xs: tf.data.array(rows), ys: tf.data.array(targets) })
      .shuffle(120, 'seed')
      .batch(16);
    const val = tf.data
      .zip({ xs: tf.data.array(rows.slice(0, 30)), ys: tf.data.array(targets.slice(0, 30)) })
      .batch(16);
    try {
      await m.fitDataset(ds, { epochs: 3, validationData: val });
    } finally {
      inst?.uninstall();
    }
    assert.ok(!Object.prototype.hasOwnProperty.call(ds, 'iterator'), 'the tap is removed');
    return { weights: m.getWeights().map(w => w.dataSync() as Float32Array), events };
  };
  const plain = await train(false);
  const inst = await train(true);
  assert.equal(inst.events.filter(e => e.kind === 'class-metrics').length, 3, 'per-class results each epoch');
  plain.weights.forEach((w, i) => assert.deepEqual(inst.weights[i], w, `weight tensor ${i} differs`));
});

test("a job's bad fit arguments still reach tfjs's own error (the probe never throws)", async () => {
  const m = model(1);
  m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  const events: EventBody[] = [];
  const inst = new Instrumentation(tf, { emit: e => events.push(e), probes: DEFAULT_PROBES });
  inst.install();
  try {
    await assert.rejects(m.fit('not a tensor' as unknown as tf.Tensor, ys, { epochs: 1 }));
  } finally {
    inst.uninstall();
  }
});

test('NaN/Inf are counted over the whole tensor, even past the part read back for labels and hashing', async () => {
  const values = Array.from({ length: 400 }, (_, i) => (i === 90 * 4 + 3 ? NaN : i === 95 * 4 ? -Infinity : i / 400));
  const m = model(2);
  m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  const x = tf.tensor2d(values, [100, 4]).concat(tf.zeros([100, 2]), 1),
    y = tf.oneHot(tf.tensor1d(labels.slice(0, 100), 'int32'), 3);
  const { probe, report } = await DataProbe.start(
    tf,
    m as unknown as Parameters<typeof DataProbe.start>[1],
    {
      method: 'fit',
      args: [x, y],
      config: { validationSplit: 0.2 },
      fitIndex: 0,
      loss: 'categoricalCrossentropy',
      outputActivation: 'softmax',
    },
    () => undefined,
    { ...DEFAULT_DATA_LIMITS, maxValues: 60 },
  );
  probe.dispose();
  const xCheck = report.tensors.find(t => t.name === 'x')!;
  assert.deepEqual(
    { n: xCheck.nonFinite, nan: xCheck.nan, at: xCheck.firstIndex, values: xCheck.values },
    { n: 2, nan: 1, at: [90, 3], values: 600 },
  );
  assert.ok(
    report.notChecked.some(s => /first 10 of 100 samples/.test(s)),
    report.notChecked.join('; '),
  );
});

test('label encodings, class counts and NaN positions', () => {
  assert.equal(summarizeLabels([0, 1, 0, 1, 0, 0], 3).encoding, 'one-hot');
  assert.equal(summarizeLabels([0.2, 0.8, 0.5, 0.5], 2).encoding, 'probabilities');
  assert.equal(summarizeLabels([1, 1, 0, 1], 2).encoding, 'multi-hot');
  assert.equal(summarizeLabels([0, 1, 1, 0], 1).encoding, 'binary');
  assert.equal(summarizeLabels([0, 3, 2], 1).encoding, 'sparse');
  assert.equal(summarizeLabels([-1.5, 2.25], 1).encoding, 'continuous');
  assert.equal(classCount(summarizeLabels([0, 1, 0], 1), 1), 2, 'binary labels, one sigmoid unit');
  assert.equal(classCount(summarizeLabels([0, 3, 2], 1), 4), 4, 'class indices for 4 softmax units');
  assert.equal(classCount(summarizeLabels([0, 3, 2], 1), 1), null, 'integer regression targets are no classes');
  const check = scanNonFinite('x', [1, 2, 3, NaN, 5, Infinity], [2, 3]);
  assert.deepEqual({ n: check.nonFinite, nan: check.nan, at: check.firstIndex }, { n: 2, nan: 1, at: [1, 0] });
});

test('row hashes match identical rows only', () => {
  const a = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]);
  const b = new Float32Array([3, 4, 9, 9, 1, 2.001, 7, 8]);
  assert.equal(countShared(hashRows(a, 2), hashRows(b, 2)), 2, 'rows [3,4] and [7,8]');
  assert.equal(countShared(hashRows(a, 4), hashRows(new Float32Array([1, 2, 3, 4.0001]), 4)), 0);
});

test('chi-squared p-values match the tables', () => {
  assert.ok(Math.abs(gammaQ(0.5, 3.841 / 2) - 0.05) < 1e-3, 'df 1, 3.841');
  assert.ok(Math.abs(gammaQ(1, 5.991 / 2) - 0.05) < 1e-3, 'df 2, 5.991');
  assert.ok(Math.abs(gammaQ(5, 23.209 / 2) - 0.01) < 1e-3, 'df 10, 23.209');
  assert.ok(chiSquareHomogeneity([50, 50], [50, 50]).p > 0.99);
  assert.ok(chiSquareHomogeneity([120, 120, 48], [0, 0, 72]).p < 1e-20);
});

// ---- the detector at its thresholds, on hand-made events ----

const FILE = '/jobs/data.ts';
let seq = 0;
const stamp = (b: EventBody) => ({ ...b, runId: 'r', seq: seq++, t: seq }) as RunEvent;

function check(labels: Partial<NonNullable<DataCheckEvent['labels']>>, extra: Partial<DataCheckEvent> = {}): RunEvent {
  return stamp({
    kind: 'data-check',
    fitIndex: 0,
    method: 'fit',
    location: { file: FILE, line: 9 },
    compileLocation: { file: FILE, line: 8 },
    loss: 'categoricalCrossentropy',
    outputActivation: 'softmax',
    outputUnits: 2,
    validation: 'split',
    validationSplit: 0.2,
    tensors: [],
    labels: {
      encoding: 'one-hot',
      width: 2,
      min: 0,
      max: 1,
      rowSumError: 0,
      integer: true,
      classes: 2,
      train: [400, 400],
      val: [100, 100],
      ...labels,
    },
    leakage: null,
    notChecked: [],
    ...extra,
  } as EventBody);
}

const matrix = (epoch: number, m: number[][]) =>
  stamp({
    kind: 'class-metrics',
    fitIndex: 0,
    epoch,
    step: epoch * 10,
    of: 'validation',
    samples: m.flat().reduce((a, b) => a + b, 0),
    classes: m.map((_, i) => String(i)),
    matrix: m,
  });
const codes = (events: RunEvent[]) => diagnose(events).map(f => f.code);

test('label-distribution-shift needs both the distance and the test', () => {
  // 2000 validation samples: a 10-point share difference is both >= 0.1 and significant
  assert.deepEqual(
    codes([check({ train: [4000, 4000], val: [790, 1210] })]),
    ['label-distribution-shift'],
    'distance 0.105',
  );
  assert.deepEqual(codes([check({ train: [4000, 4000], val: [820, 1180] })]), [], 'distance 0.09 < 0.1');
  // 200: the same difference could be chance (p = 0.002)
  assert.deepEqual(codes([check({ train: [400, 400], val: [80, 120] })]), [], `p >= ${D.labelShiftPValue}`);
  // a tiny validation set: a large distance is not significant
  assert.deepEqual(codes([check({ val: [1, 4] })]), [], `p >= ${D.labelShiftPValue}`);
});

test('class-imbalance: minority recall at most 20% at 2 epoch ends in a row, on imbalanced data only', () => {
  const imbalanced = check({ train: [760, 40], val: [190, 10] });
  const collapsed = [
    [190, 0],
    [8, 2],
  ]; // minority recall 20%
  assert.deepEqual(codes([imbalanced, matrix(0, collapsed), matrix(1, collapsed)]), ['class-imbalance']);
  assert.deepEqual(codes([imbalanced, matrix(0, collapsed)]), [], 'one epoch only');
  assert.deepEqual(
    codes([
      imbalanced,
      matrix(0, collapsed),
      matrix(1, [
        [185, 5],
        [7, 3],
      ]),
      matrix(2, collapsed),
    ]),
    [],
    'recall 30% in between',
  );
  const mild = check({ train: [630, 170], val: [158, 42] }); // 3.7:1 < 4:1
  assert.deepEqual(
    codes([
      mild,
      matrix(0, [
        [158, 0],
        [42, 0],
      ]),
      matrix(1, [
        [158, 0],
        [42, 0],
      ]),
    ]),
    [],
    'ratio below the threshold',
  );
});

test('class-imbalance without validation data: training accuracy at the majority rate (within 0.01) for 2 epochs', () => {
  const noVal = check({ train: [970, 30], val: null }, { validation: 'none', validationSplit: undefined });
  const epochs = (accs: number[]) =>
    accs.map((acc, epoch) => stamp({ kind: 'epoch', epoch, step: epoch * 10, logs: { loss: 0.2, acc } }));
  const f = diagnose([noVal, ...epochs([0.971, 0.9695])]);
  assert.deepEqual(
    f.map(x => x.code),
    ['class-imbalance'],
  );
  assert.equal(f[0].range?.start.line, 9, 'on the fit line');
  assert.equal(f[0].evidence.majorityShare, 0.97);
  assert.deepEqual(codes([noVal, ...epochs([0.971])]), [], 'one epoch');
  assert.deepEqual(codes([noVal, ...epochs([0.971, 0.981])]), [], 'above the majority rate by more than 0.01');
  const balanced = check({ train: [500, 500], val: null }, { validation: 'none', validationSplit: undefined });
  assert.deepEqual(codes([balanced, ...epochs([0.5, 0.5, 0.5])]), [], 'balanced labels');
});

test('train-validation-leakage at 1% of the validation samples', () => {
  assert.deepEqual(codes([check({}, { leakage: { trainRows: 800, valRows: 200, duplicated: 2 } })]), [
    'train-validation-leakage',
  ]);
  assert.deepEqual(codes([check({}, { leakage: { trainRows: 800, valRows: 200, duplicated: 1 } })]), [], '0.5%');
});

test('label-loss-mismatch: each pairing of labels, loss and output', () => {
  const l = (labels: Partial<NonNullable<DataCheckEvent['labels']>>, extra: Partial<DataCheckEvent>) =>
    codes([check({ train: null, val: null, ...labels }, extra)]);
  assert.deepEqual(
    l({}, { loss: 'sparseCategoricalCrossentropy' }),
    ['label-loss-mismatch'],
    'one-hot labels, sparse loss',
  );
  assert.deepEqual(
    l({ encoding: 'sparse', width: 1, max: 4 }, { loss: 'sparseCategoricalCrossentropy', outputUnits: 4 }),
    ['label-loss-mismatch'],
    'index 4 of 4 units',
  );
  assert.deepEqual(
    l({ encoding: 'sparse', width: 1, max: 3 }, { loss: 'sparseCategoricalCrossentropy', outputUnits: 4 }),
    [],
    'indices 0..3',
  );
  assert.deepEqual(
    l({ encoding: 'sparse', width: 1, max: 3 }, {}),
    ['label-loss-mismatch'],
    'indices with categoricalCrossentropy',
  );
  assert.deepEqual(
    l(
      { encoding: 'continuous', min: -1, max: 1 },
      { loss: 'binaryCrossentropy', outputUnits: 1, outputActivation: 'sigmoid' },
    ),
    ['label-loss-mismatch'],
    '-1/1 targets',
  );
  assert.deepEqual(
    l({ encoding: 'binary', width: 1 }, { loss: 'binaryCrossentropy', outputUnits: 1, outputActivation: 'softmax' }),
    ['label-loss-mismatch'],
    'softmax over one unit',
  );
  assert.deepEqual(
    l({ encoding: 'binary', width: 1 }, { loss: 'binaryCrossentropy', outputUnits: 1, outputActivation: 'sigmoid' }),
    [],
  );
  assert.deepEqual(
    l({ encoding: 'probabilities', rowSumError: 2e-3 }, {}),
    ['label-loss-mismatch'],
    'rows that are not distributions',
  );
  assert.deepEqual(l({ encoding: 'probabilities', rowSumError: 5e-4 }, {}), [], 'soft labels within the tolerance');
  assert.deepEqual(
    l(
      { encoding: 'continuous', min: -3, max: 7, width: 1 },
      { loss: 'meanSquaredError', outputUnits: 1, outputActivation: 'linear' },
    ),
    [],
    'regression',
  );
});

test('overfitting is explained by a label-distribution-shift (the validation set has other classes)', () => {
  const layers = [
    { name: 'd1', className: 'Dense', activation: 'relu', initializer: 'heNormal', units: 8, params: 72 },
    { name: 'out', className: 'Dense', activation: 'softmax', initializer: 'glorotUniform', units: 2, params: 18 },
  ];
  const fitStart = () =>
    stamp({
      kind: 'fit-start',
      fitIndex: 0,
      method: 'fit',
      epochs: 10,
      stepsPerEpoch: 1,
      batchSize: 32,
      optimizer: 'Adam',
      loss: 'categoricalCrossentropy',
      layers,
      totalParams: 90,
      location: { file: FILE, line: 9 },
      compileLocation: { file: FILE, line: 8 },
      variables: { 'd1/kernel': 64, 'out/kernel': 16 },
    } as EventBody);
  // the validation loss rises 8% then 12% above its best while training improves: overfitting by the curve alone
  const curve = [
    [1.2, 1.1],
    [0.8, 1],
    [0.6, 1.08],
    [0.4, 1.12],
  ].flatMap(([loss, val], epoch) => [
    stamp({ kind: 'batch', step: epoch, epoch, batch: 0, loss, metrics: { acc: 0.95 }, lr: 0.001 }),
    stamp({ kind: 'epoch', epoch, step: epoch, logs: { loss, val_loss: val, acc: 0.95, val_acc: 0.8 } }),
  ]);
  assert.deepEqual(codes([fitStart(), ...curve]), ['overfitting'], 'the curve alone is overfitting');
  const shifted = check({ train: [400, 400], val: [0, 200] });
  const events = [shifted, fitStart(), ...curve];
  assert.deepEqual(codes(events), ['label-distribution-shift']);
});
