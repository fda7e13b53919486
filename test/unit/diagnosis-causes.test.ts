/**
 * Root cause over symptom, on hand-made event sequences: the diagnosis names what caused a symptom (the learning
 * rate that killed ReLUs, the initializer that saturated a sigmoid net), holds a symptom back until the probe that
 * reveals its cause is read, tells a sustained rise of the validation loss (overfitting) from noise
 * (noisy-validation), and gives every finding a place. Each behaviour has a sequence that shows it and one that
 * must stay silent.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosisEngine } from '../../src/detectors/engine';
import type { RuleFamily } from '../../src/detectors/engine';
import { DEFAULT_DIAGNOSIS as D } from '../../src/detectors/settings';
import { MLP, Run, dense, codes, assertComplete, FILE } from './diagnosisRun';
import { addFinding, validateEvent, type RunEvent } from '../../src/protocol';
import { formatExplains } from '../../src/protocol/format';
import { summarizeRun } from '../../src/runs/summary';

const zeros = { d1: 0, d2: 0, out: 0 };
const healthy = { d1: 0.5, d2: 0.5, out: 0.5 };

describe('dead ReLUs under a stall name the learning rate (not unchanged-weights)', () => {
  const stalled = (deadShare: number, opts: { lr?: number; optimizer?: string; deadAfter?: number } = {}) => {
    const r = new Run(MLP, { optimizer: opts.optimizer ?? 'Adam', lr: opts.lr ?? 0.1 });
    for (let i = 0; i < 3; i++) r.train(healthy);
    for (let i = 0; i < (opts.deadAfter ?? 10); i++) r.train(zeros);
    r.dead('d1', deadShare);
    for (let i = 0; i < 30; i++) r.train(zeros);
    return r;
  };
  test('>= 50% dead while every gradient is exactly 0: dead-relu on the layer, lr and the step they died as evidence, "lower the learning rate" first', () => {
    const e = stalled(55).engine();
    assert.deepEqual(codes(e.findings), ['dead-relu@d1']);
    const f = e.findings[0];
    assertComplete(f);
    assert.equal(f.severity, 'error');
    assert.equal(f.range?.start.line, 3, 'on the layer');
    assert.deepEqual(
      [f.evidence.lr, f.evidence.lrHigh, f.evidence.diedAtStep, f.evidence.fraction, f.evidence.cause],
      [0.1, true, 3, 0.55, 'learning-rate'],
    );
    assert.match(f.message, /learning rate 0\.1 of Adam \(100× its default 0\.001\)/);
    assert.match(f.advice![0], /Lower the learning rate of Adam from 0\.1 to 0\.01/);
    assert.deepEqual(
      e.suppressed.map(x => x.finding.code),
      ['unchanged-weights'],
      'the stall is kept as evidence',
    );
  });
  test('the cause keeps the symptom as evidence: one explained event, folded into the finding by the summary and diagnose()', () => {
    const r = stalled(55);
    const e = r.engine();
    const explained = e.takeExplained();
    assert.equal(explained.length, 1);
    assert.deepEqual(explained[0].cause, { code: 'dead-relu', layer: 'd1' });
    assert.equal(explained[0].symptom.code, 'unchanged-weights');
    assert.match(explained[0].symptom.message, /zero gradient/);
    assert.equal(explained[0].symptom.location?.file, FILE, 'where the symptom was placed');
    assert.deepEqual(e.takeExplained(), [], 'each symptom once');
    const [f] = r.diagnose();
    assert.deepEqual(
      f.explains?.map(s => s.code),
      ['unchanged-weights'],
    );
    // what the runner writes: the finding, then the explained event; the run summary (findings.json) folds them
    const start = { kind: 'run-start', runId: 'r', seq: 0, t: 0, jobFile: FILE, backend: 'cpu', backendNotes: [] };
    const events: RunEvent[] = [{ ...start, startedAt: '2026-12-06T00:00:00Z', argv: {} } as RunEvent, ...r.events];
    const at = (body: object) => ({ ...body, runId: 'r', seq: events.length, t: events.length }) as RunEvent;
    events.push(at({ kind: 'finding', finding: e.findings[0] }));
    events.push(at({ kind: 'explained', ...explained[0] }));
    events.push(at({ kind: 'explained', ...explained[0] }));
    for (const x of events.slice(-3)) assert.ok(validateEvent(JSON.parse(JSON.stringify(x))).ok, x.kind);
    events.push(at({ kind: 'run-end', status: 'ok', steps: 43, durationMs: 1 }));
    const summary = summarizeRun(events)!;
    assert.deepEqual(
      summary.findings.map(x => [x.code, x.explains?.map(s => s.code)]),
      [['dead-relu', ['unchanged-weights']]],
      'listed once under its cause',
    );
    assert.equal(
      formatExplains(summary.findings[0].explains!),
      `unchanged-weights (epoch ${explained[0].symptom.epoch! + 1})`,
    );
  });
  test('a symptom held back while its cause is pending makes no explained event until the cause is raised', () => {
    // the loss is flat while d1 is dying: loss-not-decreasing waits for the layer symptom, then dead-relu explains it
    const r = new Run(MLP, { epochs: 10 });
    r.epochs(Array.from({ length: 4 }, () => ({ loss: 1.4, acc: 0.25 })));
    r.dead('d1', 80);
    r.epochs([{ loss: 1.4, acc: 0.25 }]);
    const pendingUntil = r.events.length;
    r.dead('d1', 85);
    r.epochs([
      { loss: 1.4, acc: 0.25 },
      { loss: 1.4, acc: 0.25 },
    ]);
    const e = new DiagnosisEngine();
    r.events.slice(0, pendingUntil).forEach(x => e.observe(x));
    assert.deepEqual(
      e.suppressed.map(x => [x.finding.code, x.cause?.code]),
      [['loss-not-decreasing', undefined]],
      'held back, no cause raised yet',
    );
    assert.deepEqual(e.takeExplained(), []);
    r.events.slice(pendingUntil).forEach(x => e.observe(x));
    assert.deepEqual(codes(e.findings), ['dead-relu@d1']);
    assert.deepEqual(
      e.takeExplained().map(x => [x.cause.code, x.cause.layer, x.symptom.code]),
      [['dead-relu', 'd1', 'loss-not-decreasing']],
      'kept under the cause once it is raised',
    );
  });
  test('the stall is held back until the dead-unit probe is read (the cause measured after the symptom)', () => {
    // 22 zero steps: the stall criterion (2 epochs = 20 steps) holds before the dead-unit window ends
    const e = stalled(60, { deadAfter: 22 }).engine();
    assert.deepEqual(codes(e.findings), ['dead-relu@d1']);
    assert.equal(e.suppressed[0]?.finding.code, 'unchanged-weights');
  });
  test('...below 50% dead the stall stays a model-level unchanged-weights at compile, raised after the hold', () => {
    const r = stalled(45);
    const e = r.engine();
    assert.deepEqual(codes(e.findings), ['unchanged-weights']);
    assert.equal(e.findings[0].range?.start.line, 7);
    assert.match(e.findings[0].advice![0], /Lower the learning rate/);
  });
  test('a symptom still held when the last planned epoch ends is raised then (before run-end)', () => {
    const r = new Run(MLP, { epochs: 3, stepsPerEpoch: 10 });
    for (let i = 0; i < 3; i++) r.train(healthy);
    for (let i = 0; i < 7; i++) r.train(zeros);
    r.endEpoch({ loss: 1.4, acc: 0.25 });
    for (let i = 0; i < 20; i++) r.train(zeros);
    r.endEpoch({ loss: 1.4, acc: 0.25 });
    const engine = new DiagnosisEngine();
    r.events.forEach(e => engine.observe(e));
    assert.deepEqual(engine.findings, [], 'held: the stall was found 3 steps ago');
    const raised = engine.observe({
      kind: 'epoch',
      epoch: 2,
      step: r.step,
      logs: { loss: 1.4, acc: 0.25 },
      runId: 'r',
      seq: r.events.length,
      t: 0,
    });
    assert.deepEqual(codes(raised), ['unchanged-weights']);
  });
  test('a layer 90% dead is reported even once accuracy passed Θ; 89% is held back by the gate', () => {
    const run = (dead: number) =>
      new Run(MLP, { optimizer: 'Adam', lr: 0.1 })
        .train(healthy, 0.3, 0.9)
        .dead('d1', dead)
        .train(healthy, 0.3, 0.9)
        .dead('d1', dead)
        .diagnose();
    assert.deepEqual(codes(run(90)), ['dead-relu@d1']);
    assert.deepEqual(run(89), []);
  });
  test('dead units under a usual learning rate: no learning-rate cause, and lowering it comes last', () => {
    const r = new Run(MLP, { optimizer: 'Adam', lr: 0.001 })
      .train(healthy)
      .dead('d2', 80)
      .train(healthy)
      .dead('d2', 80);
    const [f] = r.diagnose();
    assert.equal(f.code, 'dead-relu');
    assert.equal(f.evidence.lrHigh, false);
    assert.doesNotMatch(f.message, /likely cause/);
    assert.match(f.advice!.at(-1)!, /Lower the learning rate/);
    assert.match(f.advice![0], /batch normalization/);
  });
});

describe('once a high learning rate has killed one ReLU layer, its siblings are judged at 50%', () => {
  // a model that learns (accuracy 0.9, past AUTOTRAINER's gate): d1 is 95% dead, d2 60% (below γ = 70%)
  const run = (lr: number, d2: number) => {
    const r = new Run(MLP, { optimizer: 'Adam', lr });
    for (let i = 0; i < 2; i++) r.train(healthy, 0.3, 0.9).dead('d1', 95).dead('d2', d2);
    return r;
  };
  test('Adam lr 0.1 (100x its default): dead-relu on both layers, the sibling at the SageMaker/TheDeepChecker 50%', () => {
    const f = run(0.1, 60).diagnose();
    assert.deepEqual(codes(f), ['dead-relu@d1', 'dead-relu@d2']);
    const d2 = f[1];
    assertComplete(d2);
    assert.deepEqual([d2.evidence.sibling, d2.evidence.threshold, d2.evidence.lrHigh], [true, 0.5, true]);
    assert.match(d2.message, /another ReLU layer of this model died under the same learning rate/);
  });
  test('...not at the default learning rate, nor at 49%, nor after a single window', () => {
    assert.deepEqual(codes(run(0.001, 60).diagnose()), ['dead-relu@d1'], 'no learning-rate cause: γ and the gate hold');
    assert.deepEqual(codes(run(0.1, 49).diagnose()), ['dead-relu@d1'], '49% is below 50%');
    const once = new Run(MLP, { optimizer: 'Adam', lr: 0.1 });
    once.train(healthy, 0.3, 0.9).dead('d1', 95).dead('d2', 10);
    once.train(healthy, 0.3, 0.9).dead('d1', 95).dead('d2', 60);
    assert.deepEqual(codes(once.diagnose()), ['dead-relu@d1'], 'd2 at 60% in one window only');
  });
});

describe('saturation caused by the initializer (not slow-convergence)', () => {
  const sig = (init: string) => [
    dense('s1', 3, 'sigmoid', { initializer: init }),
    dense('s2', 4, 'sigmoid', { initializer: init }),
    dense('out', 5, 'softmax', { units: 4 }),
  ];
  const run = (init: string, share: number, accs: number[]) => {
    const r = new Run(sig(init), { epochs: 10 });
    for (const acc of accs) {
      const loss = 1.5 - 0.05 * r.epoch;
      r.train({ s1: 0.1, s2: 0.3, out: 1 }, loss, acc).acts([
        { layer: 's1', activation: 'sigmoid', saturated: share },
        { layer: 's2', activation: 'sigmoid', saturated: share },
      ]);
      r.endEpoch({ loss, acc });
    }
    return r;
  };
  test('> 25% pinned, a RandomNormal kernel, and accuracy that would not reach Θ in the planned epochs: saturated-activation per layer, the initializer first in the advice', () => {
    const e = run('RandomNormal', 0.33, [0.2, 0.22]).engine();
    assert.deepEqual(codes(e.findings), ['saturated-activation@s1', 'saturated-activation@s2']);
    const f = e.findings.find(x => x.source === 'runtime')!;
    assertComplete(f);
    assert.deepEqual(
      [f.evidence.initializer, f.evidence.cause, f.evidence.saturated, f.evidence.gradientRatio],
      ['RandomNormal', 'initializer', 0.33, 0.1],
    );
    assert.equal(f.epoch, 0);
    assert.match(f.message, /initializer RandomNormal/);
    assert.match(f.advice![0], /Initialize s1, s2 with glorotUniform/);
  });
  test('...silent when the net learns well despite it, with a fan-scaled initializer, or at exactly 25%', () => {
    assert.deepEqual(run('RandomNormal', 0.33, [0.2, 0.35]).diagnose(), [], 'at 0.15 per epoch Θ is 2 epochs away');
    assert.deepEqual(run('glorotUniform', 0.33, [0.2, 0.22]).diagnose(), [], 'Glorot: not the initializer');
    assert.deepEqual(run('RandomNormal', D.saturatedFractionInit, [0.2, 0.22]).diagnose(), []);
  });
  test('a saturated layer explains the vanishing gradient before it', () => {
    const layers = [dense('t1', 3, 'tanh'), dense('t2', 4, 'tanh'), dense('out', 5, 'softmax', { units: 4 })];
    const r = new Run(layers);
    r.train({ t1: 1e-6, t2: 1e-3, out: 1 }).acts([{ layer: 't2', activation: 'tanh', saturated: 0.9 }]);
    r.train({ t1: 1e-6, t2: 1e-3, out: 1 }).acts([{ layer: 't2', activation: 'tanh', saturated: 0.9 }]);
    for (let i = 0; i < 3; i++) r.train({ t1: 1e-6, t2: 1e-3, out: 1 });
    const e = r.engine();
    assert.deepEqual(codes(e.findings), ['saturated-activation@t2']);
    assert.ok(e.suppressed.some(x => x.finding.code === 'vanishing-gradient'));
  });
  test('...also when the gradients vanish before the saturation has held for its probes: held until the next one', () => {
    const layers = [dense('t1', 3, 'tanh'), dense('t2', 4, 'tanh'), dense('out', 5, 'softmax', { units: 4 })];
    const sequence = (second: number) => {
      const r = new Run(layers);
      r.train({ t1: 1e-6, t2: 1e-3, out: 1 }).acts([{ layer: 't2', activation: 'tanh', saturated: 0.9 }]);
      for (let i = 0; i < 24; i++) r.train({ t1: 1e-6, t2: 1e-3, out: 1 }); // vanishing from the third reading on
      r.acts([{ layer: 't2', activation: 'tanh', saturated: second }]);
      for (let i = 0; i < 3; i++) r.train({ t1: 1e-6, t2: 1e-3, out: 1 });
      return r.engine();
    };
    const confirmed = sequence(0.9);
    assert.deepEqual(codes(confirmed.findings), ['saturated-activation@t2'], 'the second probe confirms the cause');
    assert.ok(confirmed.suppressed.some(x => x.finding.code === 'vanishing-gradient'));
    const cleared = sequence(0.1);
    assert.deepEqual(codes(cleared.findings), ['vanishing-gradient@t1'], 'no saturation after all: the symptom stands');
    assert.equal(cleared.findings[0].held?.fromStep, 0, 'held from where it began');
  });
  test('slow-convergence that follows is kept as evidence', () => {
    const e = run('RandomNormal', 0.4, [0.2, 0.201, 0.202, 0.203, 0.204, 0.205, 0.206]).engine();
    assert.deepEqual(codes(e.findings), ['saturated-activation@s1', 'saturated-activation@s2']);
    assert.ok(e.suppressed.some(x => x.finding.code === 'slow-convergence'));
  });
});

describe('overfitting needs a sustained rise; a jumping validation loss is noisy-validation', () => {
  const logs = (val: number[], acc = 0.95, valAcc = 0.8) =>
    val.map((v, i) => ({ loss: 0.5 - 0.04 * i, val_loss: v, acc, val_acc: valAcc }));
  test('a one-epoch spike that falls back is not overfitting (fired at epoch 7 before)', () => {
    const spike = [0.9, 0.77, 0.65, 0.66, 0.518, 0.82, 0.654];
    assert.deepEqual(new Run().epochs(logs(spike)).diagnose(), []);
    assert.deepEqual(new Run().epochs(logs([...spike, 0.472])).diagnose(), []);
  });
  test('a sustained rise is overfitting one epoch after the rise is established (the second epoch above)', () => {
    const f = new Run().epochs(logs([0.9, 0.7, 0.6, 0.65, 0.7])).diagnose();
    assert.deepEqual(codes(f), ['overfitting']);
    assert.equal(f[0].epoch, 3, 'held from the epoch after the best');
    assert.equal(new Run().epochs(logs([0.9, 0.7, 0.6, 0.65])).diagnose().length, 0, 'one epoch up is not yet a trend');
  });
  test('on a small validation set a rise must pass 2 standard errors of its mean (18% on 120 samples)', () => {
    // a healthy run's wander: 12% then 18% above the best on 120 samples, then back
    const wander = [1.85, 1.05, 0.9, 0.76, 0.71, 0.7935, 0.8393];
    assert.deepEqual(new Run(MLP, { validationSamples: 120 }).epochs(logs(wander)).diagnose(), []);
    const f = new Run(MLP, { validationSamples: 5000 }).epochs(logs(wander)).diagnose();
    assert.deepEqual(codes(f), ['overfitting'], 'the same rise on 5,000 samples (noise floor 2.8%): GL_5 decides');
    assert.equal(f[0].evidence.criterion, 'size');
  });
  test('a slow steady rise is overfitting by its trend (Mann-Kendall p <= 0.05): 3 rises after the best', () => {
    const slow = [0.9, 0.7, 0.6, 0.612, 0.624, 0.636];
    assert.deepEqual(new Run().epochs(logs(slow.slice(0, 5))).diagnose(), [], 'two rises: p = 0.17');
    const f = new Run(MLP, { validationSamples: 5000 }).epochs(logs(slow)).diagnose();
    assert.deepEqual(codes(f), ['overfitting'], '6% on 5,000 samples: below 2 standard errors (5.7%) in 2 epochs');
    assertComplete(f[0]);
    assert.deepEqual([f[0].evidence.criterion, f[0].epoch], ['trend', 3], 'held from the epoch after the best');
    assert.ok((f[0].evidence.trendP as number) < 0.05);
    const small = [0.9, 0.7, 0.6, 0.605, 0.61, 0.615];
    assert.deepEqual(new Run().epochs(logs(small)).diagnose(), [], 'steady but only 2.5% above the best (GL_5)');
  });
  test('...three rises must reach one standard error of the mean; four or more stand at any size', () => {
    const slow = [0.9, 0.7, 0.6, 0.612, 0.624, 0.636];
    const on120 = (val: number[]) => new Run(MLP, { validationSamples: 120 }).epochs(logs(val)).diagnose();
    assert.deepEqual(on120(slow), [], '6% on 120 samples: one standard error is 18%, three rises come by chance');
    const f = on120([...slow, 0.648]);
    assert.deepEqual(codes(f), ['overfitting'], 'four rises: p = 0.008');
    assert.equal(f[0].evidence.criterion, 'trend');
  });
  test('the accuracy gap must pass its threshold beyond the sampling error of the validation accuracy', () => {
    // the slow steady rise above, with training accuracy 0.96 and validation 0.875: a gap of 0.085 against 0.07
    const slow = [0.9, 0.7, 0.6, 0.612, 0.624, 0.636];
    const on = (m: number) => new Run(MLP, { validationSamples: m }).epochs(logs(slow, 0.96, 0.875)).diagnose();
    assert.deepEqual(on(120), [], '120 samples: 0.07 + 2 x 0.030 = 0.13');
    const f = on(5000);
    assert.deepEqual(codes(f), ['overfitting'], '5,000 samples: 0.07 + 2 x 0.0047 = 0.079');
    assert.match(
      f[0].message,
      /gap 0\.085, threshold 0\.07 \+ 2 standard errors of the validation accuracy over 5000 samples = 0\.07935/,
    );
  });
  test('with few wrong validation samples, a rise needs the accuracy to fall, or four rises in a row', () => {
    // 40 validation samples at accuracy 0.78: about 9 wrong, fewer than 10; the accuracy does not move
    const on = (val: number[]) => new Run(MLP, { validationSamples: 40 }).epochs(logs(val, 1, 0.78)).diagnose();
    const rise = [0.8, 0.6, 0.45, 0.4, 0.41, 0.42, 0.43];
    assert.deepEqual(on(rise), [], 'three rises (p = 0.04) carried by a handful of samples: not yet');
    const f = on([...rise, 0.44]);
    assert.deepEqual(codes(f), ['overfitting'], 'four rises (p = 0.008): the wrong samples grow ever more confident');
    assert.match(f[0].message, /has not fallen beyond its noise .* too steady for chance, p = 0\.008333/);
  });
  test('after a spike around the best, the rise is judged on the running median of 3 epochs', () => {
    const noisyRise = [0.9, 0.7, 0.85, 0.6, 0.7, 0.8, 0.9];
    assert.deepEqual(new Run().epochs(logs(noisyRise)).diagnose(), [], 'the median has only just left its best');
    const f = new Run().epochs(logs([...noisyRise, 0.95])).diagnose();
    assert.deepEqual(codes(f), ['overfitting']);
    assert.equal(f[0].evidence.noisyBefore, true);
  });
  const noisy = [1.0, 0.8, 0.95, 0.7, 0.85, 0.6, 0.62];
  test('two spikes that came back: noisy-validation at fit, info while the validation loss still reaches new bests', () => {
    const f = new Run(MLP, { validationSamples: 5000 }).epochs(logs(noisy, 0.7, 0.7)).diagnose();
    assert.deepEqual(codes(f), ['noisy-validation']);
    assertComplete(f[0]);
    assert.equal(f[0].severity, 'info');
    assert.equal(f[0].range?.start.line, 8, 'at fit');
    assert.equal(f[0].evidence.spikes, 2);
    assert.equal(f[0].evidence.cause, 'learning-rate');
  });
  test('...its cause: a validation set whose sampling error explains the spikes, or a small batch', () => {
    const small = new Run(MLP, { validationSamples: 100 }).epochs(logs(noisy, 0.7, 0.7)).diagnose();
    assert.equal(small[0].evidence.cause, 'validation-set');
    assert.match(small[0].advice![0], /Validate on more samples than 100/);
    const batch = new Run(MLP, { validationSamples: 5000, batchSize: 4 }).epochs(logs(noisy, 0.7, 0.7)).diagnose();
    assert.equal(batch[0].evidence.cause, 'batch-size');
    assert.match(batch[0].advice![0], /larger batches than 4/);
  });
  test('...and once that best goes stale, raised again as a warning that replaces the info', () => {
    // the info above, then three epochs that jump without beating 0.6
    const run = new Run(MLP, { validationSamples: 5000 }).epochs(logs([...noisy, 0.75, 0.64, 0.8], 0.7, 0.7));
    const e = new DiagnosisEngine();
    const raised = run.events.flatMap(x => e.observe(x)).filter(f => f.source === 'runtime');
    assert.deepEqual(
      raised.map(f => [f.code, f.severity]),
      [
        ['noisy-validation', 'info'],
        ['noisy-validation', 'warning'],
      ],
    );
    assert.deepEqual(
      run.diagnose().map(f => [f.code, f.severity]),
      [['noisy-validation', 'warning']],
      'one finding',
    );
    // what a reader of the run keeps (summary, findings.json, dashboard, Problems): the warning, with what the info explained
    const explains = [{ code: 'loss-not-decreasing', message: 'stalled' }];
    const kept = addFinding(addFinding([], { ...raised[0], explains }), raised[1]);
    assert.deepEqual(
      kept.map(f => [f.code, f.severity, f.explains?.length]),
      [['noisy-validation', 'warning', 1]],
    );
  });
  test('...a warning once its best is 3 epochs old; a single spike is not a finding', () => {
    const stale = new Run().epochs(logs([0.6, 0.8, 0.65, 0.85, 0.66, 0.9, 0.7], 0.7, 0.7)).diagnose();
    assert.deepEqual(codes(stale), ['noisy-validation']);
    assert.equal(stale[0].severity, 'warning');
    assert.deepEqual(new Run().epochs(logs([1.0, 0.8, 0.95, 0.7, 0.65, 0.6], 0.7, 0.7)).diagnose(), []);
  });
});

describe('an overshooting training is named before what it does to the curves', () => {
  // full-batch gradient descent at lr 8 (bench job oscillating-gd-validation): the loss climbs to 5x its first value
  // in three epochs, then falls with the training accuracy rising and falling on the way
  const loss = [1.88, 2.18, 5.82, 9.71, 9.22, 5.88, 3.35, 5.78, 3.8, 1.93];
  const acc = [0.11, 0.46, 0.34, 0.34, 0.39, 0.53, 0.62, 0.59, 0.73, 0.85];
  const fullBatch = { epochs: 24, stepsPerEpoch: 1, batchSize: 480 };
  test('a loss that rose while the accuracy swings is oscillating-loss at the judgment point, not loss-not-decreasing', () => {
    const logs = loss.map((l, i) => ({ loss: l, acc: acc[i] }));
    const early = new Run(MLP, fullBatch).epochs(logs.slice(0, 7)).diagnose();
    assert.deepEqual(early, [], 'five epochs without a better loss, but it rose: held until the history is judged');
    const f = new Run(MLP, fullBatch).epochs(logs.slice(0, 8)).diagnose();
    assert.deepEqual(codes(f), ['oscillating-loss']);
    // the same rise without the swings is a loss that does not decrease
    const steady = loss.map(l => ({ loss: l, acc: 0.3 }));
    assert.deepEqual(codes(new Run(MLP, fullBatch).epochs(steady.slice(0, 5)).diagnose()), ['loss-not-decreasing']);
  });
  test('a validation loss that rises after an oscillating training is kept as evidence, not raised as overfitting', () => {
    // the run goes on: the swings settle, the training loss reaches new lows, the validation loss climbs from its best
    const later = [1.5, 1.2, 1.0, 0.8, 0.7, 0.6];
    const val = [2.2, 6.4, 10.8, 10.5, 7.4, 4.5, 6.3, 5.3, 3.0, 1.9, 2.1, 2.3, 2.5, 2.7, 2.9, 3.1];
    const trainAcc = [...acc, 0.9, 0.92, 0.93, 0.94, 0.95, 0.96];
    const logs = [...loss, ...later].map((l, i) => ({ loss: l, acc: trainAcc[i], val_loss: val[i], val_acc: 0.7 }));
    const plan = { ...fullBatch, validationSamples: 5000 };
    const e = new Run(MLP, plan).epochs(logs).engine();
    assert.deepEqual(codes(e.findings), ['oscillating-loss']);
    const held = e.suppressed.find(x => x.finding.code === 'overfitting');
    assert.equal(held?.reason, 'explained by oscillating-loss');
    // the same validation curve after a training that did not swing is overfitting
    const steady = logs.map((x, i) => ({ ...x, loss: 2 - 0.1 * i, acc: 0.5 + 0.03 * i }));
    assert.ok(codes(new Run(MLP, plan).epochs(steady).diagnose()).includes('overfitting'));
  });
  test('noisy-validation waits for the accuracy history: a training that oscillates explains the jumps', () => {
    // 30 planned epochs: the history is judged from epoch 9; the validation spikes came back by epoch 6
    const swinging = [0.3, 0.5, 0.38, 0.55, 0.42, 0.6, 0.48, 0.65, 0.52, 0.7];
    const val = [1.0, 0.8, 0.95, 0.7, 0.85, 0.6, 0.75, 0.55, 0.7, 0.5];
    const logs = val.map((v, i) => ({ loss: 1.2 - 0.05 * i, val_loss: v, acc: swinging[i], val_acc: 0.6 }));
    const plan = { epochs: 30, validationSamples: 5000 };
    assert.deepEqual(new Run(MLP, plan).epochs(logs.slice(0, 8)).diagnose(), [], 'not yet judged');
    const e = new Run(MLP, plan).epochs(logs).engine();
    assert.deepEqual(codes(e.findings), ['oscillating-loss']);
    assert.ok(e.suppressed.some(x => x.finding.code === 'noisy-validation'));
  });
});

describe('a loss held above a floor by a loss that does not fit the output', () => {
  // softmax applied twice over 4 classes: softmax(softmax(x)) keeps the cross-entropy of a one-hot label at or above
  // log(1 + 3/e) = 0.7437 however right the model is; the model ranks every sample right (accuracy 1) and the loss
  // stops at that floor
  const again = { ...dense('again', 6, 'softmax'), className: 'Activation', units: undefined, outputShape: [null, 4] };
  const twice = [...MLP, again];
  const floor = Math.log(1 + 3 / Math.E);
  const logs = Array.from({ length: 16 }, (_, i) => ({
    loss: floor + 0.4 * Math.exp(-i) + 1e-5 * (16 - i),
    acc: Math.min(1, 0.6 + 0.1 * i),
  }));
  test("the stall at the floor is kept as the mismatch's evidence, whatever the accuracy reached", () => {
    const e = new Run(twice, { epochs: 16 }).epochs(logs).engine();
    assert.deepEqual(codes(e.findings), ['label-loss-mismatch']);
    const [f] = e.findings;
    assert.equal(f.range?.start.line, 7, 'on compile(');
    assert.ok(Math.abs((f.evidence.lossFloor as number) - floor) < 1e-9, 'the floor it imposes, as evidence');
    const held = e.suppressed.find(x => x.finding.code === 'loss-not-decreasing');
    assert.equal(held?.reason, 'explained by label-loss-mismatch');
    assert.match(held!.finding.message, /stopped at the floor of 0\.7437/);
    assert.equal(held!.finding.evidence.lossFloor, f.evidence.lossFloor);
  });
  test('without the second softmax the same curve is a model that converged: no finding', () => {
    const e = new Run(MLP, { epochs: 16 }).epochs(logs).engine();
    assert.deepEqual(codes(e.findings), []);
    assert.equal(e.suppressed.length, 0);
  });
});

describe('every finding has a place, and the engine takes more rule families', () => {
  test('a layer finding whose layer has no recorded line sits on fit(, saying so', () => {
    const layers = [
      dense('d1', 3, 'relu', { location: undefined }),
      dense('d2', 4, 'relu'),
      dense('out', 5, 'softmax', { units: 4 }),
    ];
    const [f] = new Run(layers)
      .train({ d1: 1, d2: 1, out: 1 })
      .dead('d1', 80)
      .train({ d1: 1, d2: 1, out: 1 })
      .dead('d1', 80)
      .diagnose();
    assert.deepEqual([f.code, f.file, f.range?.start.line, f.evidence.placedAt], ['dead-relu', FILE, 8, 'fit']);
  });
  test('a NaN loss on the first step says there was no finite loss before it', () => {
    const [f] = new Run().train({ d1: null, d2: null, out: null }, null).diagnose();
    assert.match(f.message, /no finite loss before it/);
    assert.doesNotMatch(f.message, /last finite loss NaN/);
  });
  test('engine.use(family): a family sees every event and raises through the same root-cause rules', () => {
    const seen: string[] = [];
    const family: RuleFamily = {
      observe(e, api) {
        seen.push(e.kind);
        if (e.kind === 'fit-start')
          api.raise(
            api.make('custom-check', 'warning', 'A check that runs at fit start on the real model.', {
              location: api.ctx.fitSite,
              evidence: { value: 1, threshold: 0 },
              rule: 'a test rule',
              fromStep: 0,
              toStep: 0,
            }),
          );
      },
    };
    const engine = new DiagnosisEngine().use(family);
    new Run().train(healthy).events.forEach(e => engine.observe(e));
    assert.deepEqual(seen, ['fit-start', 'batch', 'grad-norms']);
    assert.deepEqual(codes(engine.findings), ['custom-check']);
    assert.equal(engine.findings[0].range?.start.line, 8);
  });
});

describe('slow convergence in a short run: an accuracy that creeps up', () => {
  // plain SGD at a twentieth of its default for 8 epochs: the loss falls 0.8% an epoch, the accuracy creeps
  const logs = (acc: number[]) => acc.map((a, i) => ({ loss: 1.258 - 0.009 * i, acc: a }));
  const run = (acc: number[]) => new Run(MLP, { epochs: 8, lr: 0.0005 }).epochs(logs(acc)).diagnose();
  test('epoch after epoch: slow-convergence, the steps too small for the planned epochs', () => {
    const f = run([0.342, 0.343, 0.346, 0.352]);
    assert.deepEqual(codes(f), ['slow-convergence']);
    assert.equal(f[0].evidence.criterion, 'pace');
  });
  test('...also when one epoch lost a sample or two, as long as the accuracy rises beyond chance ordering', () => {
    const f = run([0.342, 0.34, 0.345, 0.357, 0.36]);
    assert.deepEqual(codes(f), ['slow-convergence']);
  });
  test('an accuracy that goes up and down without a trend is not a step too small', () => {
    assert.deepEqual(run([0.342, 0.36, 0.34, 0.358, 0.345]), []);
  });
});
