/**
 * The toolkit through the real runner: a job imports 'training-lens' (nadam + clipNorm + hparams), the run log
 * carries the clip norms of every step, a sweep's values reach hparams(), and a wrong one fails on the user's line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runJob, ROOT } from './helpers';
import { installToolkitTypes } from '../../src/toolkit/typesPackage';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'toolkit');

test("a job importing 'training-lens' trains with nadam + clipNorm; grad-norms events carry the clip norms", async () => {
  const { events, end, problems } = await runJob(path.join(FIXTURES, 'clip.train.ts'), {
    backend: 'cpu',
    hparams: { lr: 0.01, clipNorm: 0.5 },
  });
  assert.deepEqual(problems, []);
  assert.equal(end.status, 'ok', end.error?.message);
  const log = events.find(e => e.kind === 'log' && e.text.startsWith('hparams '));
  assert.ok(log?.kind === 'log');
  assert.deepEqual(
    JSON.parse(log.text.slice('hparams '.length)),
    { lr: 0.01, clipNorm: 0.5, units: 16 },
    "the sweep's values reached hparams()",
  );
  const fit = events.find(e => e.kind === 'fit-start');
  assert.ok(fit?.kind === 'fit-start', 'a fit-start event');
  assert.equal(fit.optimizer, 'Nadam', 'fit-start names the optimizer');
  const batches = events.filter(e => e.kind === 'batch');
  assert.equal(batches.length, 3 * 6);
  assert.ok(
    batches.every(b => b.kind === 'batch' && b.lr === 0.01),
    'the learning rate of the toolkit optimizer is logged',
  );
  // the steps the gradients were read (spaced on short steps): each reading's clip norms are its own step's
  const norms = events.filter(e => e.kind === 'grad-norms');
  assert.ok(norms.length >= 3 && norms.length <= batches.length, `${norms.length} readings of ${batches.length} steps`);
  for (const n of norms) {
    assert.ok(n.kind === 'grad-norms', 'a grad-norms event');
    assert.ok(n.clip, `step ${n.step} says how it was clipped`);
    assert.equal(n.clip.mode, 'norm');
    assert.equal(n.clip.threshold, 0.5);
    assert.ok(n.clip.postNorm! <= 0.5 + 1e-5, `step ${n.step}: post-clip norm ${n.clip.postNorm}`);
    // the per-layer norms are those of the raw gradient: together they make up the pre-clip global norm
    const raw = Math.sqrt(Object.values(n.layers).reduce((s: number, v) => s + v! * v!, 0));
    assert.ok(
      Math.abs(raw - n.clip.preNorm!) <= 1e-3 * raw,
      `step ${n.step}: layers ${raw} vs preNorm ${n.clip.preNorm}`,
    );
  }
  assert.ok(
    norms.some(n => n.kind === 'grad-norms' && n.clip!.preNorm! > 0.5),
    'some steps were actually clipped',
  );
  const epochs = events.filter(e => e.kind === 'epoch');
  const first = epochs[0],
    last = epochs.at(-1);
  assert.ok(first?.kind === 'epoch', 'a first epoch');
  assert.ok(last?.kind === 'epoch', 'a last epoch');
  assert.ok(last.logs.loss! < first.logs.loss!, `it learns: loss ${first.logs.loss} -> ${last.logs.loss}`);
});

test('an ordinary run ignores a TRAINING_LENS_HPARAMS inherited from the shell: hparams() gives what run-start records', async () => {
  const { events, end } = await runJob(path.join(FIXTURES, 'clip.train.ts'), {
    backend: 'cpu',
    epochs: 1,
    env: { TRAINING_LENS_HPARAMS: '{"lr":0.5}' },
  });
  assert.equal(end.status, 'ok', end.error?.message);
  const start = events[0];
  assert.ok(start.kind === 'run-start', 'the log starts with run-start');
  assert.equal(start.hparams, undefined, 'no hparams outside a sweep');
  const log = events.find(e => e.kind === 'log' && e.text.startsWith('hparams '));
  assert.ok(log?.kind === 'log');
  assert.deepEqual(
    JSON.parse(log.text.slice('hparams '.length)),
    { lr: 1e-3, clipNorm: 1, units: 16 },
    'the defaults, not the stray variable',
  );
});

test('a sweep value of the wrong type fails the run with an error on the hparams() line', async () => {
  const { end } = await runJob(path.join(FIXTURES, 'bad-hparam.train.ts'), {
    backend: 'cpu',
    hparams: { units: 'many' },
  });
  assert.equal(end.status, 'error');
  assert.match(end.error!.message, /'units' must be a number like its default 16, but the sweep passed "many"/);
  assert.equal(end.error!.location?.file, path.join(FIXTURES, 'bad-hparam.train.ts'));
  assert.equal(end.error!.location?.line, 4);
});

test('a 1cycle schedule moves the momentum; batch events carry it next to the learning rate', async () => {
  const { events, end } = await runJob(path.join(FIXTURES, 'onecycle.train.ts'), { backend: 'cpu' });
  assert.equal(end.status, 'ok', end.error?.message);
  const batches = events.filter(e => e.kind === 'batch');
  assert.equal(batches.length, 16);
  const momentum = batches.map(b => (b.kind === 'batch' ? b.momentum : undefined));
  const lr = batches.map(b => (b.kind === 'batch' ? b.lr : undefined));
  assert.ok(
    momentum.every(m => typeof m === 'number'),
    `every step has a momentum: ${momentum}`,
  );
  assert.ok(Math.abs(momentum[0]! - 0.95) < 1e-9, 'starts high');
  const low = Math.min(...(momentum as number[]));
  assert.ok(Math.abs(low - 0.85) < 0.02, `reaches the low end (${low})`);
  // momentum moves against the rate: its lowest step is the rate's highest
  assert.equal(momentum.indexOf(low), lr.indexOf(Math.max(...(lr as number[]))));
});

test("a workspace with the toolkit types in node_modules/training-lens still gets the runner's toolkit", async () => {
  // inside the repository (test-artifacts is ignored): the child runs from sources with tsx resolved from its cwd
  fs.mkdirSync(path.join(ROOT, 'test-artifacts'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(ROOT, 'test-artifacts', 'toolkit-ws-'));
  const typesDir = path.join(dir, 'fake-build');
  // the types package as "Add Toolkit Types" writes it: declarations only, no JavaScript to import
  fs.mkdirSync(typesDir);
  fs.writeFileSync(
    path.join(typesDir, 'package.json'),
    JSON.stringify({
      name: 'training-lens',
      private: true,
      types: 'index.d.ts',
      description: 'Written by "Training Lens: Add Toolkit Types".',
    }),
  );
  fs.writeFileSync(path.join(typesDir, 'index.d.ts'), 'export declare const nadam: unknown;\n');
  installToolkitTypes(typesDir, dir);
  const job = path.join(dir, 'clip.train.ts');
  fs.copyFileSync(path.join(FIXTURES, 'clip.train.ts'), job);
  const { events, end } = await runJob(job, { backend: 'cpu', epochs: 1 });
  assert.equal(end.status, 'ok', end.error?.message);
  assert.ok(
    events.some(e => e.kind === 'grad-norms' && e.clip?.mode === 'norm'),
    'the grad-norms events report clipping by norm',
  );
  fs.rmSync(dir, { recursive: true, force: true });
});
