/** Fuzzing the sweep record reader (see test/fuzz/targets/sweepRecord.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzTarget, RUNS } from './harness';

test(`sweep record reader: ${RUNS} generated files, valid records or errors naming the file, no hang`, async () => {
  const r = await fuzzTarget('sweepRecord');
  assert.equal(r.failure, undefined, r.failure);
  assert.equal(r.runs, RUNS, 'every input ran');
});
