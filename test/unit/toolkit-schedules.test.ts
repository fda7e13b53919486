/**
 * The toolkit's learning-rate schedules on real tfjs (cpu backend): the formulas at chosen steps, and in real
 * `model.fit` runs the rate the optimizer actually uses at each step (SGD's scalar `c`, Adam's `learningRate`),
 * 1cycle's momentum moving against the rate, hyper-parameter changes taking effect in the update, and
 * reduce-on-plateau halving the rate after `patience` epochs.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  createSchedules,
  powerAt,
  exponentialAt,
  piecewiseAt,
  oneCycleAt,
  oneCyclePlan,
} from '../../src/toolkit/schedules';
import { tinyReluNet } from './tinyNet';
import { setOptimizerMomentum, setOptimizerLearningRate, MOMENTUM_KEY } from '../../src/toolkit/optimizerState';

before(async () => {
  await tf.setBackend('cpu');
});

const { schedules } = createSchedules(tf);
const close = (a: number, b: number, rel = 1e-12) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-30);

interface Seen {
  step: number;
  epoch: number;
  lr: number;
  c: number | null;
  momentum: number | null;
  mScalar: number | null;
  beta1: number | null;
  key: number | undefined;
}

/** Records, at every onBatchEnd, what the optimizer used for the step that just ran. */
class Recorder extends tf.Callback {
  seen: Seen[] = [];
  private epoch = 0;
  override async onEpochBegin(epoch: number) {
    this.epoch = epoch;
  }
  override async onBatchEnd() {
    const o = this.model.optimizer as unknown as Record<string | symbol, unknown>;
    const scalar = (t: unknown) => (t instanceof tf.Tensor ? t.dataSync()[0] : null);
    this.seen.push({
      step: this.seen.length,
      epoch: this.epoch,
      lr: o.learningRate as number,
      c: scalar(o.c) == null ? null : -scalar(o.c)!,
      momentum: (o.momentum as number) ?? null,
      mScalar: scalar(o.m),
      beta1: (o.beta1 as number) ?? null,
      key: o[MOMENTUM_KEY] as number | undefined,
    });
  }
}

function model(optimizer: tf.Optimizer): tf.Sequential {
  const m = tinyReluNet({ hidden: 1, output: 2 });
  m.compile({ optimizer, loss: 'meanSquaredError' });
  return m;
}

const xs = tf.randomNormal([20, 3], 0, 1, 'float32', 3);
const ys = tf.randomNormal([20, 1], 0, 1, 'float32', 4);
/** 20 samples, batch 5: 4 steps per epoch. */
async function fit(m: tf.Sequential, epochs: number, callbacks: tf.Callback[], extra: tf.ModelFitArgs = {}) {
  const rec = new Recorder();
  const history = await m.fit(xs, ys, {
    epochs,
    batchSize: 5,
    shuffle: false,
    callbacks: [...callbacks, rec],
    ...extra,
  });
  return { seen: rec.seen, history };
}

// ---------------------------------------------------------------------------------------------------------------

