/**
 * The chapter's search from the CLI, on the example job as shipped (examples/mnist-search.train.ts: MNIST digits,
 * n_hidden choice(0..3), n_neurons intRange(1, 99), learning_rate logUniform(3e-4, 3e-2), earlyStopping with
 * patience 10 in its fit): 10 trials, cv 3, every fold a real child-process run on cpu. Only the epochs are cut
 * (--epochs 2 instead of 30) so the 30 runs fit in a unit test; the spaces, trials and folds are the chapter's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, tempDir } from './helpers';
import { readSweepRecord } from '../../src/sweep/record';
import { readRunLog, EVENTS_FILE } from '../../src/runs/store';
import type { SweepRecord } from '../../src/protocol';

const JOB = path.join(ROOT, 'examples', 'mnist-search.train.ts');
const EPOCHS = 2;

/** The lowest val_loss a run logged, and the epochs it trained, read back from its log. */
function fromLog(runDir: string): { best: number; epochs: number } {
  const values = readRunLog(path.join(runDir, EVENTS_FILE)).events.flatMap(e =>
    e.kind === 'epoch' ? [e.logs.val_loss ?? NaN] : [],
  );
  return { best: Math.min(...values.filter(Number.isFinite)), epochs: values.length };
}

test("the chapter's search (10 trials, cv 3, three spaces) runs from the CLI: 30 fold runs, mean ± std, the ranking as text", () => {
  const work = tempDir('tl-sweep-chapter-');
  const runsDir = path.join(work, '.training-lens', 'runs');
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(ROOT, 'src', 'cli', 'main.ts'),
      'sweep',
      JOB,
      '--trials',
      '10',
      '--cv',
      '3',
      '--epochs',
      String(EPOCHS),
      '--seed',
      '18',
      '--backend',
      'cpu',
      '--runs-dir',
      runsDir,
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 1_200_000 },
  );
  assert.equal(r.status, 0, `the CLI sweep failed:\n${r.stderr}${r.stdout}`);
  const out = r.stdout;
  assert.match(
    out,
    /^Sweep \S+: 10 trials of examples\/mnist-search\.train\.ts, 2 epochs each, 3-fold cross-validation, \d at a time, seed 18$/m,
    'the header names the trials, epochs and folds',
  );
  assert.match(
    out,
    /^space: n_hidden choice\(0, 1, 2, 3\), n_neurons intRange\(1\.\.99\), learning_rate logUniform\(3e-4\.\.0\.03\)$/m,
    "the space printed is the chapter's",
  );
  assert.equal(
    out.match(/^trial \d+\/10 ok val_loss \S+ ± \S+ over 3 folds/gm)?.length,
    10,
    `every trial line gives the mean ± std over 3 folds:\n${out}`,
  );
  assert.match(out, /^Best-N by val_loss \(lower is better, best epoch of each trial, mean ± std over 3 folds\)$/m);
  const why = out.slice(out.indexOf('Why: '));
  for (const name of ['n_hidden', 'n_neurons', 'learning_rate'])
    assert.match(why, new RegExp(`^  ${name} +[ρη] +-?\\d\\.\\d\\d`, 'm'), `the importance ranking names ${name}`);

  const sweepsDir = path.join(work, '.training-lens', 'sweeps');
  const files = fs.readdirSync(sweepsDir).filter(f => f.endsWith('.json'));
  assert.equal(files.length, 1, 'one sweep record');
  const record: SweepRecord = readSweepRecord(path.join(sweepsDir, files[0]));
  assert.equal(record.status, 'done');
  assert.equal(record.cv, 3);
  assert.equal(record.trials.length, 10, 'n_iter=10');
  const runIds = new Set<string>();
  for (const t of record.trials) {
    const label = `trial ${t.trial + 1}`;
    assert.ok([0, 1, 2, 3].includes(t.hparams.n_hidden as number), `${label}: n_hidden from choice(0..3)`);
    const n = t.hparams.n_neurons as number;
    assert.ok(Number.isInteger(n) && n >= 1 && n <= 99, `${label}: n_neurons ${n} in intRange(1, 99)`);
    const lr = t.hparams.learning_rate as number;
    assert.ok(lr >= 3e-4 && lr <= 3e-2, `${label}: learning_rate ${lr} in logUniform(3e-4, 3e-2)`);
    assert.equal(t.status, 'ok', `${label}: ${t.error?.message}`);
    assert.equal(t.folds?.length, 3, `${label}: 3 folds`);
    const bests: number[] = [];
    for (const f of t.folds!) {
      assert.equal(f.status, 'ok', `${label} fold ${f.fold}`);
      runIds.add(f.runId!);
      const log = fromLog(f.runDir!);
      // the job's earlyStopping (patience 10) cannot end a 2-epoch run: every fold trains the sweep's epochs
      assert.equal(f.epochsDone, log.epochs, `${label} fold ${f.fold}: epochs in the record = epochs in its log`);
      assert.equal(f.epochsDone, EPOCHS, `${label} fold ${f.fold}: --epochs overrides the job's 30`);
      assert.ok(
        f.metric && f.metric.epoch >= 1 && f.metric.epoch <= f.epochsDone,
        `${label} fold ${f.fold}: best epoch`,
      );
      assert.ok(Math.abs(f.metric.value - log.best) < 1e-6, `${label} fold ${f.fold}: score = the log's best val_loss`);
      bests.push(log.best);
    }
    const mean = bests.reduce((a, b) => a + b, 0) / 3;
    const std = Math.sqrt(bests.reduce((a, b) => a + (b - mean) ** 2, 0) / 3);
    assert.ok(Math.abs(t.metric!.value - mean) < 1e-6, `${label}: score = mean of the folds`);
    assert.ok(Math.abs(t.spread! - std) < 1e-6, `${label}: spread = std of the folds`);
    assert.ok(t.spread! > 0, `${label}: the folds validate on different digits, so their scores differ`);
  }
  assert.equal(runIds.size, 30, '10 trials × 3 folds = 30 distinct runs');
  const ranked = [...record.trials].sort((a, b) => a.rank! - b.rank!).map(t => t.metric!.value);
  assert.deepEqual(
    ranked,
    [...ranked].sort((a, b) => a - b),
    'Best-1 has the lowest mean val_loss',
  );
});
