import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeJob, isTrainingJob } from '../../src/analysis/jobs';

test('fit and fitDataset calls are found with their positions', () => {
  const text = [
    "import * as tf from '@tensorflow/tfjs';",
    'const m = tf.sequential();',
    'await m.fit(xs, ys, { epochs: 1 });',
    '  await model.fitDataset(ds, {});',
    'other.fitting(1);',
  ].join('\n');
  assert.deepEqual(analyzeJob(text).fitCalls, [
    { method: 'fit', line: 2, character: 8 },
    { method: 'fitDataset', line: 3, character: 14 },
  ]);
  assert.ok(isTrainingJob(text));
});

test('named, aliased, subpackage and require imports all count; mentions in comments do not', () => {
  assert.ok(isTrainingJob("import { sequential } from '@tensorflow/tfjs-layers';\nm.fit(a, b);"));
  assert.ok(isTrainingJob("const tf = require('@tensorflow/tfjs-node');\nm.fit(a, b);", 'job.js'));
  assert.ok(isTrainingJob("const tf = await import('@tensorflow/tfjs');\nm.fit(a, b);"));
  assert.equal(isTrainingJob('// uses @tensorflow/tfjs\nm.fit(a, b);'), false);
  assert.equal(isTrainingJob("import * as tf from '@tensorflow/tfjs';\nexport const model = tf.sequential();"), false);
  assert.equal(
    isTrainingJob("import * as tf from '@tensorflow/tfjs-vis';\nm.fit(a, b);"),
    true,
    'any @tensorflow/tfjs-* package',
  );
});

test('broken source never throws', () => {
  assert.doesNotThrow(() => analyzeJob("import * as tf from '@tensorflow/tfjs';\nm.fit(a, b,, {{{"));
});
