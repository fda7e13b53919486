/**
 * The gradient readings' schedule: spaced to keep the probes within their budget of training time, dense where a
 * problem shows (fit and epoch starts, a loss jump, a non-finite loss), on every step when asked; and a real fit's
 * grad-norms events follow it.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ProbeSchedule, FIT_START, EPOCH_START, ALARM_STEPS, MAX_SPACING } from '../../src/probes/schedule';
import { Instrumentation, DEFAULT_PROBES, type ProbeSettings } from '../../src/runner/instrument';
import type { EventBody } from '../../src/protocol';

const settings = { everyStep: false, budget: 0.06, activationEvery: 0, histogramEvery: 0 };

/**
 * Runs `steps` steps through a schedule: a step takes `stepMs`, probes `baseMs` after every step and `readMs` more
 * (charged inside the step) on a reading step; `loss(step)` gives each step's loss. Returns the steps that read.
 */
function drive(
  schedule: ProbeSchedule,
  from: number,
  steps: number,
  t: { stepMs: number; baseMs: number; readMs: number; loss?: (step: number) => number; epochEvery?: number },
): number[] {
  const read: number[] = [];
  for (let step = from; step < from + steps; step++) {
    if (t.epochEvery && (step - from) % t.epochEvery === 0) schedule.epochBegin(step);
    if (schedule.reads) {
      read.push(step);
      schedule.charge(t.readMs);
    }
    schedule.loss(step, t.loss?.(step) ?? 1);
    schedule.next(step, t.stepMs + (schedule.reads ? t.readMs : 0), t.baseMs);
  }
  return read;
}

const gaps = (steps: number[]) => steps.slice(1).map((s, i) => s - steps[i]);

test('readings are spaced so the probes stay within the budget; cheap ones are read every step', () => {
  // 3 ms steps, 0.05 ms of probes on every step, 0.2 ms more for a reading: 0.06 * 3 = 0.18 ms of room
  const s = new ProbeSchedule(settings, 0);
  const read = drive(s, 0, 200, { stepMs: 3, baseMs: 0.05, readMs: 0.2 });
  assert.deepEqual(read.slice(0, FIT_START), [0, 1, 2], 'the first steps of the fit are read');
  assert.equal(s.spacing, 2, 'base 0.05 + 0.2 / 2 <= 0.18; base + 0.2 / 1 is not');
  assert.ok(
    gaps(read.slice(20)).every(g => g === 2),
    `every other step once measured: ${gaps(read.slice(20))}`,
  );
  const cost = 0.05 + 0.2 * (read.filter(x => x >= 20).length / 180);
  assert.ok(cost <= 0.06 * 3 + 1e-9, `probe time ${cost.toFixed(3)} ms/step within 6% of 3 ms`);

  const cheap = new ProbeSchedule(settings, 0);
  assert.equal(drive(cheap, 0, 100, { stepMs: 20, baseMs: 0.05, readMs: 0.2 }).length, 100, '0.25 ms on 20 ms steps');
  assert.equal(cheap.spacing, 1);
});

test('spacing never exceeds MAX_SPACING, however expensive the readings', () => {
  const s = new ProbeSchedule(settings, 0);
  const read = drive(s, 0, 200, { stepMs: 1, baseMs: 0.2, readMs: 5 });
  assert.equal(s.spacing, MAX_SPACING);
  assert.ok(Math.max(...gaps(read)) <= MAX_SPACING, `largest gap ${Math.max(...gaps(read))}`);
});

test('every step is read with everyStep, and the first steps of each epoch otherwise', () => {
  const every = new ProbeSchedule({ ...settings, everyStep: true }, 0);
  assert.equal(drive(every, 0, 60, { stepMs: 1, baseMs: 0.2, readMs: 5 }).length, 60);

  const spaced = new ProbeSchedule({ ...settings, activationEvery: 25, histogramEvery: 50 }, 0);
  const read = drive(spaced, 0, 120, { stepMs: 1, baseMs: 0.2, readMs: 5, epochEvery: 30 });
  for (const start of [30, 60, 90])
    for (let i = 0; i < EPOCH_START; i++) assert.ok(read.includes(start + i), `epoch start ${start}+${i} is read`);
  assert.ok(read.length < 60, `${read.length} of 120 steps read`);
});

test('a later fit of the same model re-reads its first steps as an epoch start, not a model start', () => {
  const s = new ProbeSchedule(settings, 0);
  const t = { stepMs: 1, baseMs: 0.2, readMs: 5 };
  drive(s, 0, 40, t);
  assert.equal(s.spacing, MAX_SPACING);
  s.beginFit(40);
  const read = drive(s, 40, 20, t);
  assert.deepEqual(read.slice(0, EPOCH_START), [40, 41], "the new fit's first steps are read");
  assert.ok(!read.includes(40 + EPOCH_START), `then spaced again: ${read}`);
  assert.equal(read.length, EPOCH_START + Math.floor((20 - EPOCH_START) / MAX_SPACING), `${read}`);
});

