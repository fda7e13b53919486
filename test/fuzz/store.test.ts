/** Fuzzing the run store on random folder trees (see test/fuzz/targets/store.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzTarget, RUNS } from './harness';

test(
  `run store: ${RUNS} generated folder trees, no exception, no hang, nothing outside touched`,
  { skip: process.platform === 'win32' },
  async () => {
    const r = await fuzzTarget('store');
    assert.equal(r.failure, undefined, r.failure);
    assert.equal(r.runs, RUNS, 'every input ran');
  },
);