test('the formulas at chosen steps (G5)', () => {
  assert.equal(powerAt(0, { lr0: 0.01, s: 20 }), 0.01);
  assert.ok(close(powerAt(20, { lr0: 0.01, s: 20 }), 0.005), 't = s halves the rate');
  assert.ok(close(powerAt(60, { lr0: 0.01, s: 20 }), 0.0025), 't = k·s gives lr0/(k+1)');
  assert.ok(close(powerAt(20, { lr0: 0.01, s: 20, c: 2 }), 0.0025));
  assert.ok(close(exponentialAt(20, { lr0: 0.01, s: 20 }), 0.001), 'drops 10x every s steps');
  assert.ok(close(exponentialAt(40, { lr0: 0.01, s: 20 }), 0.0001));
  assert.ok(close(exponentialAt(10, { lr0: 0.01, s: 20 }), 0.01 / Math.sqrt(10)));
  const pw = { boundaries: [5, 15], values: [0.01, 0.005, 0.001] };
  assert.deepEqual(
    [0, 4, 5, 14, 15, 100].map(e => piecewiseAt(e, pw)),
    [0.01, 0.01, 0.005, 0.005, 0.001, 0.001],
  );

  const plan = oneCyclePlan({ maxLr: 0.1, steps: 100 });
  assert.deepEqual(
    { ...plan },
    { steps: 100, maxLr: 0.1, startLr: 0.01, finalLr: 0.00001, upSteps: 45, momentum: [0.95, 0.85] },
  );
  const at = (s: number) => oneCycleAt(s, plan);
  assert.ok(close(at(0).lr, 0.01));
  assert.ok(close(at(0).momentum!, 0.95));
  assert.ok(close(at(15).lr, 0.04));
  assert.ok(close(at(15).momentum!, 0.95 - 0.1 / 3));
  assert.ok(close(at(45).lr, 0.1), 'peak at the end of the first half');
  assert.ok(close(at(45).momentum!, 0.85));
  assert.ok(close(at(60).lr, 0.07));
  assert.ok(close(at(60).momentum!, 0.85 + 0.1 / 3));
  assert.ok(close(at(90).lr, 0.01), 'back to startLr');
  assert.ok(close(at(90).momentum!, 0.95));
  assert.ok(close(at(95).lr, 0.01 + ((0.00001 - 0.01) * 5) / 9), 'annihilation: linear towards finalLr');
  assert.ok(close(at(99).lr, 0.00001), 'finalLr at the last step');
  assert.ok(close(at(99).momentum!, 0.95));
  assert.ok(close(at(500).lr, 0.00001), 'finalLr after the planned steps');
  assert.deepEqual(
    oneCyclePlan({
      maxLr: 1,
      epochs: 3,
      stepsPerEpoch: 7,
      startLr: 0.2,
      finalLr: 0,
      annihilationShare: 0.2,
      momentum: false,
    }),
    { steps: 21, maxLr: 1, startLr: 0.2, finalLr: 0, upSteps: 8, momentum: null },
  );
});

test('bad options are clear errors naming the option', () => {
  assert.throws(() => schedules.power({ s: 0 }), /schedules\.power: s must be a positive number \(got 0\)/);
  assert.throws(() => schedules.exponential({ s: 10, per: 'batch' as never }), /per must be 'step' or 'epoch'/);
  assert.throws(
    () => schedules.piecewise({ boundaries: [5, 15], values: [0.01, 0.005] }),
    /values needs one more entry than boundaries/,
  );
  assert.throws(() => schedules.piecewise({ boundaries: [15, 5], values: [1, 2, 3] }), /boundaries must be increasing/);
  assert.throws(() => schedules.oneCycle({ maxLr: 0.1, epochs: 3 }), /give steps, or epochs and stepsPerEpoch/);
  assert.throws(
    () => schedules.oneCycle({ maxLr: 0.1, steps: 10, annihilationShare: 1 }),
    /annihilationShare must be between 0 and 1/,
  );
  assert.throws(() => schedules.performance({ factor: 2 }), /factor must be below 1/);
});

test('power (per step) on SGD: the rate of every step of a real fit is the formula, in the tensor the update uses', async () => {
  const m = model(tf.train.sgd(0.05));
  const { seen } = await fit(m, 3, [schedules.power({ s: 4, c: 1 })]);
  assert.equal(seen.length, 12);
  for (const s of seen) {
    const want = powerAt(s.step, { lr0: 0.05, s: 4 });
    assert.ok(close(s.lr, want), `step ${s.step}: learningRate ${s.lr} vs ${want}`);
    assert.equal(s.c, Math.fround(want), `step ${s.step}: SGD multiplies by -c; c must be the scheduled rate`);
  }
  assert.ok(seen[11].lr < seen[0].lr / 3.5, 'the rate really decays');
});

