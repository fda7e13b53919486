/**
 * Resuming a sweep from its record (`training-lens sweep --resume`, the panel's Continue): finished trials are kept,
 * interrupted ones start again, and the same seed gives the remaining trials — for random search, a Hyperband
 * sweep (whose sampler goes on where it stopped) and the usage errors of the CLI. Real Sweep, scripted runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from './helpers';
import { Sweep, type TrialLaunch } from '../../src/sweep/sweep';
import { readSweepSpace } from '../../src/sweep/space';
import { sampleTrials, trialSampler } from '../../src/sweep/sample';
import { readSweepRecord, writeSweepRecord } from '../../src/sweep/record';
import { sweepCommand } from '../../src/sweep/cli';
import type { RunHandle } from '../../src/runner/launch';
import type { RunEndEvent, RunEvent } from '../../src/protocol';

const JOB =
  "import { hparams, logUniform, choice } from 'training-lens';\nhparams({ lr: 1e-3, act: 'relu' }, { lr: logUniform(1e-4, 1e-1), act: choice('relu', 'elu') });\n";

/** Runs whose val_loss falls with lr, one epoch event per epoch; stop() ends them after the current epoch. */
function launcher(launched: TrialLaunch[]) {
  let n = 0;
  return (t: TrialLaunch): RunHandle => {
    launched.push(t);
    const listeners: Array<(e: RunEvent) => void> = [];
    let stop = false;
    const runId = `run-${n++}`;
    const done = (async (): Promise<RunEndEvent> => {
      for (let epoch = 0; epoch < t.epochs && !stop; epoch++) {
        await new Promise(r => setImmediate(r));
        const e: RunEvent = {
          kind: 'epoch',
          runId,
          seq: epoch,
          t: 0,
          epoch,
          step: epoch,
          logs: { val_loss: 1 / (1 + (t.hparams.lr as number) * 100 * (epoch + 1)) },
        };
        listeners.forEach(l => l(e));
      }
      const end: RunEndEvent = {
        kind: 'run-end',
        runId,
        seq: 99,
        t: 0,
        status: stop ? 'cancelled' : 'ok',
        steps: 1,
        durationMs: 3,
      };
      listeners.forEach(l => l(end));
      return end;
    })();
    return {
      runId,
      runDir: `/runs/${runId}`,
      logFile: '',
      jobFile: '',
      onEvent: l => {
        listeners.push(l);
      },
      onProblem: () => {},
      stop: () => {
        stop = true;
      },
      done,
    };
  };
}

test('a stopped random search continues with the trials it had not finished, the same ones the seed gave', async () => {
  const work = tempDir('tl-resume-');
  const jobFile = path.join(work, 'job.ts');
  fs.writeFileSync(jobFile, JOB);
  const space = readSweepSpace(JOB, jobFile);
  const first: TrialLaunch[] = [];
  const sweep = new Sweep({
    jobFile,
    sweepsDir: path.join(work, 'sweeps'),
    trials: 6,
    epochs: 2,
    seed: 11,
    concurrency: 1,
    space,
    launch: launcher(first),
  });
  sweep.onProgress(r => {
    if (r.trials.filter(t => t.status === 'ok').length === 2) sweep.stop();
  });
  const stopped = await sweep.start().done;
  assert.equal(stopped.status, 'cancelled');
  assert.deepEqual(
    stopped.trials.map(t => t.status),
    ['ok', 'ok', 'cancelled', 'cancelled', 'cancelled', 'cancelled'],
  );

  const record = readSweepRecord(sweep.file);
  const second: TrialLaunch[] = [];
  const resumed = new Sweep({
    jobFile,
    sweepsDir: path.join(work, 'sweeps'),
    trials: 6,
    epochs: 2,
    seed: record.seed,
    concurrency: 1,
    space,
    launch: launcher(second),
    resumeFrom: record,
  });
  assert.equal(resumed.id, sweep.id, 'the same sweep');
  assert.equal(resumed.file, sweep.file, 'the same record file');
  const done = await resumed.start().done;
  assert.equal(done.status, 'done');
  assert.deepEqual(
    second.map(l => l.sweep.trial),
    [2, 3, 4, 5],
    'only the trials it had not finished run again',
  );
  const planned = sampleTrials(space.space, 6, 11);
  assert.deepEqual(
    done.trials.map(t => t.hparams),
    planned,
    'the same seed, the same trials',
  );
  assert.deepEqual(
    second.map(l => l.hparams),
    planned.slice(2),
  );
  assert.deepEqual(
    done.trials.slice(0, 2).map(t => t.runId),
    stopped.trials.slice(0, 2).map(t => t.runId),
    'finished trials keep their runs',
  );
  assert.deepEqual(done.trials.map(t => t.rank).sort(), [1, 2, 3, 4, 5, 6], 'all six are ranked together');
  const best = done.trials.find(t => t.rank === 1)!;
  assert.equal(best.hparams.lr, Math.max(...planned.map(h => h.lr as number)));
});

