/**
 * Hyper-parameter sweeps: the search space read from the job's `hparams()` call (and its errors), log-uniform
 * seeded sampling, ranking, and real sweeps of real jobs (each trial a child-process run on cpu).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, tempDir } from './helpers';
import { readSweepSpace, readSweepSpaceFile, SpaceError } from '../../src/sweep/space';
import { sampleTrials, seededRandom } from '../../src/sweep/sample';
import { rankTrials, bestMetric, chooseMetric } from '../../src/sweep/rank';
import { Sweep, launchTrialsWith, concurrencyFor } from '../../src/sweep/sweep';
import { readSweepRecord, settleInterrupted } from '../../src/sweep/record';
import { runnerEntry } from '../../src/runner/entry';
import type { RunHandle } from '../../src/runner/launch';
import { readRunLog, describeRun, EVENTS_FILE } from '../../src/runs/store';
import type { RunEvent, SweepRecord } from '../../src/protocol';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'sweep');
const HEAD = "import { hparams } from 'training-lens';\n";

function spaceError(text: string): SpaceError {
  try {
    readSweepSpace(text, '/w/job.ts');
  } catch (e) {
    assert.ok(e instanceof SpaceError, String(e));
    return e;
  }
  assert.fail('expected a SpaceError');
}

test('the search space is read from the hparams() call: defaults, bounds, integer dimensions, line', () => {
  const s = readSweepSpaceFile(path.join(FIXTURES, 'lr.train.ts'));
  assert.equal(s.line, 7);
  assert.deepEqual(s.defaults, { lr: 1e-2, weightDecay: 1e-6, units: 16 });
  assert.deepEqual(s.space, {
    lr: { min: 1e-4, max: 3e-1, scale: 'log', integer: false },
    weightDecay: { min: 1e-8, max: 1e-4, scale: 'log', integer: false },
  });
  // consts, arithmetic, aliased and namespace imports
  const t = readSweepSpace(
    `import { hparams as hp } from 'training-lens';\nconst LO = 10 ** -6;\nconst hi = 1e-2;\nconst h = hp({ lr: 1e-3, units: 64 }, { lr: [LO, hi], units: [16, 256] });\n`,
    '/w/a.ts',
  );
  assert.equal(t.line, 4);
  assert.deepEqual(t.space.lr, { min: 1e-6, max: 1e-2, scale: 'log', integer: false });
  assert.deepEqual(t.space.units, { min: 16, max: 256, scale: 'log', integer: true });
  const u = readSweepSpace(
    `import * as tl from 'training-lens';\n\nconst h = tl.hparams({ wd: 1e-6 }, { wd: [1e-8, 1e-4] });\n`,
    '/w/b.ts',
  );
  assert.equal(u.line, 3);
  assert.deepEqual(Object.keys(u.space), ['wd']);
});

test('space errors name the file and line and say what is wrong', () => {
  const none = spaceError(`import * as tf from '@tensorflow/tfjs';\nconst lr = 1e-3;\n`);
  assert.match(none.message, /^\/w\/job\.ts:1:1: no hparams\(defaults, space\) call/);
  // a function of the same name not from 'training-lens' does not count
  assert.match(
    spaceError(`function hparams(a: object, b: object) { return a; }\nhparams({ lr: 1 }, { lr: [1e-3, 1] });\n`)
      .message,
    /no hparams\(/,
  );

  const nonLiteral = spaceError(`${HEAD}const space = makeSpace();\nconst h = hparams({ lr: 1e-3 }, space);\n`);
  assert.equal(nonLiteral.line, 3);
  assert.match(nonLiteral.message, /^\/w\/job\.ts:3:\d+: the search space must be an object literal/);

  const inverted = spaceError(`${HEAD}\nconst h = hparams({ lr: 1e-3 }, {\n  lr: [1e-2, 1e-6],\n});\n`);
  assert.equal(inverted.line, 4);
  assert.match(
    inverted.reason,
    /lr: the lower bound 0\.01 must be below the upper bound 0\.000001|lr: the lower bound 0\.01 must be below the upper bound 1e-6/,
  );
  assert.match(
    spaceError(`${HEAD}hparams({ lr: 1e-3 }, { lr: [1e-3, 1e-3] });\n`).reason,
    /lower bound .* must be below/,
  );

  const zero = spaceError(`${HEAD}hparams({ lr: 1e-3 }, {\n  lr: [0, 1e-2] });\n`);
  assert.equal(zero.line, 3);
  assert.match(zero.reason, /lr: bounds must be positive for a log-scale search \(got 0\)/);
  assert.match(spaceError(`${HEAD}hparams({ lr: 1e-3 }, { lr: [-1, 1] });\n`).reason, /must be positive/);

  assert.match(
    spaceError(`${HEAD}hparams({ lr: 1e-3 }, { lr: [1e-6, Math.random()] });\n`).reason,
    /lr: the upper bound must be a number written in the file/,
  );
  assert.match(spaceError(`${HEAD}hparams({ lr: 1e-3 }, { lr: 1e-6 });\n`).reason, /lr: expected \[min, max\]/);
  assert.match(
    spaceError(`${HEAD}const base = { lr: [1e-6, 1e-2] };\nhparams({ lr: 1e-3 }, { ...base });\n`).reason,
    /must be written out/,
  );
  assert.match(
    spaceError(`${HEAD}hparams({ lr: 1e-3 }, { lr: [1e-6, 1e-2], wd: [1e-8, 1e-4] });\n`).reason,
    /wd is searched but has no default/,
  );
  assert.match(
    spaceError(`${HEAD}hparams({ act: 'relu' }, { act: [1, 2] });\n`).reason,
    /only numeric hyper-parameters can be searched/,
  );
  assert.match(spaceError(`${HEAD}hparams({ lr: 1e-3 });\n`).reason, /no search space/);
  const twice = spaceError(
    `${HEAD}hparams({ lr: 1e-3 }, { lr: [1e-6, 1e-2] });\nhparams({ lr: 1e-3 }, { lr: [1e-6, 1e-2] });\n`,
  );
  assert.equal(twice.line, 3);
  assert.match(twice.reason, /more than once \(first at line 2\)/);
});

test('sampling is seeded, stays inside the bounds and is log-uniform', () => {
  const space = {
    lr: { min: 1e-6, max: 1e-2, scale: 'log' as const, integer: false },
    units: { min: 16, max: 256, scale: 'log' as const, integer: true },
  };
  const a = sampleTrials(space, 4001, 1234);
  assert.deepEqual(sampleTrials(space, 4001, 1234), a, 'the same seed gives the same trials');
  assert.notDeepEqual(sampleTrials(space, 20, 1235), a.slice(0, 20), 'another seed gives other trials');
  const lrs = a.map(t => t.lr as number);
  assert.ok(
    lrs.every(v => v >= 1e-6 && v <= 1e-2),
    'inside the bounds',
  );
  assert.ok(
    a.every(t => Number.isInteger(t.units) && (t.units as number) >= 16 && (t.units as number) <= 256),
    'integer dimensions are whole numbers in range',
  );
  // log-uniform: the median sits at the geometric mean (1e-4), and each decade holds a quarter of the samples
  const sorted = [...lrs].sort((x, y) => x - y);
  const median = sorted[2000];
  assert.ok(Math.abs(Math.log10(median) - -4) < 0.1, `median ${median} ≈ 1e-4`);
  for (let d = -6; d < -2; d++) {
    const share = lrs.filter(v => v >= 10 ** d && v < 10 ** (d + 1)).length / lrs.length;
    assert.ok(Math.abs(share - 0.25) < 0.03, `decade 1e${d}: ${share}`);
  }
  // a uniform (not log) sampler would put ~99% above 1e-4: make sure this is not that
  assert.ok(lrs.filter(v => v < 1e-4).length / lrs.length > 0.45);
  const r = seededRandom(7);
  const us = Array.from({ length: 1000 }, r);
  assert.ok(us.every(u => u >= 0 && u < 1));
});

function epochs(...logs: Array<Record<string, number | null>>): RunEvent[] {
  return logs.map((l, i) => ({ kind: 'epoch', runId: 'r', seq: i, t: i, epoch: i, step: i, logs: l }));
}

test('ranking: best epoch of each trial, the right direction, ties stable, failures last', () => {
  const valLoss = { name: 'val_loss', higherIsBetter: false };
  assert.deepEqual(bestMetric(epochs({ val_loss: 0.9 }, { val_loss: 0.4 }, { val_loss: 0.6 }), valLoss), {
    value: 0.4,
    epoch: 2,
  });
  assert.deepEqual(
    bestMetric(epochs({ val_loss: null }, { val_loss: 0.7 }), valLoss),
    { value: 0.7, epoch: 2 },
    'non-finite epochs are skipped',
  );
  assert.equal(bestMetric(epochs({ loss: 0.3 }), valLoss), undefined);
  assert.deepEqual(chooseMetric(['loss', 'val_loss', 'val_acc']), valLoss, 'val_loss by default');
  assert.deepEqual(chooseMetric(['loss', 'acc', 'val_acc']), { name: 'val_acc', higherIsBetter: true });
  assert.deepEqual(chooseMetric(['loss', 'val_accuracy']), { name: 'val_accuracy', higherIsBetter: true });
  assert.deepEqual(
    chooseMetric(['loss', 'acc']),
    { name: 'loss', higherIsBetter: false },
    'no validation: training loss',
  );
  assert.deepEqual(chooseMetric(['loss'], 'val_acc'), { name: 'val_acc', higherIsBetter: true }, 'requested wins');
  const t = (trial: number, status: string, value?: number) => ({
    trial,
    status,
    metric: value === undefined ? undefined : { value, epoch: 1 },
  });
  const trials = [
    t(0, 'error'),
    t(1, 'ok', 0.5),
    t(2, 'ok', 0.2),
    t(3, 'cancelled', 0.01),
    t(4, 'ok', 0.5),
    t(5, 'ok'),
  ];
  const lower = rankTrials(trials, valLoss);
  assert.deepEqual(
    lower.map(r => [r.trial, r.rank]),
    [
      [2, 1],
      [1, 2],
      [4, 3],
      [0, null],
      [3, null],
      [5, null],
    ],
  );
  const higher = rankTrials(trials, { name: 'val_acc', higherIsBetter: true });
  assert.deepEqual(
    higher.map(r => [r.trial, r.rank]),
    [
      [1, 1],
      [4, 2],
      [2, 3],
      [0, null],
      [3, null],
      [5, null],
    ],
  );
  assert.equal(concurrencyFor(8, 64), Math.min(8, os.availableParallelism()), 'never more than the cores');
  assert.equal(concurrencyFor(8), Math.min(8, os.availableParallelism()));
  assert.equal(concurrencyFor(1, 4), 1);
});

/** Best value of `name` across a run log's epochs, computed here independently of src/sweep/rank. */
function bestFromLog(runDir: string, name: string, higher: boolean): number | undefined {
  const values = readRunLog(path.join(runDir, EVENTS_FILE)).events.flatMap(e =>
    e.kind === 'epoch' && e.logs[name] != null ? [e.logs[name]!] : [],
  );
  return values.length ? (higher ? Math.max(...values) : Math.min(...values)) : undefined;
}