test('exponential (per step) on Adam, continuing across fit calls, with lr0 given', async () => {
  const m = model(tf.train.adam(0.123));
  const sched = schedules.exponential({ lr0: 0.01, s: 8 });
  const first = await fit(m, 1, [sched]);
  const second = await fit(m, 2, [sched]);
  const lrs = [...first.seen, ...second.seen].map(s => s.lr);
  assert.equal(lrs.length, 12);
  lrs.forEach((lr, step) => assert.ok(close(lr, exponentialAt(step, { lr0: 0.01, s: 8 })), `step ${step}: ${lr}`));
  assert.ok(close(lrs[8], 0.001));
});

test('fitDataset takes the schedules too (power per epoch on SGD)', async () => {
  const m = model(tf.train.sgd(0.2));
  const data = tf.data
    .zip({ xs: tf.data.array(xs.arraySync() as number[][]), ys: tf.data.array(ys.arraySync() as number[][]) })
    .batch(5);
  const rec = new Recorder();
  await m.fitDataset(data as never, { epochs: 3, callbacks: [schedules.power({ s: 1, per: 'epoch' }), rec] });
  assert.equal(rec.seen.length, 12);
  for (const s of rec.seen) assert.equal(s.c, Math.fround(powerAt(s.epoch, { lr0: 0.2, s: 1 })), `epoch ${s.epoch}`);
});

for (const [name, make] of [
  ['SGD', () => tf.train.sgd(0.5)],
  ['Adam', () => tf.train.adam(0.5)],
] as const) {
  test(`piecewise per epoch on ${name}: each epoch's steps use its value; per step switches mid-epoch`, async () => {
    const values = [0.01, 0.005, 0.001];
    const { seen } = await fit(model(make()), 5, [schedules.piecewise({ boundaries: [1, 3], values })]);
    assert.equal(seen.length, 20);
    for (const s of seen) {
      const want = piecewiseAt(s.epoch, { boundaries: [1, 3], values });
      assert.equal(s.lr, want, `epoch ${s.epoch} step ${s.step}`);
      if (s.c != null) assert.equal(s.c, Math.fround(want));
    }
    const perStep = await fit(model(make()), 2, [schedules.piecewise({ boundaries: [2, 6], values, per: 'step' })]);
    assert.deepEqual(
      perStep.seen.map(s => s.lr),
      [0.01, 0.01, 0.005, 0.005, 0.005, 0.005, 0.001, 0.001],
    );
  });
}

test('1cycle on Momentum: rate and momentum follow oneCycleAt, move opposite, and the update scalar m follows', async () => {
  const opt = tf.train.momentum(0.3, 0.9);
  const m = model(opt);
  const plan = { maxLr: 0.05, epochs: 5, stepsPerEpoch: 4 };
  const { seen } = await fit(m, 5, [schedules.oneCycle(plan)]);
  assert.equal(seen.length, 20);
  for (const s of seen) {
    const want = oneCycleAt(s.step, plan);
    assert.ok(close(s.lr, want.lr), `step ${s.step} lr`);
    assert.equal(s.c, Math.fround(want.lr));
    assert.ok(close(s.momentum!, want.momentum!), `step ${s.step} momentum`);
    assert.equal(s.mScalar, Math.fround(want.momentum!), `step ${s.step}: the update multiplies by m`);
    assert.equal(s.key, s.momentum, 'momentum published for the runner');
  }
  const up = oneCyclePlan(plan).upSteps;
  assert.equal(up, 9);
  const peak = seen.reduce((a, b) => (b.lr > a.lr ? b : a));
  const trough = seen.reduce((a, b) => (b.momentum! < a.momentum! ? b : a));
  assert.equal(peak.step, up);
  assert.equal(trough.step, up, 'momentum lowest where the rate peaks');
  for (let i = 1; i <= 2 * up; i++) {
    const dLr = seen[i].lr - seen[i - 1].lr,
      dM = seen[i].momentum! - seen[i - 1].momentum!;
    assert.ok(dLr * dM < 0, `step ${i}: rate and momentum move in opposite directions`);
  }
  assert.ok(close(seen[19].lr, 0.005 / 1000), 'ends at finalLr');
});

