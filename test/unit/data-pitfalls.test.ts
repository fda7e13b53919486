/**
 * Data pitfalls through the real runner (child process, wasm): each fixture in test/fixtures/data-pitfalls raises
 * its data finding on the line the user must change (fit, or compile for the loss), with the measured numbers; the
 * healthy counterparts (a shuffled split, balanced labels, a tf.data pipeline) raise none. The per-class results at
 * epoch ends count every validation sample once.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { runJob, ROOT, type Finished } from './helpers';
import type { ClassMetricsEvent, DataCheckEvent, Finding, RunEvent } from '../../src/protocol';

const DATA = path.join(ROOT, 'test', 'fixtures', 'data-pitfalls');
const DIAGNOSIS = path.join(ROOT, 'bench', 'diagnosis', 'jobs');

const JOBS = {
  sorted: path.join(DATA, 'sorted-split.train.ts'),
  shuffled: path.join(DATA, 'shuffled-split.train.ts'),
  imbalanced: path.join(DATA, 'imbalanced.train.ts'),
  nan: path.join(DATA, 'nan-input.train.ts'),
  bce: path.join(DATA, 'bce-class-indices.train.ts'),
  leakage: path.join(DATA, 'leakage.train.ts'),
  sparseOneHot: path.join(DATA, 'sparse-one-hot.train.ts'),
  sortedE2e: path.join(ROOT, 'test', 'fixtures', 'e2e-workspace', 'jobs', 'class-sorted.ts'),
  datasetLeakage: path.join(DATA, 'dataset-leakage.train.ts'),
  datasetNan: path.join(DATA, 'dataset-nan.train.ts'),
  binary: path.join(DIAGNOSIS, 'healthy-binary.train.ts'),
  dataset: path.join(DIAGNOSIS, 'healthy-fit-dataset.train.ts'),
};

// Started one after another (the machine is small); each test awaits its own run.
const runs = new Map<string, Promise<Finished>>();
before(() => {
  let chain: Promise<unknown> = Promise.resolve();
  for (const [name, job] of Object.entries(JOBS)) {
    const p = chain.then(() => runJob(job, { backend: 'wasm' }));
    chain = p.catch(() => undefined);
    runs.set(name, p);
  }
});

const findingsOf = (events: RunEvent[]): Finding[] => events.flatMap(e => (e.kind === 'finding' ? [e.finding] : []));
const dataCodes = new Set([
  'label-distribution-shift',
  'class-imbalance',
  'non-finite-input',
  'label-loss-mismatch',
  'train-validation-leakage',
]);

async function finding(run: string, code: string): Promise<{ f: Finding; all: Finding[]; events: RunEvent[] }> {
  const { events } = await runs.get(run)!;
  const all = findingsOf(events);
  const f = all.find(x => x.code === code);
  assert.ok(f, `${run}: expected a ${code} finding, got [${all.map(x => x.code).join(', ')}]`);
  assert.equal(f.source, 'runtime');
  assert.ok((f.advice?.length ?? 0) >= 2, `${run}: ${code} carries at least two remedies: ${f.advice}`);
  assert.ok(f.rule.length > 10, `${run}: ${code} cites its source`);
  return { f, all, events };
}

const dataCheck = (events: RunEvent[]) => events.find((e): e is DataCheckEvent => e.kind === 'data-check');
const line = (f: Finding) => f.range?.start.line;

describe('data findings on real training (runner, wasm)', () => {
  test('label-distribution-shift: validationSplit on class-sorted data, on the fit line, naming the missing classes', async () => {
    const { f, events } = await finding('sorted', 'label-distribution-shift');
    assert.equal(line(f), 12, 'on the fit( line');
    assert.equal(f.file, JOBS.sorted);
    assert.equal(f.evidence.trainCounts, '120,120,48', 'training part: the first 80% as tfjs splits it');
    assert.equal(f.evidence.valCounts, '0,0,72', 'validation part: the LAST 20%, class 2 only');
    assert.equal(f.evidence.missingInValidation, '0,1');
    assert.ok((f.evidence.distance as number) > 0.8, `total variation ${f.evidence.distance}`);
    assert.match(f.message, /classes 0, 1 are missing from the validation data/);
    assert.match(f.advice![0], /Shuffle the samples before splitting/);
    assert.ok(!findingsOf(events).some(x => x.code === 'overfitting'), 'not reported as overfitting');
  });

  test('the rising validation loss a shifted split causes is not reported as overfitting', async t => {
    const { f, all, events } = await finding('sortedE2e', 'label-distribution-shift');
    const valLoss = events.flatMap(e =>
      e.kind === 'epoch' && typeof e.logs.val_loss === 'number' ? [e.logs.val_loss] : [],
    );
    t.diagnostic(`validation loss by epoch: ${valLoss.map(v => v.toFixed(3)).join(', ')}`);
    assert.ok(
      !all.some(x => x.code === 'overfitting'),
      `explained, not overfitting: [${all.map(x => x.code).join(', ')}]`,
    );
    assert.equal(f.evidence.valCounts, '0,0,72');
  });

  test('no shift, leakage or imbalance when the same data is shuffled before the split', async () => {
    const { events, end } = await runs.get('shuffled')!;
    assert.equal(end.status, 'ok');
    const check = dataCheck(events);
    assert.ok(check?.labels?.train, 'the training labels were counted');
    assert.ok(check.labels.val, 'the validation labels were counted');
    assert.deepEqual(
      findingsOf(events)
        .filter(x => x.severity !== 'info')
        .map(x => x.code),
      [],
      'a healthy run gets no warnings',
    );
  });

  test('class-imbalance: 97% negative labels, every prediction negative, on the fit line', async () => {
    const { f } = await finding('imbalanced', 'class-imbalance');
    assert.equal(line(f), 18, 'on the fit( line');
    assert.equal(f.evidence.majorityClass, 0);
    assert.ok((f.evidence.majorityShare as number) > 0.96, `majority share ${f.evidence.majorityShare}`);
    assert.equal(f.evidence.minorityRecall, 0, 'the positives are never found');
    assert.ok((f.evidence.accuracy as number) > 0.95, 'accuracy is the majority rate');
    assert.match(f.advice![0], /classWeight: \{ 0: 1, 1: \d/);
  });

  test('no class-imbalance on balanced binary labels (healthy diagnosis fixture)', async () => {
    const { events } = await runs.get('binary')!;
    assert.ok(
      events.some(e => e.kind === 'class-metrics'),
      'binary (sigmoid) outputs get per-class results',
    );
    assert.deepEqual(
      findingsOf(events)
        .filter(x => dataCodes.has(x.code))
        .map(x => x.code),
      [],
    );
  });

  test('non-finite-input: which tensor, how many values, the first index; the NaN loss it causes is not reported again', async () => {
    const { f, all } = await finding('nan', 'non-finite-input');
    assert.equal(line(f), 13, 'on the fit( line');
    assert.equal(f.evidence.tensor, 'x');
    assert.equal(f.evidence.nonFinite, 1);
    assert.equal(f.evidence.firstIndex, '5,2');
    assert.equal(f.severity, 'error');
    assert.ok(!all.some(x => x.code === 'non-finite'), 'the NaN loss is explained by the NaN input');
  });

  test('label-loss-mismatch: class indices 0..3 with binaryCrossentropy, on the compile line', async () => {
    const { f, all } = await finding('bce', 'label-loss-mismatch');
    assert.equal(line(f), 10, 'on the compile( line');
    assert.equal(f.evidence.labelMax, 3);
    assert.equal(f.evidence.loss, 'binaryCrossentropy');
    assert.match(f.advice![0], /sparseCategoricalCrossentropy/);
    assert.ok(
      !all.some(x => x.code === 'bad-initial-loss' || x.code === 'non-finite'),
      'downstream symptoms are explained by it',
    );
  });

  test('label-loss-mismatch: one-hot labels with sparseCategoricalCrossentropy, raised although tfjs rejects the fit', async () => {
    const { f } = await finding('sparseOneHot', 'label-loss-mismatch');
    const { end } = await runs.get('sparseOneHot')!;
    assert.equal(end.status, 'error', 'tfjs rejects the targets');
    assert.equal(line(f), 9, 'on the compile( line');
    assert.equal(f.evidence.encoding, 'one-hot');
    assert.match(f.advice![0], /categoricalCrossentropy.*tf\.argMax/);
  });

  test('train-validation-leakage: validationData sliced from x, count and share', async () => {
    const { f } = await finding('leakage', 'train-validation-leakage');
    assert.equal(line(f), 11, 'on the fit( line');
    assert.equal(f.evidence.duplicated, 60);
    assert.equal(f.evidence.share, 1);
  });

  test('fitDataset: the batches tfjs pulls are checked (first batch before its step, both sides after epoch 1); a healthy pipeline raises nothing', async () => {
    const { events, end } = await runs.get('dataset')!;
    assert.equal(end.status, 'ok');
    const checks = events.filter((e): e is DataCheckEvent => e.kind === 'data-check');
    assert.equal(checks.length, 3, 'at start, after the first batch, after the first epoch');
    const firstBatch = events.findIndex(
      e => e.kind === 'data-check' && e.tensors.some(t => t.name === 'x (first batch)'),
    );
    assert.ok(
      firstBatch >= 0 && firstBatch < events.findIndex(e => e.kind === 'batch'),
      'the first batch is checked before its step is reported',
    );
    const full = checks[2];
    assert.equal(full.validation, 'dataset');
    assert.deepEqual(full.labels?.train, [128, 128, 128], 'every training sample of the first epoch');
    assert.deepEqual(full.labels?.val, [32, 32, 32], 'every validation sample');
    assert.deepEqual(full.leakage, { trainRows: 384, valRows: 96, duplicated: 0 });
    const metrics = events.filter(e => e.kind === 'class-metrics');
    assert.equal(metrics.length, events.filter(e => e.kind === 'epoch').length, 'per-class results every epoch');
    assert.deepEqual(
      findingsOf(events)
        .filter(x => dataCodes.has(x.code))
        .map(x => x.code),
      [],
    );
  });

  test('fitDataset: a validation dataset cut from the training samples is leakage', async () => {
    const { f } = await finding('datasetLeakage', 'train-validation-leakage');
    assert.equal(line(f), 13, 'on the fitDataset( line');
    assert.equal(f.evidence.duplicated, 64);
    assert.match(f.message, /the validation dataset/);
  });

  test("fitDataset: Infinity in a generator's first batch is found before the step it spoils", async () => {
    const { f, all } = await finding('datasetNan', 'non-finite-input');
    assert.equal(line(f), 13);
    assert.equal(f.evidence.tensor, 'x (first batch)');
    assert.equal(f.evidence.firstIndex, '2,7');
    assert.ok(!all.some(x => x.code === 'non-finite'), 'the NaN loss is explained by it');
  });

  test('per-class results: one confusion matrix per epoch over the capped validation samples', async () => {
    const { events } = await runs.get('sorted')!;
    const metrics = events.filter((e): e is ClassMetricsEvent => e.kind === 'class-metrics');
    const epochs = events.filter(e => e.kind === 'epoch').length;
    assert.equal(metrics.length, epochs, 'one per epoch');
    for (const m of metrics) {
      assert.deepEqual(m.classes, ['0', '1', '2']);
      assert.equal(m.of, 'validation');
      assert.equal(m.samples, 72);
      assert.deepEqual(
        m.matrix.map(r => r.reduce((a, b) => a + b, 0)),
        [0, 0, 72],
        'row sums are the validation labels',
      );
    }
    // the epoch's validation accuracy and the matrix's diagonal agree
    const last = metrics.at(-1)!;
    const epoch = events.filter(e => e.kind === 'epoch').at(-1)!;
    const valAcc = epoch.kind === 'epoch' ? (epoch.logs.val_acc ?? epoch.logs.val_accuracy) : null;
    assert.ok(typeof valAcc === 'number');
    assert.ok(
      Math.abs(last.matrix[2][2] / 72 - valAcc) < 1e-6,
      `diagonal ${last.matrix[2][2] / 72} vs val_acc ${valAcc}`,
    );
  });
});
