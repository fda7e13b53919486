/** MC dropout on real models: dropout gives a spread, no dropout gives none, batch norm stays in inference mode. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createMcPredict } from '../../src/toolkit/mc';

before(async () => {
  await tf.setBackend('cpu');
});
const mcPredict = createMcPredict(tf);

function net(extra: tf.layers.Layer[]): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [5],
        units: 32,
        activation: 'relu',
        kernelInitializer: tf.initializers.heNormal({ seed: 1 }),
      }),
      ...extra,
      tf.layers.dense({
        units: 3,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
}

test('with a Dropout layer the samples differ: nonzero std, and the mean is a proper average of probabilities', async () => {
  const model = net([tf.layers.dropout({ rate: 0.5 })]);
  const x = tf.randomNormal([4, 5], 0, 1, 'float32', 4);
  const before = tf.memory().numTensors;
  const { mean, std } = mcPredict(model, x, { samples: 50 });
  assert.equal(tf.memory().numTensors, before + 2, 'only mean and std remain (50 passes)');
  assert.deepEqual(mean.shape, [4, 3]);
  assert.deepEqual(std.shape, [4, 3]);
  const s = await std.data();
  assert.ok(Math.min(...s) > 1e-3, `every output varies across passes (min std ${Math.min(...s)})`);
  const rows = await mean.sum(1).data();
  rows.forEach(r => assert.ok(Math.abs(r - 1) < 1e-5, `mean probabilities sum to 1 (${r})`));
  // predict (inference) is unaffected afterwards: dropout is off again
  const a = await (model.predict(x) as tf.Tensor).data();
  const b = await (model.predict(x) as tf.Tensor).data();
  assert.deepEqual(Array.from(a), Array.from(b));
  tf.dispose([mean, std, x]);
  model.dispose();
});

test('without dropout every pass is the same: std is exactly 0 and the mean is predict()', async () => {
  const model = net([tf.layers.batchNormalization()]);
  const x = tf.randomNormal([6, 5], 0, 1, 'float32', 5);
  const { mean, std } = mcPredict(model, x, { samples: 10 });
  assert.deepEqual(Array.from(await std.data()), new Array(18).fill(0));
  // batch norm used its moving statistics (training mode would normalize with this batch's and change the output)
  const p = await (model.predict(x) as tf.Tensor).data();
  Array.from(await mean.data()).forEach((v, i) => assert.ok(Math.abs(v - p[i]) < 1e-6));
  tf.dispose([mean, std, x]);
  model.dispose();
});

test('bad arguments are clear errors', () => {
  const model = net([]);
  const x = tf.zeros([1, 5]);
  assert.throws(() => mcPredict(model, x, { samples: 0 }), /samples must be a whole number ≥ 1/);
  assert.throws(() => mcPredict({} as never, x), /must be a tfjs model/);
  const seeded = net([tf.layers.dropout({ rate: 0.5, seed: 3, name: 'drop_seeded' })]);
  assert.throws(() => mcPredict(seeded, x), /dropout layer 'drop_seeded' has a fixed seed/);
  x.dispose();
  model.dispose();
  seeded.dispose();
});
