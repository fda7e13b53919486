/**
 * The tensor-leak watch: a job that keeps a tensor per step without tf.tidy/dispose gets a tensor-leak finding
 * within 50 steps, on the line that allocates; a healthy job with every probe at its busiest gets none (the probes
 * free what they make); the rule's thresholds on synthetic memory samples; what the run holds goes in summary.json.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { runJob, JOBS } from './helpers';
import { LeakWatch, LEAK_WINDOW } from '../../src/detectors/leak';
import { summarizeRun } from '../../src/runs/summary';
import type { RunEvent, Finding } from '../../src/protocol';

const base = { runId: 'r', seq: 0, t: 0 };

function feed(counts: number[]): Finding | undefined {
  const watch = new LeakWatch();
  watch.observe({ ...base, kind: 'fit-start', location: { file: '/job.ts', line: 9 } } as RunEvent);
  for (let step = 0; step < counts.length; step++) {
    const f = watch.observe({ ...base, kind: 'memory', step, tensors: counts[step], bytes: counts[step] * 4 });
    if (f) return f;
  }
  return undefined;
}

test('the rule: steady growth of 1 tensor per step is a leak after the window; slower, falling or per-epoch growth is not', () => {
  const leak = feed(Array.from({ length: 60 }, (_, s) => 30 + s));
  assert.ok(leak, 'one more tensor every step is reported');
  assert.equal(leak.code, 'tensor-leak');
  assert.equal(leak.held?.toStep, LEAK_WINDOW, 'reported as soon as the window is full');
  assert.deepEqual(
    leak.range?.start,
    { file: '/job.ts', line: 9 },
    'no allocation site caught: the finding points at fit(',
  );
  assert.equal(
    feed(Array.from({ length: 200 }, (_, s) => 30 + Math.floor(s / 2))),
    undefined,
    'half a tensor per step is below the threshold',
  );
  assert.equal(
    feed(Array.from({ length: 200 }, (_, s) => 30 + (s % 15))),
    undefined,
    'growth that is freed again (a sawtooth) is not a leak',
  );
  assert.equal(
    feed(Array.from({ length: 200 }, (_, s) => 30 + 4 * Math.floor(s / 10))),
    undefined,
    'a few tensors per epoch of 10 steps are not a leak',
  );
});

test('a job that keeps a tensor per step raises tensor-leak within 50 steps, on the allocating line', async () => {
  const { events, end } = await runJob('tensor-leak.train.ts', { backend: 'wasm' });
  assert.equal(end.status, 'ok', end.error?.message);
  const finding = events.find(e => e.kind === 'finding' && e.finding.code === 'tensor-leak');
  assert.ok(finding?.kind === 'finding', 'tensor-leak was raised');
  const lastBatch = events.filter(e => e.kind === 'batch' && e.seq < finding.seq).at(-1);
  assert.ok(
    lastBatch?.kind === 'batch' && lastBatch.step < 50,
    `raised after step ${lastBatch?.kind === 'batch' ? lastBatch.step : '?'} (must be < 50)`,
  );
  assert.deepEqual(
    { file: finding.finding.file, line: finding.finding.range?.start.line },
    { file: path.join(JOBS, 'tensor-leak.train.ts'), line: 11 },
    'the finding is on the line that makes the tensors',
  );
  assert.equal(finding.finding.evidence.tensorsPerStep, 2, 'evidence: two tensors per step');
  const summary = summarizeRun(events)!;
  assert.ok(
    summary.memory && summary.memory.tensors > 100,
    `summary.json holds what the run kept (${JSON.stringify(summary.memory)})`,
  );
});

test('a healthy job with every probe at its busiest raises no tensor-leak and ends holding what it started with', async () => {
  const { events, end } = await runJob('long.train.ts', {
    backend: 'wasm',
    epochs: 4,
    probes: { histogramEvery: 1, activationEvery: 1, deadReluWindow: 5 },
  });
  assert.equal(end.status, 'ok', end.error?.message);
  assert.equal(
    events.find(e => e.kind === 'finding' && e.finding.code === 'tensor-leak'),
    undefined,
    'no tensor-leak on a healthy job',
  );
  const memory = events.filter((e): e is Extract<RunEvent, { kind: 'memory' }> => e.kind === 'memory');
  assert.ok(memory.length >= 2, 'memory is sampled');
  const steps = events.filter(e => e.kind === 'batch').length;
  assert.equal(steps, 64);
  // between the first and the last epoch the count does not creep (the probes' tensors are all freed)
  const atStep = (s: number) => memory.filter(m => m.step <= s).at(-1)!.tensors;
  assert.ok(
    atStep(steps - 2) - atStep(16) <= 4,
    `live tensors crept from ${atStep(16)} (step 16) to ${atStep(steps - 2)} (step ${steps - 2})`,
  );
});