test('a sweep of 4 trials (CLI) completes; every trial is a run with its hparams; the ranking matches the run logs', () => {
  const work = tempDir('tl-sweep-');
  const runsDir = path.join(work, '.training-lens', 'runs');
  const job = path.join(FIXTURES, 'lr.train.ts');
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(ROOT, 'src', 'cli', 'main.ts'),
      'sweep',
      job,
      '--trials',
      '4',
      '--epochs',
      '3',
      '--concurrency',
      '2',
      '--seed',
      '42',
      '--backend',
      'cpu',
      '--runs-dir',
      runsDir,
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 240_000 },
  );
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /^Sweep \S+: 4 trials of .*lr\.train\.ts, 3 epochs each, 2 at a time, seed 42$/m);
  assert.equal(r.stdout.match(/^trial \d\/4 ok val_loss /gm)?.length, 4, r.stdout);

  const sweepsDir = path.join(work, '.training-lens', 'sweeps');
  const files = fs.readdirSync(sweepsDir).filter(f => f.endsWith('.json'));
  assert.equal(files.length, 1);
  const record: SweepRecord = readSweepRecord(path.join(sweepsDir, files[0]));
  assert.equal(record.status, 'done');
  assert.equal(record.seed, 42);
  assert.deepEqual(record.metric, { name: 'val_loss', higherIsBetter: false });
  assert.equal(record.trials.length, 4);
  assert.deepEqual(
    record.trials.map(t => t.hparams),
    sampleTrials(record.space, 4, 42),
    'the seed in the record reproduces the trials',
  );

  const runDirs = fs.readdirSync(runsDir).filter(d => fs.statSync(path.join(runsDir, d)).isDirectory());
  assert.equal(runDirs.length, 4, 'each trial is a normal run');
  const spans: Array<[number, number]> = [];
  for (const t of record.trials) {
    assert.equal(t.status, 'ok', t.error?.message);
    const log = readRunLog(path.join(runsDir, t.runId!, EVENTS_FILE));
    const start = log.events[0];
    assert.ok(start.kind === 'run-start');
    assert.deepEqual(start.hparams, t.hparams, 'run-start carries the trial hparams');
    assert.deepEqual(start.sweep, { id: record.id, trial: t.trial });
    assert.deepEqual(
      describeRun(path.join(runsDir, t.runId!))?.sweep,
      { id: record.id, trial: t.trial, hparams: t.hparams },
      'the Runs view knows the run is a trial and its values',
    );
    assert.equal(
      log.events.filter(e => e.kind === 'epoch').length,
      3,
      "the per-trial budget overrides the job's epochs",
    );
    const said = log.events.find(e => e.kind === 'log' && e.stream === 'stdout');
    assert.ok(
      said?.kind === 'log' && said.text === `lr ${t.hparams.lr} weightDecay ${t.hparams.weightDecay}`,
      'the job trained with the sampled values',
    );
    const best = bestFromLog(path.join(runsDir, t.runId!), 'val_loss', false);
    assert.equal(t.metric?.value, best, 'the recorded score is the best val_loss in the log');
    const began = Date.parse(start.startedAt);
    spans.push([began, began + log.events.at(-1)!.t]);
  }
  // the ranking is the order of the scores read back from the logs
  const byLog = [...record.trials].sort(
    (a, b) =>
      bestFromLog(path.join(runsDir, a.runId!), 'val_loss', false)! -
      bestFromLog(path.join(runsDir, b.runId!), 'val_loss', false)!,
  );
  assert.deepEqual(
    byLog.map(t => t.rank),
    [1, 2, 3, 4],
  );
  // and it is meaningful: over this range a higher learning rate trains further in 3 epochs
  assert.deepEqual(
    byLog.map(t => t.hparams.lr as number),
    [...byLog.map(t => t.hparams.lr as number)].sort((a, b) => b - a),
    'Best-1 has the highest lr',
  );
  const lossSpread = byLog.at(-1)!.metric!.value - byLog[0].metric!.value;
  assert.ok(lossSpread > 0.2, `lr matters: val_loss spread ${lossSpread}`);
  // never more than 2 trials at once
  for (const [s] of spans) assert.ok(spans.filter(([a, b]) => a <= s && s < b).length <= 2);
  // the printed Best-N table, best first
  const table = r.stdout.slice(r.stdout.indexOf('Best-N by val_loss (lower is better'));
  const rows = table.split('\n').filter(l => /^Best-\d+ /.test(l));
  assert.equal(rows.length, 4);
  rows.forEach((row, i) => {
    assert.ok(row.startsWith(`Best-${i + 1} `), `row ${i} is Best-${i + 1}: ${row}`);
    assert.ok(row.includes(byLog[i].runId!), `row ${i} names run ${byLog[i].runId}: ${row}`);
  });
});

