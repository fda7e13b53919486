/**
 * log() / logHistogram() of the toolkit through the real runner: a job trains on cpu, logs a scalar per batch and a
 * histogram per epoch, and the run log carries them as validated custom-scalar / custom-histogram events at the
 * steps the job gave (or the run's last step when it gave none). Bad arguments fail on the job's own line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runJob, ROOT, tempDir } from './helpers';
import { readRunLog, EVENTS_FILE } from '../../src/runs/store';
import type { CustomHistogramEvent, CustomScalarEvent } from '../../src/protocol';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'toolkit');

test('log() and logHistogram() record custom series in the run log, at the given or the current step', async () => {
  const { events, end, problems, handle } = await runJob(path.join(FIXTURES, 'custom-log.train.ts'), {
    backend: 'cpu',
  });
  assert.deepEqual(problems, [], 'the runner reported no bad event');
  assert.equal(end.status, 'ok', end.error?.message);
  const batches = events.filter(e => e.kind === 'batch');
  assert.equal(batches.length, 8, 'fit ran 2 epochs x 4 batches');

  const scalars = events.filter((e): e is CustomScalarEvent => e.kind === 'custom-scalar');
  const perBatch = scalars.filter(s => s.name === 'loss x 2');
  assert.deepEqual(
    perBatch.map(s => s.step),
    [0, 1, 2, 3, 4, 5, 6, 7],
    'one value per batch, at the steps the job gave',
  );
  batches.forEach((b, i) => {
    assert.ok(b.kind === 'batch' && b.loss !== null);
    assert.ok(
      Math.abs(perBatch[i].value! - 2 * b.loss) < 1e-6,
      `step ${i}: logged ${perBatch[i].value} vs loss ${b.loss}`,
    );
  });
  const final = scalars.find(s => s.name === 'final weight sum');
  assert.ok(final, 'a value logged after fit is recorded');
  assert.equal(final.step, 7, 'without a step: the last step fit finished');
  assert.equal(typeof final.value, 'number');
  const nan = scalars.find(s => s.name === 'not finite');
  assert.equal(nan?.value, null, 'NaN is recorded as null (non-finite)');

  const hists = events.filter((e): e is CustomHistogramEvent => e.kind === 'custom-histogram');
  const kernel = hists.filter(h => h.name === 'first kernel');
  assert.deepEqual(
    kernel.map(h => h.step),
    [3, 7],
    'one kernel histogram per epoch',
  );
  for (const h of kernel)
    assert.equal(h.counts.reduce((a, b) => a + b, 0) + h.nonFinite, 4 * 8, 'every weight counted');
  const preds = hists.find(h => h.name === 'predictions');
  assert.ok(preds, 'a histogram logged after fit is recorded');
  assert.equal(
    preds.counts.reduce((a, b) => a + b, 0),
    64,
    'one count per prediction',
  );
  assert.equal(preds.step, 7);

  // the log on disk holds the same events, each valid
  const log = readRunLog(path.join(handle.runDir, EVENTS_FILE));
  assert.deepEqual(log.problems, [], 'the run log parses');
  assert.equal(log.events.filter(e => e.kind === 'custom-scalar').length, scalars.length);
  assert.equal(log.events.filter(e => e.kind === 'custom-histogram').length, hists.length);
});

test('log() with a bad name or value fails on the job line that called it', async () => {
  const dir = tempDir('tl-custom-');
  const job = path.join(dir, 'bad-log.train.ts');
  fs.writeFileSync(
    job,
    [
      "import * as tf from '@tensorflow/tfjs';",
      "import { log } from 'training-lens';",
      "log('ok', 1, 0);",
      "log('bad', 'high' as unknown as number);",
      '',
    ].join('\n'),
  );
  const { end } = await runJob(job, { backend: 'cpu', runsDir: path.join(dir, 'runs') });
  assert.equal(end.status, 'error', 'the run fails');
  assert.match(end.error?.message ?? '', /training-lens log: value must be a number or a one-element tensor/);
  assert.equal(end.error?.location?.line, 4, 'the error names the line of the bad call');
});
