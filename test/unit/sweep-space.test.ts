/**
 * Search spaces beyond [min, max]: choice, intRange, uniform, logUniform read parse-only from the job (and their
 * errors, with file and line), each sampled with the distribution it names (fixed seeds), and the same helpers at
 * run time in the toolkit's hparams().
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSweepSpace, SpaceError } from '../../src/sweep/space';
import { sampleTrials, sampleDimension } from '../../src/sweep/sample';
import { hparams } from '../../src/toolkit/hparams';
import { choice, intRange, uniform, logUniform } from '../../src/toolkit/search';
import { parseSweepRecord } from '../../src/protocol';

const HEAD = "import { hparams, choice, intRange, uniform, logUniform } from 'training-lens';\n";

function spaceError(text: string): SpaceError {
  try {
    readSweepSpace(text, '/w/job.ts');
  } catch (e) {
    assert.ok(e instanceof SpaceError, String(e));
    return e;
  }
  assert.fail('expected a SpaceError');
}

test("the chapter's RandomizedSearchCV space is written one-to-one and read from the source", () => {
  const s = readSweepSpace(
    `${HEAD}const hp = hparams(
  { n_hidden: 1, n_neurons: 30, learning_rate: 3e-3, act: 'relu', bn: false, dropout: 0.2 },
  { n_hidden: choice(0, 1, 2, 3), n_neurons: intRange(1, 99), learning_rate: logUniform(3e-4, 3e-2),
    act: choice('relu', 'elu'), bn: choice(true, false), dropout: uniform(0, 0.5) },
);\n`,
    '/w/job.ts',
  );
  assert.equal(s.line, 2);
  assert.deepEqual(s.space, {
    n_hidden: { scale: 'choice', values: [0, 1, 2, 3] },
    n_neurons: { scale: 'int', min: 1, max: 99, step: 1 },
    learning_rate: { scale: 'log', min: 3e-4, max: 3e-2, integer: false },
    act: { scale: 'choice', values: ['relu', 'elu'] },
    bn: { scale: 'choice', values: [true, false] },
    dropout: { scale: 'uniform', min: 0, max: 0.5 },
  });
  // namespace import, aliases, consts and a step
  const t = readSweepSpace(
    `import * as tl from 'training-lens';\nimport { intRange as ints } from 'training-lens';\nconst LO = 16;\ntl.hparams({ units: 64, lr: 1e-3 }, { units: ints(LO, 256, 16), lr: tl.logUniform(1e-5, 10 ** -1) });\n`,
    '/w/a.ts',
  );
  assert.deepEqual(t.space, {
    units: { scale: 'int', min: 16, max: 256, step: 16 },
    lr: { scale: 'log', min: 1e-5, max: 0.1, integer: false },
  });
  // the record schema accepts every kind (what the Sweep panel is sent)
  const record = {
    version: 1,
    id: 'x',
    jobFile: '/w/job.ts',
    createdAt: 'now',
    status: 'done',
    seed: 1,
    epochs: 2,
    concurrency: 1,
    metric: null,
    defaults: s.defaults,
    space: s.space,
    trials: [
      {
        trial: 0,
        hparams: { n_hidden: 2, act: 'elu', bn: true },
        status: 'pruned',
        epochsDone: 1,
        rank: null,
        pruned: { epoch: 1, rung: 1, reason: 'rung' },
      },
    ],
  };
  assert.ok(parseSweepRecord(record).ok, 'a record with choice/int/uniform spaces and a pruned trial is valid');
});

test('unusable spaces are errors with file, line and why', () => {
  const e = spaceError(`${HEAD}hparams({ act: 'relu' }, {\n  act: choice('relu', 3),\n});\n`);
  assert.equal(e.line, 3);
  assert.match(e.message, /^\/w\/job\.ts:3:\d+: act: every choice must be a string like its default "relu"/);
  assert.match(
    spaceError(`${HEAD}hparams({ n: 1 }, { n: choice() });\n`).reason,
    /n: choice\(\) needs at least one value/,
  );
  assert.match(
    spaceError(`${HEAD}const vs = [1, 2];\nhparams({ n: 1 }, { n: choice(...vs) });\n`).reason,
    /n: write the values out \(no spread\)/,
  );
  assert.match(
    spaceError(`${HEAD}hparams({ n: 1 }, { n: choice(1, Math.random()) });\n`).reason,
    /n: choice values must be numbers, strings or booleans written in the file/,
  );
  assert.match(
    spaceError(`${HEAD}hparams({ n: 1 }, { n: intRange(5, 2) });\n`).reason,
    /n: intRange\(5, 2\): lo must not exceed hi/,
  );
  assert.match(
    spaceError(`${HEAD}hparams({ n: 1 }, { n: intRange(1.5, 4) });\n`).reason,
    /n: intRange needs whole numbers/,
  );
  assert.match(
    spaceError(`${HEAD}hparams({ p: 0.1 }, { p: uniform(0.5, 0.5) });\n`).reason,
    /p: uniform\(0\.5, 0\.5\): lo must be below hi/,
  );
  assert.match(
    spaceError(`${HEAD}hparams({ lr: 0.1 }, { lr: logUniform(0, 1) });\n`).reason,
    /lr: bounds must be positive for a log-scale search/,
  );
  assert.match(
    spaceError(`${HEAD}hparams({ act: 'relu' }, { act: uniform(0, 1) });\n`).reason,
    /act: only numeric hyper-parameters can be searched with uniform/,
  );
  // a helper of the same name that does not come from 'training-lens' is not a space
  const local = spaceError(
    `import { hparams } from 'training-lens';\nconst choice = (...v: number[]) => v;\nhparams({ n: 1 }, { n: choice(1, 2) });\n`,
  );
  assert.equal(local.line, 3);
  assert.match(local.reason, /n: expected \[min, max\] \(log-uniform\) or choice/);
});

test('each space samples the distribution it names (fixed seed)', () => {
  const space = {
    c: { scale: 'choice' as const, values: [0, 1, 2, 3] },
    s: { scale: 'choice' as const, values: ['relu', 'elu', true] },
    i: { scale: 'int' as const, min: 1, max: 99, step: 1 },
    j: { scale: 'int' as const, min: 16, max: 256, step: 16 },
    u: { scale: 'uniform' as const, min: -1, max: 3 },
    l: { scale: 'log' as const, min: 3e-4, max: 3e-2, integer: false },
  };
  const n = 8000;
  const trials = sampleTrials(space, n, 42);
  assert.deepEqual(sampleTrials(space, n, 42), trials, 'the same seed gives the same trials');
  const share = (pred: (t: (typeof trials)[number]) => boolean) => trials.filter(pred).length / n;
  for (const v of [0, 1, 2, 3])
    assert.ok(Math.abs(share(t => t.c === v) - 0.25) < 0.025, `choice ${v}: ${share(t => t.c === v)}`);
  for (const v of ['relu', 'elu', true])
    assert.ok(Math.abs(share(t => t.s === v) - 1 / 3) < 0.025, `choice ${String(v)}`);
  const is = trials.map(t => t.i as number);
  assert.ok(
    is.every(v => Number.isInteger(v) && v >= 1 && v <= 99),
    'intRange: whole numbers within both bounds',
  );
  assert.ok(is.includes(1), 'intRange: the lower bound is reachable');
  assert.ok(is.includes(99), 'intRange: the upper bound is reachable');
  assert.ok(
    Math.abs(share(t => (t.i as number) <= 50) - 50 / 99) < 0.025,
    'intRange: uniform (half the values in the lower half)',
  );
  const js = new Set(trials.map(t => t.j as number));
  assert.deepEqual(
    [...js].sort((a, b) => a - b),
    Array.from({ length: 16 }, (_, k) => 16 + 16 * k),
    'intRange with a step: 16, 32, …, 256',
  );
  const us = trials.map(t => t.u as number);
  assert.ok(us.every(v => v >= -1 && v <= 3));
  assert.ok(Math.abs(us.reduce((a, b) => a + b, 0) / n - 1) < 0.05, 'uniform: mean at the middle');
  for (let q = 0; q < 4; q++)
    assert.ok(
      Math.abs(share(t => (t.u as number) >= q - 1 && (t.u as number) < q) - 0.25) < 0.025,
      `uniform: quarter ${q}`,
    );
  const ls = trials.map(t => t.l as number);
  assert.ok(ls.every(v => v >= 3e-4 && v <= 3e-2));
  // log-uniform: each decade (3e-4..3e-3, 3e-3..3e-2) holds half the samples; a uniform sampler would put ~91% in the upper one
  assert.ok(
    Math.abs(share(t => (t.l as number) < 3e-3) - 0.5) < 0.025,
    `logUniform: lower decade ${share(t => (t.l as number) < 3e-3)}`,
  );
  // the quantile function ends inside the range
  assert.equal(sampleDimension(space.i, 0.999999), 99);
  assert.equal(sampleDimension(space.c, 0), 0);
});

test('hparams() takes the same space helpers at run time and checks them against the defaults', () => {
  const none = {};
  const hp = hparams(
    { n_hidden: 1, n_neurons: 30, lr: 3e-3, act: 'relu' },
    {
      n_hidden: choice(0, 1, 2, 3),
      n_neurons: intRange(1, 99),
      lr: logUniform(3e-4, 3e-2),
      act: choice('relu', 'elu'),
    },
    none,
  );
  assert.deepEqual(hp, { n_hidden: 1, n_neurons: 30, lr: 3e-3, act: 'relu' });
  const trial = hparams(
    { n_hidden: 1, act: 'relu' },
    { n_hidden: choice(0, 1, 2, 3), act: choice('relu', 'elu') },
    { TRAINING_LENS_HPARAMS: JSON.stringify({ n_hidden: 3, act: 'elu' }) },
  );
  assert.deepEqual(trial, { n_hidden: 3, act: 'elu' }, 'a trial passes strings as well as numbers');
  assert.throws(
    () => hparams({ act: 'relu' }, { act: uniform(0, 1) as never }, none),
    /'act' has a string default "relu" but is searched over uniform\(0, 1\)/,
  );
  assert.throws(() => intRange(3, 1), /lo ≤ hi/);
  assert.throws(() => logUniform(0, 1), /0 < lo < hi/);
  assert.throws(() => uniform(1, 1), /lo < hi/);
  assert.throws(() => choice(), /at least one value/);
});
