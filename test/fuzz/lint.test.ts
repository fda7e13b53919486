/** Fuzzing the static analyzer on mutated job sources (see test/fuzz/targets/lint.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzTarget, RUNS } from './harness';

test(`analyzer: ${RUNS} mutated job sources, no exception, valid findings, no hang`, async () => {
  const r = await fuzzTarget('lint');
  assert.equal(r.failure, undefined, r.failure);
  assert.equal(r.runs, RUNS, 'every input ran');
});
