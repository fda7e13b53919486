/**
 * The curve rules keep their curves up to date an epoch at a time (src/detectors/rules/epochCurves.ts) instead of
 * re-walking every epoch at every epoch. These tests hold the incremental figures to the whole-array expressions they
 * replace, and the engine's findings to those of curve rules rebuilt from scratch at every epoch, on long random runs
 * of every shape the rules judge (overfitting, spikes, oscillation, plateaus, NaN and missing values).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosisEngine, RULE_FAMILIES } from '../../src/detectors/engine';
import { DEFAULT_DIAGNOSIS } from '../../src/detectors/settings';
import { CurveRules, peakTroughPairs } from '../../src/detectors/rules/curves';
import { spikes, accuracyNoise } from '../../src/detectors/rules/curveMath';
import { EpochCurves } from '../../src/detectors/rules/epochCurves';
import { RunContext, type EpochRecord } from '../../src/detectors/context';
import { firstEpochFrom } from '../../src/detectors/epochIndex';
import type { RuleFamily } from '../../src/detectors/rules/types';
import { Run } from './diagnosisRun';
import { seededRandom } from '../../src/toolkit/random';

/** a seeded generator: the same runs every time */
const random = seededRandom;

/** Per-epoch logs of a random run: a falling loss, maybe overfitting, spikes, an oscillating accuracy, odd values. */
export function randomLogs(seed: number, epochs: number): Array<Record<string, number | null>> {
  const r = random(seed);
  const turn = r() < 0.5 ? Math.floor(r() * epochs) : Infinity; // where the validation loss starts to rise
  const spikeRate = r() < 0.5 ? r() * 0.3 : 0;
  const swing = r() < 0.4 ? 0.05 + r() * 0.3 : 0;
  const flat = r() < 0.2;
  const odd = r() < 0.15 ? Math.floor(r() * epochs) : -1; // one epoch with a NaN, null or -0
  const logs: Array<Record<string, number | null>> = [];
  for (let i = 0; i < epochs; i++) {
    const loss = flat ? 1.4 + 0.001 * r() : 2 * Math.exp(-i / (epochs / 3)) + 0.05 * r();
    let val = loss * 1.1 + (i > turn ? 0.02 * (i - turn) : 0) + 0.02 * r();
    if (r() < spikeRate) val *= 1.5 + r();
    const acc = Math.min(1, Math.max(0, 0.3 + (0.6 * i) / epochs + (i % 2 ? swing : -swing) * r()));
    const l: Record<string, number | null> = {
      loss,
      val_loss: val,
      acc: Math.round(acc * 1000) / 1000,
      val_acc: Math.round((acc - 0.1 * (i > turn ? 1 : 0)) * 1000) / 1000,
    };
    if (i === odd) l[['loss', 'val_loss', 'acc'][seed % 3]] = [NaN, null, -0][(seed >> 2) % 3];
    logs.push(l);
  }
  return logs;
}

function runOf(seed: number, epochs: number): Run {
  const r = random(seed * 7 + 1);
  const run = new Run(undefined, {
    epochs: r() < 0.3 ? Math.ceil(epochs * 1.5) : epochs,
    validationSamples: r() < 0.5 ? Math.floor(50 + r() * 2000) : undefined,
    batchSize: r() < 0.3 ? 8 : 32,
  });
  return run.epochs(randomLogs(seed, epochs));
}

