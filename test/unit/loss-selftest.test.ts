/**
 * The loss tested on itself at fit start, through the real runner (child process, wasm): a custom loss that applies
 * softmax (or sigmoid) again to a softmax (sigmoid) output raises label-loss-mismatch on its compile( line, though no
 * name reveals it; sound losses, named or hand-written, measure about 0 on the perfect prediction and stay silent;
 * a regression is not tested. The measurement is checked against values computed here by hand.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { runJob, ROOT, type Finished } from './helpers';
import * as tf from '@tensorflow/tfjs';
import { parseEvent, type DataCheckEvent, type EventBody, type Finding, type RunEvent } from '../../src/protocol';
import { Instrumentation, DEFAULT_PROBES } from '../../src/runner/instrument';
import { DataDiagnosis } from '../../src/detectors/data';
import { RunContext } from '../../src/detectors/context';
import { DEFAULT_DIAGNOSIS } from '../../src/detectors/settings';
import { LOSS_CHECK_FLOOR, LOSS_CHECK_SHARE } from '../../src/detectors/outputs';

const DIR = path.join(ROOT, 'test', 'fixtures', 'loss-selftest');
const JOBS = {
  customSoftmaxCe: 'custom-softmax-ce.train.ts',
  datasetSigmoidLogits: 'dataset-sigmoid-logits.train.ts',
  categorical: 'categorical.train.ts',
  sparse: 'sparse.train.ts',
  binary: 'binary.train.ts',
  customCe: 'custom-ce.train.ts',
  namedSoftmaxCe: 'named-softmax-ce.train.ts',
  mse: 'mse.train.ts',
  poisson: 'poisson.train.ts',
};

// Started one after another (the machine is small); each test awaits its own run.
const runs = new Map<string, Promise<Finished>>();
before(() => {
  let chain: Promise<unknown> = Promise.resolve();
  for (const [name, job] of Object.entries(JOBS)) {
    const p = chain.then(() => runJob(path.join(DIR, job), { backend: 'wasm' }));
    chain = p.catch(() => undefined);
    runs.set(name, p);
  }
});

const findingsOf = (events: RunEvent[]): Finding[] => events.flatMap(e => (e.kind === 'finding' ? [e.finding] : []));
const lossChecks = (events: RunEvent[]) =>
  events
    .filter((e): e is DataCheckEvent => e.kind === 'data-check' && e.lossCheck !== undefined)
    .map(e => e.lossCheck!);

async function run(name: keyof typeof JOBS) {
  const r = await runs.get(name)!;
  assert.equal(r.end.status, 'ok', `${name}: ${r.problems.join('; ')}`);
  return { events: r.events, findings: findingsOf(r.events), checks: lossChecks(r.events) };
}

describe('the loss tested on itself at fit start (runner, wasm)', () => {
  test('a custom arrow loss wrapping softmaxCrossEntropy on a softmax output: label-loss-mismatch on compile(', async () => {
    const { findings, checks } = await run('customSoftmaxCe');
    const f = findings.filter(x => x.code === 'label-loss-mismatch');
    assert.equal(f.length, 1, `one finding: ${findings.map(x => x.code)}`);
    assert.equal(f[0].range?.start.line, 7, 'on the compile( line');
    assert.equal(f[0].file, path.join(DIR, JOBS.customSoftmaxCe));
    assert.equal(f[0].evidence.loss, 'loss', 'the arrow function is named after its const');
    // softmax of a (near) one-hot row of 3 classes: its true class gets e/(e+2); uniform: softmax(1/3) = 1/3
    const again = -Math.log(Math.E / (Math.E + 2));
    assert.ok(Math.abs((f[0].evidence.perfectLoss as number) - again) < 1e-3, `perfect ${f[0].evidence.perfectLoss}`);
    assert.ok(Math.abs((f[0].evidence.uniformLoss as number) - Math.log(3)) < 1e-3, `${f[0].evidence.uniformLoss}`);
    assert.ok(Math.abs((f[0].evidence.softmaxOfOneHot as number) - again) < 1e-9);
    assert.match(f[0].message, /never reaches 0, even for perfect predictions/);
    assert.match(f[0].message, /applies softmax again/);
    assert.match(f[0].advice![0], /linear .*categoricalCrossentropy/);
    assert.deepEqual(
      checks.map(c => [c.activation, c.labels, c.units, c.samples]),
      [['softmax', 'one-hot', 3, 64]],
    );
  });

  test('fitDataset, custom loss wrapping sigmoidCrossEntropy on a sigmoid output: measured on the first batch', async () => {
    const { findings, checks } = await run('datasetSigmoidLogits');
    const f = findings.find(x => x.code === 'label-loss-mismatch');
    assert.ok(f, `expected label-loss-mismatch, got [${findings.map(x => x.code)}]`);
    assert.equal(f.range?.start.line, 8, 'on the compile( line');
    assert.equal(checks.length, 1, 'one measurement, on the first training batch');
    const c = checks[0];
    assert.deepEqual([c.activation, c.labels, c.units, c.samples], ['sigmoid', 'binary', 1, 32]);
    assert.equal(f.evidence.softmaxOfOneHot, null);
    // sigmoid again of a 0/1 prediction: -log(sigmoid(1)) for a 1, log(2) for a 0, whatever the mix: above 0.31
    assert.ok(c.perfect! > 0.3 && c.perfect! < 0.7, `perfect ${c.perfect}`);
  });

  test('tf.losses.softmaxCrossEntropy by name: raised once, by the fit-start layer check, not again by the self-test', async () => {
    const { events, findings, checks } = await run('namedSoftmaxCe');
    const f = findings.filter(x => x.code === 'label-loss-mismatch');
    assert.equal(f.length, 1);
    assert.equal(f[0].evidence.redundant, 'softmax', 'the layer check (outputs.ts) raised it');
    assert.ok(checks[0].perfect! > 0.5, `the self-test measured it too: ${checks[0].perfect}`);
    // the data detector alone, on the same events: silent on this fit's data-check, as the layer check explains it
    const data = new DataDiagnosis(DEFAULT_DIAGNOSIS),
      ctx = new RunContext();
    const fromData = (list: RunEvent[]) =>
      list.flatMap(e => data.observe(e, ctx)).filter(x => x.code === 'label-loss-mismatch');
    assert.deepEqual(fromData(events), []);
    // without that fit-start (a fit that fails at its first step), the self-test's finding goes out at run-end
    const fresh = new DataDiagnosis(DEFAULT_DIAGNOSIS);
    const alone = events
      .filter(e => e.kind === 'data-check' || e.kind === 'run-end')
      .flatMap(e => fresh.observe(e, ctx));
    assert.equal(alone.find(x => x.code === 'label-loss-mismatch')?.evidence.perfectLoss, checks[0].perfect);
  });

  for (const [name, labels, units] of [
    ['categorical', 'one-hot', 3],
    ['sparse', 'indices', 3],
    ['binary', 'binary', 1],
    ['customCe', 'one-hot', 3],
  ] as const) {
    test(`${name}: a sound loss measures about 0 on the perfect prediction, no label-loss-mismatch`, async () => {
      const { findings, checks } = await run(name);
      assert.equal(checks.length, 1, 'measured once');
      const c = checks[0];
      assert.equal(c.labels, labels);
      assert.equal(c.units, units);
      assert.ok(c.perfect !== null && c.perfect >= 0 && c.perfect < 1e-4, `perfect ${c.perfect}`);
      // uniform prediction: log(C) for cross-entropy over C classes, log(2) for one sigmoid unit
      const uniform = units === 1 ? Math.log(2) : Math.log(units);
      assert.ok(Math.abs(c.uniform! - uniform) < 1e-3, `uniform ${c.uniform}`);
      assert.deepEqual(
        findings.filter(x => x.code === 'label-loss-mismatch'),
        [],
      );
    });
  }

  test('poisson on a softmax output: its floor is the mean label, not 0, so it is measured but not judged', async () => {
    const { findings, checks } = await run('poisson');
    assert.equal(checks.length, 1, 'measured');
    // mean over samples and units of p - y log p at p = y (one-hot, 3 classes): 1/3
    assert.ok(Math.abs(checks[0].perfect! - 1 / 3) < 1e-3, `perfect ${checks[0].perfect}`);
    assert.deepEqual(
      findings.filter(x => x.code === 'label-loss-mismatch'),
      [],
    );
  });

  test('mse regression: no softmax or sigmoid output, so the loss is not tested, and nothing is raised', async () => {
    const { findings, checks, events } = await run('mse');
    assert.ok(
      events.some(e => e.kind === 'data-check'),
      'the data was checked',
    );
    assert.deepEqual(checks, []);
    assert.deepEqual(
      findings.filter(x => x.code === 'label-loss-mismatch'),
      [],
    );
  });
});

// ---- the event field and the detector's bounds, on hand-made events ----

const dataCheck = (lossCheck?: unknown) => ({
  runId: 'r',
  seq: 1,
  t: 1,
  kind: 'data-check',
  fitIndex: 0,
  method: 'fit',
  compileLocation: { file: '/jobs/a.ts', line: 7 },
  loss: 'custom',
  outputActivation: 'softmax',
  outputUnits: 3,
  validation: 'none',
  tensors: [],
  labels: null,
  leakage: null,
  notChecked: [],
  ...(lossCheck === undefined ? {} : { lossCheck }),
});
const measured = (perfect: number | null, uniform: number | null) => ({
  activation: 'softmax',
  labels: 'one-hot',
  samples: 64,
  units: 3,
  perfect,
  uniform,
});

test('data-check: lossCheck is optional (older logs stay valid) and checked when present', () => {
  assert.ok(parseEvent(JSON.stringify(dataCheck())).ok, 'a log without it');
  assert.ok(parseEvent(JSON.stringify(dataCheck(measured(0.55, 1.1)))).ok);
  assert.ok(parseEvent(JSON.stringify(dataCheck(measured(null, null)))).ok, 'non-finite losses as null');
  const bad = parseEvent(JSON.stringify(dataCheck({ ...measured(0.5, 1), activation: 'relu' })));
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.match(bad.reason, /lossCheck/);
  assert.equal(parseEvent(JSON.stringify(dataCheck({ ...measured(0.5, 1), samples: 0 }))).ok, false);
});

test('the detector: raised above both bounds (absolute floor, share of the uniform loss), not at or below either', () => {
  const judge = (perfect: number | null, uniform: number | null) => {
    const d = new DataDiagnosis(DEFAULT_DIAGNOSIS),
      ctx = new RunContext();
    const e = parseEvent(JSON.stringify(dataCheck(measured(perfect, uniform))));
    assert.ok(e.ok);
    const end = { runId: 'r', seq: 2, t: 2, kind: 'run-end', status: 'ok', steps: 0, durationMs: 1 } as RunEvent;
    return [...d.observe(e.value, ctx), ...d.observe(end, ctx)].filter(f => f.code === 'label-loss-mismatch');
  };
  assert.equal(judge(0.55, 1.1).length, 1);
  assert.equal(judge(0.2, 0.2 / LOSS_CHECK_SHARE - 0.01).length, 1, 'just above the share');
  assert.equal(judge(0.2, 0.2 / LOSS_CHECK_SHARE).length, 0, 'at the share of the uniform loss');
  assert.equal(judge(LOSS_CHECK_FLOOR, 0.2).length, 0, 'at the floor');
  assert.equal(judge(1e-6, 1.1).length, 0, 'a sound loss');
  assert.equal(judge(null, 1.1).length, 0, 'a non-finite loss: not judged');
  const [f] = judge(0.55, 1.1);
  assert.equal(f.range?.start.line, 7, 'on compile(');
  assert.ok(Math.abs((f.evidence.softmaxOfOneHot as number) - Math.log(1 + 2 / Math.E)) < 1e-12);
});

test('the self-test changes nothing fit computes: same weights bit for bit, same random draws, no tensor left (cpu)', async () => {
  await tf.setBackend('cpu');
  const xs = tf.randomNormal([96, 4], 0, 1, 'float32', 3);
  const ys = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: 96 }, (_, i) => i % 3),
      'int32',
    ),
    3,
  );
  const train = async (instrumented: boolean) => {
    const m = tf.sequential({
      layers: [
        tf.layers.dense({
          inputShape: [4],
          units: 8,
          activation: 'relu',
          kernelInitializer: tf.initializers.heNormal({ seed: 1 }),
        }),
        tf.layers.dense({
          units: 3,
          activation: 'softmax',
          kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }),
        }),
      ],
    });
    // the custom loss is called by the self-test too: it must not matter to training
    m.compile({
      optimizer: tf.train.adam(0.01),
      loss: (yt: tf.Tensor, yp: tf.Tensor) => tf.losses.softmaxCrossEntropy(yt, yp),
    });
    const events: EventBody[] = [];
    const inst = instrumented
      ? new Instrumentation(tf, { emit: e => events.push(e), probes: DEFAULT_PROBES })
      : undefined;
    inst?.install();
    const random = Math.random;
    let draws = 0,
      a = 7;
    Math.random = () => {
      draws++;
      a = (a * 16807) % 2147483647;
      return a / 2147483647;
    };
    const before = tf.memory().numTensors;
    try {
      await m.fit(xs, ys, { epochs: 2, batchSize: 16, shuffle: true });
    } finally {
      Math.random = random;
      inst?.uninstall();
    }
    const left = tf.memory().numTensors - before;
    return { weights: m.getWeights().map(w => w.dataSync() as Float32Array), draws, events, left };
  };
  const plain = await train(false);
  const inst = await train(true);
  const checks = inst.events.flatMap(e => (e.kind === 'data-check' && e.lossCheck ? [e.lossCheck] : []));
  assert.equal(checks.length, 1, 'the self-test ran');
  assert.ok(checks[0].perfect! > 0.5);
  assert.equal(inst.draws, plain.draws, 'Math.random draws');
  plain.weights.forEach((w, i) => assert.deepEqual(inst.weights[i], w, `weight tensor ${i} differs`));
  assert.ok(inst.left <= plain.left, `tensors left: ${inst.left} instrumented vs ${plain.left} plain`);
});
