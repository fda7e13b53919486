/** Thresholds are settings: defaults from the tables, validation, and their effect on the rules. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../../src/guidelines/lint';
import { lintSettingsFrom, DEFAULT_LINT_SETTINGS, type LintSettings } from '../../src/guidelines/settings';

const from = (o: Record<string, unknown>) => lintSettingsFrom(k => o[k]);

test('defaults: deep = more than 4 hidden layers, dropout 0.1-0.5, learning rate 1e-7..0.01', () => {
  assert.deepEqual(from({}), {
    deepHiddenLayers: 4,
    dropoutRateMin: 0.1,
    dropoutRateMax: 0.5,
    learningRateMin: 1e-7,
    learningRateMax: 0.01,
    rules: {},
  });
  assert.deepEqual(from({}), { ...DEFAULT_LINT_SETTINGS, rules: {} });
});

test('invalid values fall back to the defaults; rule overrides are filtered', () => {
  const s = from({
    deepHiddenLayers: -1,
    dropoutRateMin: 0.6,
    dropoutRateMax: 0.3,
    learningRateMax: 'x',
    rules: { 'lr-range': 'off', 'constant-init': 'warning', nope: 'error', 'dropout-rate': 'loud' },
  });
  assert.equal(s.deepHiddenLayers, 4);
  assert.deepEqual([s.dropoutRateMin, s.dropoutRateMax], [0.1, 0.5], 'min above max: both defaults');
  assert.equal(s.learningRateMax, 0.01);
  assert.deepEqual(s.rules, { 'lr-range': 'off', 'constant-init': 'warning' });
});

const DEEPISH = `import * as tf from '@tensorflow/tfjs';
export const m = tf.sequential({ layers: [
  tf.layers.dense({ inputShape: [4], units: 8, activation: 'tanh' }),
  tf.layers.dense({ units: 8, activation: 'tanh' }),
  tf.layers.dense({ units: 8, activation: 'tanh' }),
  tf.layers.dropout({ rate: 0.4 }),
  tf.layers.dense({ units: 1, kernelInitializer: 'zeros' }),
] });
m.compile({ optimizer: tf.train.adam(0.005), loss: 'meanSquaredError' });
`;
const codes = (settings: LintSettings) =>
  analyzeText(DEEPISH, 'd.ts', settings)
    .findings.map(f => `${f.code}:${f.severity}`)
    .sort();

test('thresholds change what is flagged', () => {
  assert.deepEqual(codes(DEFAULT_LINT_SETTINGS), ['constant-init:error']);
  assert.deepEqual(
    codes({ ...DEFAULT_LINT_SETTINGS, deepHiddenLayers: 2, dropoutRateMax: 0.3, learningRateMax: 0.001 }),
    [
      'constant-init:error',
      'deep-without-batchnorm:info',
      'dropout-rate:warning',
      'lr-range:warning',
      'saturating-hidden-activation:warning',
      'saturating-hidden-activation:warning',
      'saturating-hidden-activation:warning',
    ],
  );
});

test('severity overrides and switching rules off', () => {
  assert.deepEqual(codes({ ...DEFAULT_LINT_SETTINGS, rules: { 'constant-init': 'warning' } }), [
    'constant-init:warning',
  ]);
  assert.deepEqual(codes({ ...DEFAULT_LINT_SETTINGS, rules: { 'constant-init': 'off' } }), []);
});