test('1cycle on Adam moves beta1; with momentum: false it is left alone', async () => {
  const plan = { maxLr: 0.02, steps: 12 };
  const a = tf.train.adam(0.001, 0.9);
  const { seen } = await fit(model(a), 3, [schedules.oneCycle(plan)]);
  seen.forEach(s => {
    assert.ok(close(s.lr, oneCycleAt(s.step, plan).lr));
    assert.ok(close(s.beta1!, oneCycleAt(s.step, plan).momentum!));
    assert.equal(s.key, s.beta1);
  });
  const b = tf.train.adam(0.001, 0.9);
  const off = await fit(model(b), 1, [schedules.oneCycle({ ...plan, momentum: false })]);
  assert.ok(off.seen.length > 0, 'the optimizer was seen at some step');
  for (const s of off.seen) {
    assert.equal(s.beta1, 0.9, 'momentum: false leaves beta1 alone');
    assert.equal(s.key, undefined, 'momentum: false sets no momentum key');
  }
  const sgd = await fit(model(tf.train.sgd(0.1)), 1, [schedules.oneCycle(plan)]);
  assert.ok(
    sgd.seen.every(s => s.key === undefined),
    'plain SGD has no momentum to move',
  );
});

test('a momentum change takes effect in the next update (Momentum: scalar m; Adam: beta1 with exact bias correction)', () => {
  // Momentum: v = μ·v + g; w -= lr·v. tfjs's own setMomentum alone would leave μ = 0.9 in the update.
  const w = tf.variable(tf.scalar(1));
  const mom = tf.train.momentum(0.1, 0.9);
  const g = [{ name: w.name, tensor: tf.scalar(2) }];
  mom.applyGradients(g); // v = 2, w = 1 - 0.2
  setOptimizerMomentum(tf, mom, 0.5);
  mom.applyGradients(g); // v = 0.5·2 + 2 = 3, w = 0.8 - 0.3
  assert.ok(Math.abs(w.dataSync()[0] - 0.5) < 1e-6, `momentum 0.5 used: w = ${w.dataSync()[0]}`);

  // Adam with beta1 varying per step, against the textbook update with m̂ = m / (1 - Π beta1).
  const v = tf.variable(tf.scalar(0.7));
  const adam = tf.train.adam(0.01, 0.9, 0.999, 1e-8);
  const betas = [0.95, 0.9, 0.85, 0.8];
  const grads = [0.3, -0.2, 0.5, 0.1];
  let ref = 0.7,
    m = 0,
    s = 0,
    prodB1 = 1;
  for (let t = 0; t < betas.length; t++) {
    setOptimizerMomentum(tf, adam, betas[t]);
    const grad = tf.scalar(grads[t]);
    adam.applyGradients([{ name: v.name, tensor: grad }]);
    grad.dispose();
    m = betas[t] * m + (1 - betas[t]) * grads[t];
    s = 0.999 * s + 0.001 * grads[t] ** 2;
    prodB1 *= betas[t];
    ref -= (0.01 * (m / (1 - prodB1))) / (Math.sqrt(s / (1 - 0.999 ** (t + 1))) + 1e-8);
    assert.ok(Math.abs(v.dataSync()[0] - ref) < 1e-6, `step ${t}: ${v.dataSync()[0]} vs ${ref}`);
  }
  tf.dispose([w, v, g[0].tensor]);
  mom.dispose();
  adam.dispose();
});

test('setting the rate does not leak tensors (SGD rebuilds its scalar every step)', async () => {
  const m = model(tf.train.momentum(0.1, 0.9));
  await fit(m, 1, []); // optimizer slots exist from here on
  const before = tf.memory().numTensors;
  await fit(m, 3, [schedules.oneCycle({ maxLr: 0.1, steps: 12 }), schedules.power({ s: 2 })]);
  assert.equal(tf.memory().numTensors, before);
  const sgd = tf.train.sgd(0.1);
  const n = tf.memory().numTensors;
  for (let i = 0; i < 10; i++) setOptimizerLearningRate(sgd, 0.1 / (i + 2));
  assert.equal(tf.memory().numTensors, n);
});