test('a loss jump or a non-finite loss makes every following step a reading for ALARM_STEPS steps', () => {
  for (const bad of [10, NaN, Infinity]) {
    const s = new ProbeSchedule(settings, 0);
    const loss = (step: number) => (step === 100 ? bad : 1 + 0.05 * Math.sin(step));
    const read = drive(s, 0, 160, { stepMs: 1, baseMs: 0.2, readMs: 5, loss });
    assert.ok(
      gaps(read.filter(x => x < 100).slice(-5)).every(g => g > 1),
      'spaced before',
    );
    for (let step = 101; step <= 100 + ALARM_STEPS; step++) assert.ok(read.includes(step), `${bad}: step ${step} read`);
    assert.ok(!read.includes(100 + ALARM_STEPS + 2) || !read.includes(100 + ALARM_STEPS + 3), 'spaced again after');
  }
  // ordinary noise is no jump
  const calm = new ProbeSchedule(settings, 0);
  const read = drive(calm, 0, 200, { stepMs: 1, baseMs: 0.2, readMs: 5, loss: step => 1 + 0.4 * (step % 3) });
  assert.ok(read.length < 80, `${read.length} readings of 200 steps with a noisy loss`);
  // a training set learnt by heart: the loss fell from 2.3 to a few thousandths, where a harder batch is 5x that
  const learnt = (step: number) => (step < 40 ? 2.3 - 0.057 * step : step % 7 ? 0.002 : 0.01);
  const converged = drive(new ProbeSchedule(settings, 0), 0, 200, { stepMs: 1, baseMs: 0.2, readMs: 5, loss: learnt });
  assert.ok(converged.filter(x => x >= 40).length < 64, `${converged.length} readings: its 5x swings are no jump`);
  // ...but a jump back towards where it started is
  const back = (step: number) => (step === 150 ? 0.5 : learnt(step));
  const alarmed = drive(new ProbeSchedule(settings, 0), 0, 200, { stepMs: 1, baseMs: 0.2, readMs: 5, loss: back });
  for (let step = 151; step <= 150 + ALARM_STEPS; step++) assert.ok(alarmed.includes(step), `step ${step} read`);
});

before(async () => {
  await tf.setBackend('cpu');
});

async function fit(probes: Partial<ProbeSettings>, epochs: number): Promise<EventBody[]> {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [64], units: 256, activation: 'relu', kernelInitializer: 'heNormal' }),
      tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: 'heNormal' }),
      tf.layers.dense({ units: 4, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const xs = tf.randomNormal([40 * 8, 64], 0, 1, 'float32', 3);
  const ys = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: 40 * 8 }, (_, i) => i % 4),
      'int32',
    ),
    4,
  );
  const events: EventBody[] = [];
  const inst = new Instrumentation(tf, { emit: e => events.push(e), probes: { ...DEFAULT_PROBES, ...probes } });
  inst.install();
  try {
    await model.fit(xs, ys, { epochs, batchSize: 8, shuffle: false });
  } finally {
    inst.uninstall();
  }
  return events;
}

const stepsOf = (events: EventBody[], kind: string, of?: string) => [
  ...new Set(
    events
      .filter(e => e.kind === kind && (!of || (e as { of?: string }).of === of))
      .map(e => (e as { step: number }).step),
  ),
];

test('a real fit reads the gradients on the schedule: every step with everyStep, spaced within bounds without', async () => {
  // a 256-wide MLP with batch 8 on cpu: 3 kernels' worth of norms are a large share of a tiny step
  const all = stepsOf(await fit({ everyStep: true }, 2), 'grad-norms');
  assert.deepEqual(
    all,
    Array.from({ length: 80 }, (_, i) => i),
  );
  const events = await fit({ activationEvery: 7, histogramEvery: 10, budget: 0.001 }, 2);
  const spaced = stepsOf(events, 'grad-norms');
  assert.ok(spaced.length < 80, `${spaced.length} of 80 steps read with a 0.1% budget`);
  for (const step of [0, 1, 2, 40, 41]) assert.ok(spaced.includes(step), `fit/epoch start ${step} is read`);
  assert.ok(Math.max(...gaps(spaced)) <= MAX_SPACING, `gaps ${gaps(spaced)}`);
  // the other probes keep their own steps: gradient histograms come with that step's norms
  const tens = Array.from({ length: 8 }, (_, i) => i * 10);
  assert.deepEqual(stepsOf(events, 'histogram', 'grad'), tens);
  for (const step of tens) assert.ok(spaced.includes(step), `norms at histogram step ${step}`);
  assert.deepEqual(
    stepsOf(events, 'activation-stats'),
    Array.from({ length: 12 }, (_, i) => i * 7),
  );
});
