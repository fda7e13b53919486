/** Fuzzing the tfevents reader (see test/fuzz/targets/tfevents.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzTarget, RUNS } from './harness';

test(`tfevents reader: ${RUNS} damaged event files, no exception, no hang, only valid events`, async () => {
  const r = await fuzzTarget('tfevents');
  assert.equal(r.failure, undefined, r.failure);
  assert.equal(r.runs, RUNS, 'every input ran');
});
