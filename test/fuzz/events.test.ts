/** Fuzzing the event reader and validator (see test/fuzz/targets/events.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzTarget, RUNS } from './harness';

test(`event reader: ${RUNS} generated lines and logs, no exception, no hang`, async () => {
  const r = await fuzzTarget('events');
  assert.equal(r.failure, undefined, r.failure);
  assert.equal(r.runs, RUNS, 'every input ran');
});