test('an interrupted Hyperband sweep continues its sampler and its rungs', async () => {
  const work = tempDir('tl-resume-hb-');
  const jobFile = path.join(work, 'job.ts');
  fs.writeFileSync(jobFile, JOB);
  const space = readSweepSpace(JOB, jobFile);
  const opts = {
    jobFile,
    sweepsDir: path.join(work, 'sweeps'),
    epochs: 9,
    budget: 60,
    seed: 5,
    concurrency: 2,
    space,
    scheduler: { kind: 'hyperband' as const },
  };
  const sweep = new Sweep({ ...opts, launch: launcher([]) });
  let snapshot: ReturnType<typeof readSweepRecord> | undefined;
  // take the record as a crash would leave it: status running, trials mid-way
  sweep.onProgress(r => {
    if (!snapshot && r.trials.length >= 5 && r.trials.some(t => t.status === 'running')) snapshot = structuredClone(r);
  });
  await sweep.start().done;
  assert.ok(snapshot, 'a record was written mid-way');
  assert.equal(snapshot.status, 'running', 'the mid-way record says the sweep is running');
  writeSweepRecord(sweep.file, snapshot);
  const kept = snapshot.trials.filter(t => t.status === 'ok' || t.status === 'pruned').map(t => t.trial);
  const launched: TrialLaunch[] = [];
  const resumed = await new Sweep({
    ...opts,
    launch: launcher(launched),
    resumeFrom: readSweepRecord(sweep.file),
  }).start().done;
  assert.equal(resumed.status, 'done');
  assert.ok(
    launched.every(l => !kept.includes(l.sweep.trial)),
    'finished trials are not trained again',
  );
  const draw = trialSampler(space.space, 5);
  assert.deepEqual(
    resumed.trials.map(t => t.hparams),
    resumed.trials.map(() => draw()),
    "trial i is the seed's i-th draw, before and after the interruption",
  );
  const spent = resumed.trials.reduce((n, t) => n + t.epochsDone, 0);
  assert.ok(spent <= 60 + 2 * 9, `the budget holds across the interruption: ${spent}`);
  assert.ok(
    resumed.trials.some(t => t.rungs && Object.keys(t.rungs).length > 0),
    'rung scores are kept in the record',
  );
});

test('training-lens sweep --resume: usage errors and a done sweep', async () => {
  const work = tempDir('tl-resume-cli-');
  const out: string[] = [],
    err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
  const runner = { runnerEntry: '/nonexistent.js', execArgv: [] };
  assert.equal(await sweepCommand([], new Map([['resume', true]]), io, runner), 2);
  assert.match(err.join('\n'), /--resume needs a sweep record/);
  assert.equal(
    await sweepCommand(
      [],
      new Map<string, string | true>([
        ['resume', path.join(work, 'x.json')],
        ['trials', '3'],
      ]),
      io,
      runner,
    ),
    2,
  );
  assert.match(err.join('\n'), /--trials cannot change a resumed sweep/);
  assert.equal(await sweepCommand([], new Map([['resume', path.join(work, 'missing.json')]]), io, runner), 1);
  assert.match(err.join('\n'), /missing\.json: not a sweep record/);
  const file = path.join(work, 'done.json');
  writeSweepRecord(file, {
    version: 1,
    id: 'd',
    jobFile: path.join(work, 'job.ts'),
    createdAt: '',
    status: 'done',
    seed: 1,
    epochs: 1,
    concurrency: 1,
    metric: null,
    defaults: {},
    space: {},
    trials: [],
  });
  assert.equal(await sweepCommand([], new Map([['resume', file]]), io, runner), 1);
  assert.match(err.join('\n'), /this sweep is done; nothing to continue/);
});
