/** The initializer-per-activation verdict (G1) shown in the dashboard's model table, on the names the runner reports. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLayerInitializer } from '../../src/guidelines/layerCheck';

test('matching pairs pass, mismatches say what the table recommends, unknown pairings say nothing', () => {
  assert.deepEqual(checkLayerInitializer('relu', 'heUniform'), { ok: true, text: 'relu → He ✓' });
  assert.deepEqual(checkLayerInitializer('selu', 'leCunNormal'), { ok: true, text: 'selu → LeCun ✓' });
  assert.deepEqual(checkLayerInitializer('tanh', 'heNormal'), { ok: false, text: 'tanh → Glorot (Xavier) (glorotUniform); heNormal is He' });
  assert.deepEqual(checkLayerInitializer('sigmoid', 'RandomNormal'), { ok: false, text: 'randomNormal ignores the layer width; sigmoid → Glorot (Xavier) (glorotUniform)' });
  assert.equal(checkLayerInitializer('relu', 'Ones')?.ok, false);
  // the runner names unusual VarianceScaling configurations by their parameters
  assert.deepEqual(checkLayerInitializer('relu', 'varianceScaling(scale=2, mode=fanIn, distribution=truncated_normal)'), { ok: true, text: 'relu → He ✓' });
  assert.equal(checkLayerInitializer('relu', 'varianceScaling(scale=3, mode=fanOut, distribution=normal)'), undefined);
  assert.equal(checkLayerInitializer('relu', 'Orthogonal'), undefined);
  assert.equal(checkLayerInitializer('swish', 'heNormal'), undefined, 'no row for swish');
  assert.equal(checkLayerInitializer(undefined, 'heNormal'), undefined);
});
