/**
 * Cross-validation: the folds a cvSplit() hands each run (disjoint, covering, stratified by label, the same for
 * every trial), the split itself on real tfjs tensors, and a cross-validated Sweep (real Sweep, scripted runs):
 * each trial trains one run per fold, told its fold in TRAINING_LENS_CV, and scores the folds' mean ± std.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { tempDir } from './helpers';
import { kFoldIndices, createCvSplit, readFoldChoice, CV_ENV } from '../../src/toolkit/folds';
import { Sweep, meanAndSpread, type TrialLaunch } from '../../src/sweep/sweep';
import { readSweepSpace } from '../../src/sweep/space';
import { bestTable } from '../../src/sweep/table';
import type { RunHandle } from '../../src/runner/launch';
import type { RunEndEvent, RunEvent } from '../../src/protocol';

test('K folds are disjoint, cover every sample once, balanced, seeded', () => {
  for (const [n, k] of [
    [10, 3],
    [100, 5],
    [7, 7],
  ] as const) {
    const folds = Array.from({ length: k }, (_, j) => kFoldIndices(n, k, j, 42));
    const all = folds.flatMap(f => f.validation).sort((a, b) => a - b);
    assert.deepEqual(
      all,
      Array.from({ length: n }, (_, i) => i),
      `n ${n}, K ${k}: every sample validates exactly once`,
    );
    for (const f of folds) {
      assert.equal(f.train.length + f.validation.length, n);
      assert.ok(
        f.train.every(i => !f.validation.includes(i)),
        'train and validation are disjoint',
      );
      assert.ok(Math.abs(f.validation.length - n / k) < 1, `fold sizes differ by at most one: ${f.validation.length}`);
    }
  }
  assert.deepEqual(
    kFoldIndices(30, 3, 1, 5),
    kFoldIndices(30, 3, 1, 5),
    'the same seed, the same folds (every trial sees them)',
  );
  assert.notDeepEqual(
    kFoldIndices(30, 3, 1, 5).validation,
    kFoldIndices(30, 3, 1, 6).validation,
    'shuffled by the seed',
  );
  assert.notDeepEqual(
    kFoldIndices(30, 3, 0, 5).validation,
    Array.from({ length: 10 }, (_, i) => i),
    'not the first third in order',
  );
  assert.throws(() => kFoldIndices(2, 3, 0, 1), /2 samples cannot make 3 folds/);
  assert.throws(() => kFoldIndices(10, 1, 0, 1), /K must be a whole number ≥ 2/);
});

test('stratified folds keep the class shares of the whole', () => {
  // 60 of class 0, 30 of class 1, 9 of class 2 in blocks (an unshuffled split would put class 0 alone in fold 0)
  const labels = [...Array(60).fill(0), ...Array(30).fill(1), ...Array(9).fill(2)];
  for (let j = 0; j < 3; j++) {
    const { validation } = kFoldIndices(labels.length, 3, j, 1, labels);
    const count = (c: number) => validation.filter(i => labels[i] === c).length;
    assert.deepEqual([count(0), count(1), count(2)], [20, 10, 3], `fold ${j} has each class's third`);
  }
});

test("cvSplit returns this run's fold from TRAINING_LENS_CV (else the data and validation as given)", async () => {
  await tf.setBackend('cpu');
  const cvSplit = createCvSplit(tf);
  const xs = tf.tensor2d(Array.from({ length: 12 }, (_, i) => [i, i * 10]).flat(), [12, 2]);
  const ys = tf.oneHot(tf.tensor1d([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1], 'int32'), 2);
  const val: [tf.Tensor, tf.Tensor] = [xs.slice(0, 2), ys.slice(0, 2)];
  const plain = cvSplit(xs, ys, { validation: val }, {});
  assert.equal(plain.xs, xs, 'outside cross-validation the training data is passed through');
  assert.equal(plain.validation, val);
  assert.equal(plain.fold, undefined);
  const env = { [CV_ENV]: JSON.stringify({ k: 3, fold: 2, seed: 9 }) };
  const s = cvSplit(xs, ys, { validation: val, stratify: true }, env);
  assert.deepEqual(s.fold, { k: 3, fold: 2, seed: 9 });
  assert.deepEqual(s.xs.shape, [8, 2]);
  const valRows = ((await s.validation![0].array()) as number[][]).map(r => r[0]);
  const trainRows = ((await s.xs.array()) as number[][]).map(r => r[0]);
  const expected = kFoldIndices(12, 3, 2, 9, [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
  assert.deepEqual(valRows, expected.validation, "the validation rows are the fold's samples");
  assert.deepEqual(trainRows, expected.train);
  assert.deepEqual(
    ((await s.validation![1].argMax(-1).array()) as number[]).sort(),
    [0, 0, 1, 1],
    'stratified: two of each class',
  );
  assert.throws(() => readFoldChoice({ [CV_ENV]: '{"k": 3, "fold": 3, "seed": 1}' }), /fold.*0\.\.K-1/);
});

test('a cross-validated sweep trains K runs per trial, each told its fold, and scores mean ± std', async () => {
  const work = tempDir('tl-cv-');
  const space = readSweepSpace(
    "import { hparams, choice } from 'training-lens';\nhparams({ units: 8 }, { units: choice(8, 16, 32) });\n",
    `${work}/job.ts`,
  );
  const launched: TrialLaunch[] = [];
  const launch = (t: TrialLaunch): RunHandle => {
    launched.push(t);
    const fold = JSON.parse(t.env![CV_ENV]).fold as number;
    const listeners: Array<(e: RunEvent) => void> = [];
    const runId = `r${t.sweep.trial}-${fold}`;
    const done = (async (): Promise<RunEndEvent> => {
      await new Promise(r => setImmediate(r));
      // fold j of any trial scores 1 + j/10 (so the mean is 1.1 and the std sqrt(2/3)/10 with 3 folds)
      const e: RunEvent = {
        kind: 'epoch',
        runId,
        seq: 0,
        t: 0,
        epoch: 0,
        step: 0,
        logs: { val_loss: 1 + fold / 10 + (t.hparams.units as number) / 1000 },
      };
      listeners.forEach(l => l(e));
      const end: RunEndEvent = { kind: 'run-end', runId, seq: 1, t: 0, status: 'ok', steps: 1, durationMs: 5 };
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
      stop: () => {},
      done,
    };
  };
  const sweep = new Sweep({
    jobFile: `${work}/job.ts`,
    sweepsDir: `${work}/sweeps`,
    trials: 2,
    epochs: 1,
    cv: 3,
    seed: 4,
    concurrency: 2,
    space,
    launch,
  });
  const r = await sweep.start().done;
  assert.equal(r.cv, 3);
  assert.equal(launched.length, 6, 'two trials × three folds');
  for (const t of r.trials) {
    const mine = launched.filter(l => l.sweep.trial === t.trial).map(l => JSON.parse(l.env![CV_ENV]));
    assert.deepEqual(
      mine,
      [0, 1, 2].map(fold => ({ k: 3, fold, seed: 4 })),
      `trial ${t.trial}: one run per fold, the sweep's seed`,
    );
    assert.equal(t.status, 'ok');
    assert.deepEqual(
      t.folds!.map(f => f.status),
      ['ok', 'ok', 'ok'],
    );
    const units = t.hparams.units as number;
    assert.ok(Math.abs(t.metric!.value - (1.1 + units / 1000)) < 1e-9, `mean over folds: ${t.metric!.value}`);
    assert.ok(Math.abs(t.spread! - Math.sqrt(2 / 3) / 10) < 1e-9, `std over folds: ${t.spread}`);
    assert.equal(t.epochsDone, 3, 'epochs count every fold');
  }
  assert.match(bestTable(r).join('\n'), /mean ± std over 3 folds[\s\S]*Best-1 +1\.\d+ ± 0\.0816/);
  assert.equal(meanAndSpread([]), undefined);
});