test('performance: with a plateau the rate halves after `patience` epochs, falling back to loss without validation', async () => {
  // Zero inputs, no bias: the output is always 0, so the loss is the same every epoch.
  const flat = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 1, useBias: false })] });
  flat.compile({ optimizer: tf.train.sgd(0.08), loss: 'meanSquaredError' });
  const rec = new Recorder();
  await flat.fit(tf.zeros([8, 3]), tf.ones([8, 1]), {
    epochs: 8,
    batchSize: 4,
    callbacks: [schedules.performance({ patience: 2 }), rec],
  });
  const perEpoch = [0, 1, 2, 3, 4, 5, 6, 7].map(e => rec.seen.filter(s => s.epoch === e).map(s => s.lr));
  // epoch 0 sets the best; epochs 1, 2 do not improve → halve after epoch 2; the wait restarts: after 4, after 6.
  assert.deepEqual(perEpoch, [
    [0.08, 0.08],
    [0.08, 0.08],
    [0.08, 0.08],
    [0.04, 0.04],
    [0.04, 0.04],
    [0.02, 0.02],
    [0.02, 0.02],
    [0.01, 0.01],
  ]);
  assert.equal(rec.seen.at(-1)!.c, Math.fround(0.01), 'SGD update scalar follows');
});

test('performance: improvements reset the wait; mode auto maximizes accuracy; minLr is a floor', async () => {
  const m = model(tf.train.adam(0.1));
  const cb = schedules.performance({ patience: 2, factor: 0.5, minLr: 0.03 });
  cb.setModel(m);
  await cb.onTrainBegin();
  const lrAfter: number[] = [];
  const vals = [1, 0.9, 0.95, 0.8, 0.85, 0.85, 0.85, 0.85, 0.7, 0.9, 0.9];
  for (const [e, v] of vals.entries()) {
    await cb.onEpochEnd(e, { loss: 5, val_loss: tf.scalar(v) as unknown as number });
    lrAfter.push((m.optimizer as unknown as { learningRate: number }).learningRate);
  }
  assert.deepEqual(lrAfter, [0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.03, 0.03, 0.03, 0.03]);

  const acc = schedules.performance({ monitor: 'val_acc', patience: 1 });
  const m2 = model(tf.train.adam(0.1));
  acc.setModel(m2);
  await acc.onTrainBegin();
  await acc.onEpochEnd(0, { val_acc: 0.5 });
  await acc.onEpochEnd(1, { val_acc: 0.6 });
  assert.equal(
    (m2.optimizer as unknown as { learningRate: number }).learningRate,
    0.1,
    'higher accuracy is an improvement',
  );
  await acc.onEpochEnd(2, { val_acc: 0.55 });
  assert.equal((m2.optimizer as unknown as { learningRate: number }).learningRate, 0.05);
  await assert.rejects(
    acc.onEpochEnd(3, { loss: 1 }),
    /monitor 'val_acc' is not in the epoch logs \(they have: loss\)/,
  );
});

test('1cycle without a length spans the fit it is given: epochs × ceil(samples / batchSize), the last step annihilated', async () => {
  const m = model(tf.train.sgd(0.1));
  const cycle = schedules.oneCycle({ maxLr: 0.05 });
  const { seen } = await fit(m, 4, [cycle]); // 20 samples, batch 5: 4 steps per epoch
  assert.equal(seen.length, 16);
  const plan = oneCyclePlan({ maxLr: 0.05, steps: 16 });
  for (const s of seen) assert.ok(close(s.lr, oneCycleAt(s.step, plan).lr), `step ${s.step}`);
  assert.ok(close(seen.at(-1)!.lr, plan.finalLr), "the final rate is reached on the fit's last step");
  await assert.rejects(
    // a generator dataset has no known size: nothing tells how long an epoch is
    model(tf.train.sgd(0.1)).fitDataset(
      tf.data.generator(function* () {
        yield { xs: xs.slice(0, 5), ys: ys.slice(0, 5) };
      }),
      { epochs: 1, callbacks: [schedules.oneCycle({ maxLr: 0.05 })] },
    ),
    /cannot tell how many steps this fit takes/,
  );
});
