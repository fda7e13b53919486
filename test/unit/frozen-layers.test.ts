/**
 * Frozen layers (transfer learning): fit-start says which layers are trainable and splits the parameter counts as
 * Keras' summary() does, and no rule reads a frozen layer's weights, gradients or units as a training problem —
 * also when a layer is frozen between two fit calls. (1) A real job (pretrain, freeze, new head) through the
 * runner; (2) the engine on hand-made event sequences where frozen layers show what would otherwise be findings.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { runJob, JOBS } from './helpers';
import type { FitStartEvent, LayerSummary } from '../../src/protocol';
import { MLP, Run, dense, codes } from './diagnosisRun';

test('a job that freezes its pretrained base trains a new head: fit-start marks the frozen layers, no finding on them', async () => {
  const { events, end } = await runJob(path.join(JOBS, 'frozen-base.train.ts'), { backend: 'cpu' });
  assert.equal(end.status, 'ok', end.error?.message);
  const [pretrain, transfer] = events.filter((e): e is FitStartEvent => e.kind === 'fit-start');
  assert.ok(pretrain && transfer, 'two fits: pretraining and the new head');
  const table = (f: FitStartEvent) => f.layers.map(l => [l.name, l.params, l.trainable, l.trainableParams]);
  // base_1: 8·32 + 32; batch norm: γ, β trainable, moving mean and variance not; base_2: 32·16 + 16; heads
  assert.deepEqual(table(pretrain), [
    ['base_1', 288, true, 288],
    ['base_bn', 128, true, 64],
    ['base_2', 528, true, 528],
    ['task_a', 68, true, 68],
  ]);
  assert.deepEqual([pretrain.totalParams, pretrain.trainableParams], [1012, 948], 'Keras: 64 non-trainable (BN stats)');
  assert.deepEqual(
    table(transfer),
    [
      ['base_1', 288, false, 0],
      ['base_bn', 128, false, 0],
      ['base_2', 528, false, 0],
      ['task_b', 51, true, 51],
    ],
    'frozen between the fits: the second fit-start says so',
  );
  assert.deepEqual([transfer.totalParams, transfer.trainableParams], [995, 51]);
  assert.deepEqual(Object.keys(transfer.variables ?? {}), ['task_b/kernel', 'task_b/bias']);

  const texts = events.flatMap(e => (e.kind === 'log' ? [e.text] : []));
  assert.ok(texts.includes('frozen base_1 unchanged: true'), `tfjs left the frozen weights alone: ${texts}`);
  const onFrozen = events.flatMap(e =>
    e.kind === 'finding' && ['base_1', 'base_bn', 'base_2'].includes(e.finding.layer ?? '') ? [e.finding.code] : [],
  );
  assert.deepEqual(onFrozen, [], 'no finding on a frozen layer');
  const codesSeen = events.flatMap(e => (e.kind === 'finding' ? [e.finding.code] : []));
  assert.ok(!codesSeen.includes('unchanged-weights'), `no unchanged-weights: ${codesSeen}`);
});

// ---------------------------------------------------------------------------------------------------------------
// The engine: each sequence raises its finding with the layer trainable, and nothing with it frozen.

const frozen = (layers: LayerSummary[], ...names: string[]) =>
  layers.map(l => (names.includes(l.name) ? { ...l, trainable: false, trainableParams: 0 } : l));

describe('no rule reports a frozen layer', () => {
  test('unchanged-weights: zero-gradient constant kernels are reported only on the trainable layer', () => {
    const zeros = MLP.map(l => ({ ...l, initializer: 'Zeros' }));
    const steps = (r: Run) => {
      for (let i = 0; i < 25; i++) r.train({ d1: 0, d2: 0, out: 0 });
      return codes(r.diagnose());
    };
    assert.deepEqual(steps(new Run(zeros)), ['unchanged-weights@d1', 'unchanged-weights@d2', 'unchanged-weights@out']);
    assert.deepEqual(steps(new Run(frozen(zeros, 'd1', 'd2'))), ['unchanged-weights@out']);
  });

  test('a stall of the trainable layers is still one finding; frozen ones neither count nor stall it', () => {
    const steps = (r: Run) => {
      for (let i = 0; i < 5; i++) r.train({ d1: 0, d2: 1, out: 1 });
      for (let i = 0; i < 25; i++) r.train({ d1: 0, d2: 0, out: 0 });
      return codes(r.diagnose());
    };
    assert.deepEqual(steps(new Run(frozen(MLP, 'd1'))), ['unchanged-weights'], 'the head stalls: reported');
    const healthy = new Run(frozen(MLP, 'd1', 'd2'));
    for (let i = 0; i < 30; i++) healthy.train({ d1: 0, d2: 0, out: 0.5 });
    assert.deepEqual(codes(healthy.diagnose()), [], 'a frozen base with zero gradient and a learning head');
  });

  test('vanishing-gradient: the first/last ratio is taken over the trainable layers', () => {
    const steps = (r: Run) => {
      for (let i = 0; i < 3; i++) r.train({ d1: 1e-4, d2: 1e-3, out: 0.1 });
      return codes(r.diagnose());
    };
    assert.deepEqual(steps(new Run(MLP)), ['vanishing-gradient@d1']);
    assert.deepEqual(steps(new Run(frozen(MLP, 'd1'))), [], 'd2/out = 0.01: no vanishing among trainable layers');
  });

  test('dead-relu and saturated-activation skip frozen layers', () => {
    const dying = (r: Run) =>
      codes(r.train({ d1: 1, d2: 1, out: 1 }).dead('d2', 95).train({ d1: 1, d2: 1, out: 1 }).dead('d2', 95).diagnose());
    assert.deepEqual(dying(new Run(MLP)), ['dead-relu@d2']);
    assert.deepEqual(dying(new Run(frozen(MLP, 'd2'))), []);

    const layers = [dense('h', 3, 'sigmoid'), dense('out', 5, 'sigmoid', { units: 1 })];
    const sat = [
      { layer: 'h', activation: 'sigmoid', saturated: 0.9 },
      { layer: 'out', activation: 'sigmoid', saturated: 0.9 },
    ];
    const pinned = (r: Run) =>
      codes(r.train({ h: 1, out: 1 }, 0.69).acts(sat).train({ h: 1, out: 1 }, 0.69).acts(sat).diagnose());
    assert.deepEqual(pinned(new Run(layers, { loss: 'binaryCrossentropy' })), ['saturated-activation@h']);
    assert.deepEqual(pinned(new Run(frozen(layers, 'h'), { loss: 'binaryCrossentropy' })), []);
  });

  test('a layer frozen between fits is skipped from that fit on, and reported again once unfrozen', () => {
    const zeros = MLP.map(l => ({ ...l, initializer: 'Zeros' }));
    const r = new Run(zeros);
    const refit = (layers: LayerSummary[], fitIndex: number) => {
      const first = r.events[0] as FitStartEvent;
      r.push({ ...first, fitIndex, layers } as FitStartEvent);
    };
    for (let i = 0; i < 3; i++) r.train({ d1: 1, d2: 1, out: 1 });
    refit(frozen(zeros, 'd1'), 1);
    for (let i = 0; i < 25; i++) r.train({ d1: 0, d2: 1, out: 1 });
    assert.deepEqual(codes(r.diagnose()), [], 'frozen in fit 2: its zero gradient is by design');
    refit(zeros, 2);
    for (let i = 0; i < 25; i++) r.train({ d1: 0, d2: 1, out: 1 });
    assert.deepEqual(codes(r.diagnose()), ['unchanged-weights@d1'], 'unfrozen in fit 3: the rule applies again');
  });
});
