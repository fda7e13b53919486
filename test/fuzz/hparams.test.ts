/** Fuzzing the hparams env parser, TRAINING_LENS_HPARAMS (see test/fuzz/targets/hparams.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzTarget, RUNS } from './harness';

test(`hparams env parser: ${RUNS} generated values, plain results or clear errors, no hang`, async () => {
  const r = await fuzzTarget('hparams');
  assert.equal(r.failure, undefined, r.failure);
  assert.equal(r.runs, RUNS, 'every input ran');
});
