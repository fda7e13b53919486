/** hparams(): defaults, a sweep's overrides from the environment, and the errors a wrong override or space gives. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hparams } from '../../src/toolkit/hparams';
import { HPARAMS_ENV } from '../../src/runner/config';

const env = (overrides?: unknown) =>
  overrides === undefined
    ? {}
    : { [HPARAMS_ENV]: typeof overrides === 'string' ? overrides : JSON.stringify(overrides) };
const DEFAULTS = { lr: 1e-3, weightDecay: 1e-6, units: 64, activation: 'relu', batchNorm: false };

test('without a sweep, hparams returns the defaults (a copy)', () => {
  const hp = hparams(DEFAULTS, { lr: [1e-6, 1e-2], weightDecay: [1e-8, 1e-4] }, env());
  assert.deepEqual(hp, DEFAULTS);
  assert.notEqual(hp, DEFAULTS);
});

test("a sweep trial's values replace the defaults they name; the rest stay", () => {
  const hp = hparams(DEFAULTS, { lr: [1e-6, 1e-2] }, env({ lr: 0.0042, activation: 'elu', batchNorm: true }));
  assert.deepEqual(hp, { ...DEFAULTS, lr: 0.0042, activation: 'elu', batchNorm: true });
});

test('reads TRAINING_LENS_HPARAMS from process.env by default', () => {
  const saved = process.env[HPARAMS_ENV];
  process.env[HPARAMS_ENV] = JSON.stringify({ units: 128 });
  try {
    assert.equal(hparams(DEFAULTS).units, 128);
  } finally {
    if (saved === undefined) delete process.env[HPARAMS_ENV];
    else process.env[HPARAMS_ENV] = saved;
  }
});

test('an override of another type than its default is an error naming the key', () => {
  assert.throws(
    () => hparams(DEFAULTS, undefined, env({ units: '128' })),
    /'units' must be a number like its default 64, but the sweep passed "128" \(string\)/,
  );
  assert.throws(() => hparams(DEFAULTS, undefined, env({ batchNorm: 1 })), /'batchNorm' must be a boolean/);
  assert.throws(() => hparams(DEFAULTS, undefined, env({ lr: null })), /'lr' must be a number .* \(null\)/);
});

test('an override of an unknown key, or a malformed variable, is an error', () => {
  assert.throws(
    () => hparams(DEFAULTS, undefined, env({ learningRate: 0.1 })),
    /sets 'learningRate', which is not one of the defaults/,
  );
  assert.throws(() => hparams(DEFAULTS, undefined, env('{lr: 1')), /TRAINING_LENS_HPARAMS is not valid JSON/);
  assert.throws(() => hparams(DEFAULTS, undefined, env('[1, 2]')), /must be a JSON object/);
});

test('a malformed search space is an error naming the key', () => {
  assert.throws(
    () => hparams(DEFAULTS, { lr: [1e-2, 1e-6] }, env()),
    /range of 'lr' must be \[min, max\] with 0 < min < max/,
  );
  assert.throws(() => hparams(DEFAULTS, { lr: [0, 1e-2] }, env()), /range of 'lr'/);
  assert.throws(
    () => hparams(DEFAULTS, { momentum: [0.8, 0.99] } as never, env()),
    /names 'momentum', which has no default/,
  );
  assert.throws(() => hparams(DEFAULTS, { activation: [1, 2] } as never, env()), /'activation' has a string default/);
  assert.throws(
    () => hparams({ layers: [64, 32] } as never, undefined, env()),
    /default of 'layers' must be a number, string or boolean/,
  );
});
