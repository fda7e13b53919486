/**
 * The scheduler's decisions (pure, no training): Hyperband's brackets and rungs, ASHA's promotion rule, the budget
 * reserve; then a Sweep driven by scripted trials (real Sweep, launcher replaced by handles that replay given
 * curves) stops the losers at their rungs, diverged trials at once, and spends its epoch budget.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tempDir } from './helpers';
import { sweepCommand } from '../../src/sweep/cli';
import {
  maxBracket,
  rungsOf,
  bracketShares,
  bracketOf,
  promotes,
  RungBook,
  type SchedulerPlan,
} from '../../src/sweep/scheduler';
import { Sweep, type TrialLaunch } from '../../src/sweep/sweep';
import { readSweepSpace } from '../../src/sweep/space';
import type { RunHandle } from '../../src/runner/launch';
import type { RunEndEvent, RunEvent } from '../../src/protocol';

const HB: SchedulerPlan = { kind: 'hyperband', eta: 3, minEpochs: 1, maxEpochs: 27 };

test("Hyperband's brackets: rungs at R·η^-s…, shares n_s = ⌈(sMax+1)/(s+1)·η^s⌉, interleaved", () => {
  assert.equal(maxBracket(HB), 3, 'log3(27/1) = 3 halvings');
  assert.deepEqual(rungsOf(HB, 3), [1, 3, 9], 'the most aggressive bracket compares at 1, 3 and 9 epochs');
  assert.deepEqual(rungsOf(HB, 2), [3, 9]);
  assert.deepEqual(rungsOf(HB, 1), [9]);
  assert.deepEqual(rungsOf(HB, 0), [], 'bracket 0 never stops a trial');
  assert.deepEqual(bracketShares(HB), [4, 6, 12, 27], "Li et al.'s n_s for R = 27, η = 3");
  const first49 = Array.from({ length: 49 }, (_, i) => bracketOf(HB, i));
  assert.deepEqual(
    [0, 1, 2, 3].map(s => first49.filter(b => b === s).length),
    [4, 6, 12, 27],
    'one round deals each bracket its share',
  );
  assert.equal(bracketOf(HB, 0), 3, 'the first trial goes to the most aggressive bracket');
  assert.ok(
    new Set(first49.slice(0, 10)).size >= 3,
    `the brackets are interleaved, not in blocks: ${first49.slice(0, 10)}`,
  );
  assert.equal(bracketOf(HB, 49), bracketOf(HB, 0), 'rounds repeat');
  const asha: SchedulerPlan = { ...HB, kind: 'asha' };
  assert.ok(
    Array.from({ length: 20 }, (_, i) => bracketOf(asha, i)).every(b => b === 3),
    'ASHA: one bracket, the most aggressive',
  );
  assert.deepEqual(
    rungsOf({ ...HB, maxEpochs: 20, minEpochs: 2 }, maxBracket({ ...HB, maxEpochs: 20, minEpochs: 2 })),
    [2, 6],
    'R need not be a power of η',
  );
  assert.deepEqual(rungsOf({ ...HB, kind: 'none' }, 3), [], 'no scheduler, no rungs');
});

test("ASHA's rule: go on when among the best 1/η at the rung; the first and a new best always go on", () => {
  assert.equal(promotes(0.5, [0.5], 3), true, 'alone at the rung');
  assert.equal(promotes(0.6, [0.5, 0.6], 3), false, 'two there, k = 1: only the best goes on');
  assert.equal(promotes(0.4, [0.5, 0.4], 3), true);
  assert.equal(promotes(0.3, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], 3), false, 'six there: the best two go on');
  assert.equal(promotes(0.2, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], 3), true);
  assert.equal(promotes(undefined, [undefined, 0.3], 3), false, 'no finite score: stopped');
  assert.equal(promotes(0.9, [undefined, undefined, 0.9], 3), true, 'trials without a score do not outrank one');
  const book = new RungBook(HB);
  assert.equal(book.afterEpoch(0, 3, 1, 0.5, 0.5), undefined, 'first at rung 1 goes on');
  assert.deepEqual(
    book.afterEpoch(1, 3, 1, 0.7, 0.7),
    { stop: true, rung: 1, why: 'rung' },
    'worse than the only other: stopped',
  );
  assert.equal(book.afterEpoch(2, 2, 3, 0.9, 0.9), undefined, 'another bracket has its own rungs');
  assert.equal(book.afterEpoch(3, 3, 2, 0.1, 0.1), undefined, 'between rungs nothing is decided');
  assert.deepEqual(
    book.afterEpoch(4, 0, 5, NaN, 0.2),
    { stop: true, rung: 5, why: 'diverged' },
    'a non-finite metric stops even bracket 0',
  );
});

/** Scripted trials: the val_loss curve is a function of lr; a handle replays it epoch by epoch and honours stop(). */
function scriptedLauncher(curve: (lr: number, epoch: number) => number, launched: TrialLaunch[]) {
  return (t: TrialLaunch): RunHandle => {
    launched.push(t);
    const listeners: Array<(e: RunEvent) => void> = [];
    let stop = false,
      seq = 0;
    const runId = `r${t.sweep.trial}`;
    const done = (async (): Promise<RunEndEvent> => {
      for (let epoch = 0; epoch < t.epochs && !stop; epoch++) {
        await new Promise(r => setImmediate(r));
        const v = curve(t.hparams.lr as number, epoch + 1);
        const e: RunEvent = {
          kind: 'epoch',
          runId,
          seq: seq++,
          t: 0,
          epoch,
          step: epoch,
          logs: { val_loss: Number.isFinite(v) ? v : null },
        };
        listeners.forEach(l => l(e));
      }
      const end: RunEndEvent = {
        kind: 'run-end',
        runId,
        seq: seq++,
        t: 0,
        status: stop ? 'cancelled' : 'ok',
        steps: 0,
        durationMs: 1,
      };
      listeners.forEach(l => l(end));
      return end;
    })();
    return {
      runId,
      runDir: '',
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

test('a Hyperband sweep stops losers at their rungs and diverged trials at once, and spends its budget', async () => {
  const work = tempDir('tl-sched-');
  const space = readSweepSpace(
    "import { hparams, logUniform } from 'training-lens';\nhparams({ lr: 1e-3 }, { lr: logUniform(1e-4, 1) });\n",
    `${work}/job.ts`,
  );
  // above 0.03 the loss blows up; below, a higher rate is lower at every epoch
  const curve = (lr: number, epoch: number) => (lr > 0.03 ? Infinity : 1 / (1 + lr * 100 * epoch));
  const launched: TrialLaunch[] = [];
  const sweep = new Sweep({
    jobFile: `${work}/job.ts`,
    sweepsDir: `${work}/sweeps`,
    epochs: 9,
    budget: 90,
    seed: 7,
    concurrency: 2,
    metric: 'val_loss',
    space,
    scheduler: { kind: 'hyperband', eta: 3, minEpochs: 1 },
    launch: scriptedLauncher(curve, launched),
  });
  const r = await sweep.start().done;
  assert.equal(r.status, 'done');
  assert.deepEqual(r.scheduler, { kind: 'hyperband', eta: 3, minEpochs: 1 });
  const spent = r.trials.reduce((n, t) => n + t.epochsDone, 0);
  assert.ok(
    spent <= 90 && spent > 90 - 9,
    `spent ${spent} of the budget of 90 (never more; less only by what one more trial could not be paid for)`,
  );
  assert.ok(r.trials.length > 10, `more trials than the 10 a plain random search affords: ${r.trials.length}`);
  for (const t of r.trials) {
    assert.ok(t.status === 'ok' || t.status === 'pruned', `trial ${t.trial}: ${t.status}`);
    if ((t.hparams.lr as number) > 0.03) {
      assert.equal(t.status, 'pruned', `trial ${t.trial} (lr ${t.hparams.lr}) diverged`);
      assert.ok(
        t.epochsDone === 1 && t.pruned!.reason === 'diverged',
        `diverged trial ${t.trial} stopped early: ${JSON.stringify(t.pruned)}`,
      );
    }
    if (t.status === 'pruned') assert.ok(t.epochsDone < 9, `a pruned trial did not train all epochs: ${t.trial}`);
    if (t.status === 'ok') assert.equal(t.epochsDone, 9);
  }
  assert.ok(
    r.trials.some(t => t.pruned?.reason === 'rung'),
    'some trials lost at a rung',
  );
  // the best trial is the highest non-diverging lr seen, trained to the end
  const best = r.trials.find(t => t.rank === 1)!;
  const stable = r.trials.filter(t => (t.hparams.lr as number) <= 0.03).map(t => t.hparams.lr as number);
  assert.equal(best.status, 'ok');
  assert.equal(best.hparams.lr, Math.max(...stable), 'the promising trial got the epochs');
  assert.ok(
    launched.every(l => l.epochs === 9),
    'each trial may train up to --epochs',
  );
});

test('training-lens sweep: the scheduler flags are checked before anything runs', async () => {
  const job = `${tempDir('tl-sched-cli-')}/job.ts`;
  fs.writeFileSync(job, "import { hparams } from 'training-lens';\nhparams({ lr: 1e-3 }, { lr: [1e-4, 1e-1] });\n");
  const err: string[] = [];
  const io = { out: () => {}, err: (l: string) => err.push(l) };
  const runner = { runnerEntry: '/nonexistent.js', execArgv: [] };
  const run = (flags: Array<[string, string]>) =>
    sweepCommand([job], new Map<string, string | true>(flags), io, runner);
  assert.equal(
    await run([
      ['epochs', '9'],
      ['budget', '50'],
      ['scheduler', 'bohb'],
    ]),
    2,
  );
  assert.match(err.at(-1)!, /--scheduler must be one of none, asha, hyperband/);
  assert.equal(
    await run([
      ['epochs', '9'],
      ['budget', '30'],
      ['scheduler', 'hyperband'],
      ['cv', '1'],
    ]),
    2,
  );
  assert.match(err.at(-1)!, /--cv must be a whole number ≥ 2/);
  assert.equal(
    await run([
      ['epochs', '3'],
      ['budget', '30'],
      ['scheduler', 'asha'],
      ['min-epochs', '3'],
    ]),
    2,
  );
  assert.match(err.at(-1)!, /--min-epochs \(3\) must be below --epochs \(3\)/);
  assert.equal(await run([['epochs', '3']]), 2);
  assert.match(err.at(-1)!, /--trials N or --budget B/);
  assert.equal(
    await run([
      ['epochs', '3'],
      ['trials', '2'],
      ['eta', '1'],
    ]),
    2,
  );
  assert.match(err.at(-1)!, /--eta must be a whole number ≥ 2/);
});

test('cross-validation with Hyperband: fold 0 is judged at the rungs, a kept trial then trains its other folds', async () => {
  const work = tempDir('tl-sched-cv-');
  const space = readSweepSpace(
    "import { hparams, logUniform } from 'training-lens';\nhparams({ lr: 1e-3 }, { lr: logUniform(1e-4, 1) });\n",
    `${work}/job.ts`,
  );
  const curve = (lr: number, epoch: number) => (lr > 0.03 ? Infinity : 1 / (1 + lr * 100 * epoch));
  const launched: TrialLaunch[] = [];
  const sweep = new Sweep({
    jobFile: `${work}/job.ts`,
    sweepsDir: `${work}/sweeps`,
    epochs: 9,
    budget: 150,
    cv: 3,
    seed: 7,
    concurrency: 2,
    metric: 'val_loss',
    space,
    scheduler: { kind: 'hyperband', eta: 3, minEpochs: 1 },
    launch: scriptedLauncher(curve, launched),
  });
  const r = await sweep.start().done;
  assert.equal(r.status, 'done');
  assert.equal(r.cv, 3);
  const spent = r.trials.reduce((n, t) => n + t.epochsDone, 0);
  assert.ok(spent <= 150 && spent > 150 - 3 * 9, `spent ${spent} of the budget of 150 (never more)`);
  const foldsOf = (trial: number) =>
    launched.filter(l => l.sweep.trial === trial).map(l => JSON.parse(l.env!.TRAINING_LENS_CV).fold as number);
  for (const t of r.trials) {
    if (t.status === 'pruned') {
      assert.deepEqual(foldsOf(t.trial), [0], `pruned trial ${t.trial} trained its first fold only`);
      assert.deepEqual(
        t.folds!.map(f => f.status),
        ['cancelled', 'cancelled', 'cancelled'],
      );
      assert.equal(t.spread, undefined, 'no spread from one fold');
    } else {
      assert.equal(t.status, 'ok', `trial ${t.trial}: ${t.status}`);
      assert.deepEqual(foldsOf(t.trial), [0, 1, 2], `kept trial ${t.trial} trained every fold`);
      assert.equal(t.epochsDone, 27);
      assert.ok(t.spread !== undefined, `kept trial ${t.trial} has a spread over its folds`);
      assert.ok(t.spread < 1e-12, `the scripted folds agree: ${t.spread}`);
    }
  }
  assert.ok(
    r.trials.some(t => t.status === 'pruned') && r.trials.some(t => t.status === 'ok'),
    'some trials stopped, some kept',
  );
  assert.ok(
    r.trials.filter(t => (t.hparams.lr as number) > 0.03).every(t => t.pruned?.reason === 'diverged'),
    'diverged first folds are stopped',
  );
});
