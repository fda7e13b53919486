/** The initializer-per-activation verdict (G1) shown in the dashboard's model table, on the names the runner reports. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLayerInitializer } from '../../src/guidelines/layerCheck';

test('matching pairs pass, mismatches say what the table recommends, unknown pairings say nothing', () => {
  assert.deepEqual(checkLayerInitializer('relu', 'heUniform'), { ok: true, text: 'relu → He ✓' });
  assert.deepEqual(checkLayerInitializer('selu', 'leCunNormal'), { ok: true, text: 'selu → LeCun ✓' });
  assert.deepEqual(checkLayerInitializer('tanh', 'heNormal'), {
    ok: false,
    text: 'tanh → Glorot (Xavier) (glorotUniform); heNormal is He',
  });
  assert.deepEqual(checkLayerInitializer('sigmoid', 'RandomNormal'), {
    ok: false,
    text: 'randomNormal ignores the layer width; sigmoid → Glorot (Xavier) (glorotUniform)',
  });
  assert.equal(checkLayerInitializer('relu', 'Ones')?.ok, false);
  // the runner names He/Glorot/LeCun VarianceScaling by their names; the rest is outside the table
  assert.equal(checkLayerInitializer('relu', 'varianceScaling(scale=3, mode=fanOut, distribution=normal)'), undefined);
  assert.equal(checkLayerInitializer('relu', 'Orthogonal'), undefined);
  assert.equal(checkLayerInitializer('swish', 'heNormal'), undefined, 'no row for swish');
  assert.equal(checkLayerInitializer(undefined, 'heNormal'), undefined);
});

test('on a real model: a linear Dense followed by batch norm and an Activation layer is checked against that activation', async () => {
  const tf = await import('@tensorflow/tfjs');
  const { summarize } = await import('../../src/runner/modelFacts');
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 8, inputShape: [4], kernelInitializer: 'heNormal' }),
      tf.layers.batchNormalization(),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.dense({ units: 8, kernelInitializer: 'heNormal' }),
      tf.layers.dropout({ rate: 0.2 }),
      tf.layers.activation({ activation: 'tanh' }),
      tf.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
  const checks = summarize(model.layers).map(l => [l.name.replace(/_\d+$/, ''), l.guideline?.ok ?? null]);
  assert.deepEqual(
    checks.map(c => c[1]),
    [true, null, null, false, null, null, true],
    `He before BN + relu is right; He before dropout + tanh is not (${JSON.stringify(checks)})`,
  );
});
