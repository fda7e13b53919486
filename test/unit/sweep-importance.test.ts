/** Why a sweep's best trials won: Spearman's ρ for numbers, the correlation ratio η for choices, and the CLI text. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ranks,
  spearman,
  correlationRatio,
  paramImportance,
  type SweepRecord,
  type SweepTrial,
} from '../../src/protocol';
import { importanceText } from '../../src/sweep/table';

test('rank statistics: ties share ranks, monotone is ±1, unrelated is 0', () => {
  assert.deepEqual(ranks([10, 30, 20, 20]), [1, 4, 2.5, 2.5]);
  assert.equal(spearman([1, 2, 3, 4], [1e-3, 1e-2, 1e-1, 1]), 1, 'any increasing relation is ρ = 1');
  assert.equal(spearman([1, 2, 3, 4], [9, 4, 1, 0]), -1);
  assert.ok(
    Math.abs(spearman([1, 2, 3, 4, 5], [3, 1, 5, 2, 4]) - 0.3) < 1e-12,
    'a textbook value: ρ = 1 - 6Σd²/(n(n²-1)) = 0.3',
  );
  assert.equal(correlationRatio(['a', 'a', 'b', 'b'], [1, 1, 5, 5]), 1, 'the choice explains everything');
  assert.equal(correlationRatio(['a', 'b', 'a', 'b'], [1, 1, 5, 5]), 0, 'the choice explains nothing');
});

test('paramImportance ranks the parameters the score follows, over finished trials only', () => {
  const trial = (
    i: number,
    lr: number,
    units: number,
    act: string,
    value: number,
    status: SweepTrial['status'] = 'ok',
  ): SweepTrial => ({
    trial: i,
    hparams: { lr, units, act },
    status,
    epochsDone: 3,
    rank: null,
    metric: { value, epoch: 3 },
  });
  // val_loss falls with lr, does not care about units, and elu is a little better than relu
  const lrs = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2];
  const trials = lrs.map((lr, i) =>
    trial(i, lr, [64, 16, 128, 32, 8, 256][i], i % 2 ? 'elu' : 'relu', 1 - i * 0.1 - (i % 2) * 0.02),
  );
  trials.push(trial(6, 1, 64, 'relu', 99, 'pruned'));
  const record = {
    version: 1,
    id: 's',
    jobFile: '/w/job.ts',
    createdAt: '',
    status: 'done',
    seed: 1,
    epochs: 3,
    concurrency: 1,
    metric: { name: 'val_loss', higherIsBetter: false },
    defaults: {},
    trials,
    space: {
      lr: { scale: 'log', min: 1e-4, max: 1, integer: false },
      units: { scale: 'int', min: 8, max: 256, step: 1 },
      act: { scale: 'choice', values: ['relu', 'elu'] },
    },
  } as SweepRecord;
  const imp = paramImportance(record);
  assert.deepEqual(imp.map(p => p.name)[0], 'lr', 'lr matters most');
  const lr = imp.find(p => p.name === 'lr')!;
  assert.equal(lr.value, -1, 'higher lr, lower val_loss (the pruned trial with lr 1 is left out)');
  assert.equal(lr.n, 6);
  assert.equal(imp.find(p => p.name === 'act')!.kind, 'eta');
  assert.ok(imp.find(p => p.name === 'units')!.strength < 0.5);
  const text = importanceText(record).join('\n');
  assert.match(text, /Why: how strongly val_loss follows each hyper-parameter over 6 finished trials/);
  assert.match(text, /\n {2}lr {5}ρ -1\.00 {2}█{20}\n/);
  assert.deepEqual(paramImportance({ ...record, trials: trials.slice(0, 2) }), [], 'too few trials: nothing claimed');
});
