/**
 * A job that calls fit in a loop on the same tensors (an epoch per call) gets the same data check at every call, but
 * its data is scanned and read back once: the probe remembers its measurement per model while the tensors live
 * (tfjs tensors are immutable). New tensors, a recompiled loss or a disposed tensor are measured again.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Instrumentation, DEFAULT_PROBES } from '../../src/runner/instrument';
import type { DataCheckEvent, EventBody } from '../../src/protocol';

before(async () => {
  await tf.setBackend('cpu');
});

/** counts the reads of t's values back to JS (what the probe does to labels and to inputs it compares) */
function countReads(t: tf.Tensor): { reads: number } {
  const counter = { reads: 0 };
  const data = t.data.bind(t);
  t.data = (() => {
    counter.reads++;
    return data();
  }) as typeof t.data;
  return counter;
}

test('fit in a loop on the same tensors: one reading of the data, the same data check every call', async () => {
  const n = 120;
  const x = tf.randomNormal([n, 5], 0, 1, 'float32', 3);
  const labels = tf.tensor1d(
    Array.from({ length: n }, (_, i) => i % 3),
    'int32',
  );
  const y = tf.oneHot(labels, 3);
  const m = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [5], units: 8, activation: 'relu' }),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const events: EventBody[] = [];
  const inst = new Instrumentation(tf, { emit: e => events.push(e), probes: DEFAULT_PROBES });
  const yReads = countReads(y);
  inst.install();
  try {
    const held: number[] = [];
    for (let i = 0; i < 3; i++) {
      await m.fit(x, y, { epochs: 1, batchSize: 40, validationSplit: 0.25 });
      held.push(tf.memory().numTensors);
    }
    assert.equal(held[2], held[1], 'a remembered fit holds no tensor past its end');
    assert.equal(yReads.reads, 1, 'the labels were read back once, not at every fit');
    // new tensors with the same values: measured again
    const y2 = y.clone();
    const y2Reads = countReads(y2);
    await m.fit(x, y2, { epochs: 1, batchSize: 40, validationSplit: 0.25 });
    assert.equal(y2Reads.reads, 1, 'other tensors are measured');
    // a recompiled loss is tested again by the self-test
    m.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    await m.fit(x, y2, { epochs: 1, batchSize: 40, validationSplit: 0.25 });
    assert.equal(y2Reads.reads, 2, 'a new loss: measured again');
    y2.dispose();
  } finally {
    inst.uninstall();
  }
  const checks = events.filter((e): e is Omit<DataCheckEvent, 'runId' | 'seq' | 't'> => e.kind === 'data-check');
  assert.deepEqual(
    checks.map(c => c.fitIndex),
    [0, 1, 2, 3, 4],
  );
  const measured = (c: (typeof checks)[number]) => ({ ...c, fitIndex: 0 });
  assert.deepEqual(measured(checks[1]), measured(checks[0]), 'the same measurement');
  assert.deepEqual(measured(checks[2]), measured(checks[0]));
  assert.deepEqual(measured(checks[3]), measured(checks[0]), 'equal values, measured anew');
  assert.equal(checks[0].labels?.encoding, 'one-hot');
  assert.ok(checks[0].lossCheck, 'the loss self-test ran');
  assert.equal(checks[4].loss, 'meanSquaredError');
  // each fit still evaluates its validation part at its epoch end (the per-class panel)
  const perClass = events.filter(e => e.kind === 'class-metrics');
  assert.equal(perClass.length, 5);
  for (const c of perClass) assert.equal(c.kind === 'class-metrics' && c.samples, 30);
});