test('the incremental curves equal the whole-array expressions they replace, at every epoch', () => {
  const s = DEFAULT_DIAGNOSIS;
  for (let seed = 1; seed <= 40; seed++) {
    const ctx = new RunContext();
    const run = runOf(seed, 60);
    const curves = new EpochCurves();
    for (const e of run.events) {
      if (e.kind === 'fit-start') ctx.startFit(e);
      if (e.kind !== 'epoch') continue;
      ctx.onEpoch({ epoch: e.epoch, step: e.step, logs: e.logs });
      curves.sync(ctx, s);
      const n = ctx.epochs.length;
      const at = `seed ${seed}, epoch ${n}`;
      for (const [curve, key] of [
        [curves.loss, 'loss'],
        [curves.val, 'val_loss'],
      ] as const) {
        const xs = ctx.epochs.map(x => x.logs[key]);
        assert.equal(
          curve.numbers,
          xs.every(x => typeof x === 'number'),
          at,
        );
        if (!curve.numbers) continue;
        const v = xs as number[];
        assert.ok(Object.is(curve.min[n - 1], Math.min(...v)), `${at}: ${key} min`);
        assert.equal(curve.at[n - 1], v.indexOf(Math.min(...v)), `${at}: ${key} argmin`);
      }
      if (curves.val.numbers) {
        const v = ctx.epochs.map(x => x.logs.val_loss as number);
        assert.deepEqual(curves.valSpikes, spikes(v, s.noisyValidationSwing), `${at}: spikes`);
        assert.equal(curves.spikeEpochs, curves.valSpikes.map(x => x.epoch + 1).join(', '), `${at}: spike epochs`);
      }
      const acc = ctx.epochs.map(x => x.logs.acc);
      if (!acc.every(x => typeof x === 'number')) continue;
      const a = acc as number[];
      const gains = a.slice(1).map((x, i) => x - a[i]);
      assert.ok(Object.is(curves.maxGain, Math.max(...gains)), `${at}: max gain`);
      assert.equal(
        curves.gainsRise,
        gains.every(g => g >= 0),
        `${at}: gains rise`,
      );
      const pairs = peakTroughPairs(a);
      const samples = 10 * (ctx.fit?.batchSize ?? 0);
      const big = pairs.filter(
        ([x, y]) => Math.abs(x - y) >= Math.max(s.oscillationSwing, accuracyNoise(x, y, samples, s.oscillationNoiseZ)),
      ).length;
      assert.equal(curves.bigSwings, big, `${at}: big swings`);
      assert.ok(Object.is(curves.maxSwing, Math.max(...pairs.map(([x, y]) => Math.abs(x - y)))), `${at}: max swing`);
    }
  }
});

/** the engine's rule families with the curve rules rebuilt from scratch at every event (no state kept between) */
function fromScratch(): RuleFamily[] {
  const families = RULE_FAMILIES.map(f => f(DEFAULT_DIAGNOSIS));
  const i = families.findIndex(f => f instanceof CurveRules);
  assert.ok(i >= 0, 'the engine runs the curve rules');
  families[i] = { observe: (e, api) => new CurveRules().observe(e, api) };
  return families;
}

test('the engine raises the same findings as curve rules rebuilt at every epoch, on long runs', () => {
  let findings = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const run = runOf(seed, 150);
    const incremental = new DiagnosisEngine();
    const scratch = new DiagnosisEngine({}, fromScratch());
    for (const e of run.events)
      assert.deepEqual(incremental.observe(e), scratch.observe(e), `seed ${seed}, event ${e.seq}`);
    assert.deepEqual(incremental.finish(), scratch.finish(), `seed ${seed}: finish`);
    assert.deepEqual(incremental.suppressed, scratch.suppressed, `seed ${seed}: suppressed`);
    findings += incremental.findings.filter(f => f.source === 'runtime').length;
  }
  // the runs do bring the curve rules' findings out (a comparison of nothing proves nothing)
  assert.ok(findings >= 20, `${findings} findings`);
});

test('the first epoch at or after a step is the one findIndex finds, steps in any order', () => {
  const r = random(3);
  for (let run = 0; run < 20; run++) {
    const epochs: EpochRecord[] = [];
    for (let i = 0; i < 80; i++) {
      epochs.push({
        epoch: i,
        step: r() < 0.05 ? NaN : Math.floor(r() < 0.8 ? i * 10 + r() * 15 : r() * 800),
        logs: {},
      });
      for (const step of [-1, 0, NaN, Math.floor(r() * 900), epochs[i].step, i * 10])
        assert.equal(
          firstEpochFrom(epochs, step),
          epochs.findIndex(e => e.step >= step),
          `run ${run}, step ${step}`,
        );
    }
  }
});