test('a failing trial is recorded and ranked last; the sweep goes on; stop cancels the rest', async () => {
  const work = tempDir('tl-sweep-');
  const runsDir = path.join(work, 'runs');
  const job = path.join(FIXTURES, 'fails-high-lr.train.ts');
  const launch = launchTrialsWith({
    jobFile: job,
    runsDir,
    backend: 'cpu',
    ...runnerEntry(path.join(ROOT, 'src', 'runner')),
  });
  // seed 3 samples lr on both sides of the job's 1e-2 limit
  const planned = sampleTrials(readSweepSpaceFile(job).space, 4, 3).map(h => h.lr as number);
  assert.ok(
    planned.some(lr => lr > 1e-2),
    `seed 3 gives an lr above 1e-2: ${planned}`,
  );
  assert.ok(
    planned.some(lr => lr <= 1e-2),
    `seed 3 gives an lr at most 1e-2: ${planned}`,
  );
  const sweep = new Sweep({
    jobFile: job,
    sweepsDir: path.join(work, 'sweeps'),
    trials: 4,
    epochs: 1,
    concurrency: 2,
    seed: 3,
    launch,
  });
  const seen: string[] = [];
  sweep.onProgress(r => seen.push(r.trials.map(t => t.status[0]).join('')));
  const record = await sweep.start().done;
  assert.equal(record.status, 'done');
  for (const t of record.trials) {
    if ((t.hparams.lr as number) > 1e-2) {
      assert.equal(t.status, 'error');
      assert.match(t.error!.message, /learning rate .* is too high for this job/);
      assert.equal(t.error!.file, job);
      assert.equal(t.error!.line, 7);
      assert.equal(t.rank, null);
    } else {
      assert.equal(t.status, 'ok', t.error?.message);
      assert.notEqual(t.rank, null, `trial ${t.trial} is ranked`);
      assert.ok(t.metric, `trial ${t.trial} has its metric`);
    }
  }
  assert.ok(
    seen.some(s => s.includes('r')),
    'progress while trials run',
  );
  assert.deepEqual(readSweepRecord(sweep.file), record, 'the record on disk is the final one');

  // stop: the running trial is cancelled and the waiting ones never start
  const stopped = new Sweep({
    jobFile: job,
    sweepsDir: path.join(work, 'sweeps'),
    trials: 3,
    epochs: 1,
    concurrency: 1,
    seed: 5,
    launch,
  });
  stopped.onProgress(r => {
    if (r.trials[0].status === 'running') stopped.stop();
  });
  const end = await stopped.start().done;
  assert.equal(end.status, 'cancelled');
  assert.deepEqual(
    end.trials.map(t => t.status),
    ['cancelled', 'cancelled', 'cancelled'],
  );
  assert.ok(end.trials[0].runId, 'the first trial started a run');
  assert.equal(end.trials[1].runId, undefined, 'the second trial never started');
  assert.equal(end.trials[2].runId, undefined, 'the third trial never started');

  // a trial stopped from outside (Training Lens: Stop, the status bar) stops the sweep too
  const handles: RunHandle[] = [];
  const outside = new Sweep({
    jobFile: job,
    sweepsDir: path.join(work, 'sweeps'),
    trials: 3,
    epochs: 1,
    concurrency: 1,
    seed: 5,
    launch: t => {
      const h = launch(t);
      handles.push(h);
      return h;
    },
  });
  outside.onProgress(r => {
    if (r.trials[0].status === 'running') handles[0].stop();
  });
  const ended = await outside.start().done;
  assert.equal(ended.status, 'cancelled');
  assert.equal(handles.length, 1, 'no further trial was started');
  assert.deepEqual(
    ended.trials.map(t => t.status),
    ['cancelled', 'cancelled', 'cancelled'],
  );

  // a record left running by a window that went away reads back as cancelled
  const stale: SweepRecord = {
    ...ended,
    status: 'running',
    trials: ended.trials.map((t, i) => ({ ...t, status: i ? 'pending' : 'running' })),
  };
  assert.deepEqual(
    settleInterrupted(stale).trials.map(t => t.status),
    ['cancelled', 'cancelled', 'cancelled'],
  );
  assert.equal(settleInterrupted(stale).status, 'cancelled');
  assert.equal(settleInterrupted(record), record, 'a finished record is left alone');
});
