/**
 * Where fit and compile were called, through the real runner: each call names its own line, also when the same line
 * runs in a loop or one helper is called from several lines (a call path is located once, then remembered), and an
 * error's stack is still source-mapped to the job's lines after that.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { runJob, JOBS } from './helpers';

test('fit and compile in a loop and through a helper: each fit-start names the line that called it', async () => {
  const { events, end } = await runJob('fit-loop.train.ts', { backend: 'cpu' });
  const fits = events.flatMap(e => (e.kind === 'fit-start' ? [e] : []));
  assert.deepEqual(
    fits.map(f => [f.location?.line, f.compileLocation?.line]),
    [
      [8, 7],
      [8, 7],
      [10, 7],
      [10, 7],
      [14, 7],
    ],
  );
  for (const f of fits) assert.equal(f.location?.file, path.join(JOBS, 'fit-loop.train.ts'));
  assert.equal(end.status, 'error');
  assert.equal(end.error?.location?.line, 14, 'the NaN fit');
  assert.match(end.error?.message ?? '', /fit-loop\.train\.ts:14/);
  assert.match(end.error?.stack ?? '', /fit-loop\.train\.ts:14:\d+/, 'the stack is source-mapped');
});
