/**
 * The diagnosis bench's figures: an expected finding whose symptom did not show in the run (the independent check saw
 * nothing) is neither missed nor found, and a finding raised for it is neither a true nor a false positive.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding, RunEvent } from '../../src/protocol';
import { figures, confusion, summaryLine, type Scored } from '../../bench/diagnosis/lib/figures';
import { score, type FixtureSpec } from '../../bench/diagnosis/lib/manifest';
import { measure, symptomShown } from '../../bench/diagnosis/lib/symptoms';

const finding = (code: string, line: number) =>
  ({
    code,
    severity: 'warning',
    source: 'runtime',
    message: code,
    range: { start: { line, character: 0 }, end: { line, character: 1 } },
  }) as unknown as Finding;

function scored(job: string, expected: string[], raised: Finding[], shown: boolean[], latency?: number): Scored {
  const spec: FixtureSpec = {
    job,
    healthy: expected.length === 0,
    problem: job,
    expected: expected.map(code => ({ code, line: 3, onset: 1 })),
  } as FixtureSpec;
  const sc = score(spec.expected, raised);
  sc.matches.forEach((m, i) => (m.shown = shown[i]));
  return {
    spec,
    half: 'test',
    runtime: raised,
    info: [],
    score: sc,
    latencies: sc.matches.map(m => (m.found ? latency : undefined)),
  };
}

test('a symptom that did not show is left out of recall, precision and latency; counting it as a miss is printed apart', () => {
  const results = [
    scored('found.train.ts', ['oscillating-loss'], [finding('oscillating-loss', 3)], [true], 0),
    scored('missed.train.ts', ['overfitting'], [], [true]),
    scored('quiet-run.train.ts', ['oscillating-loss'], [], [false]),
    scored('quiet-but-raised.train.ts', ['dead-relu'], [finding('dead-relu', 3)], [false], 9),
    scored('healthy.train.ts', [], [finding('noisy-validation', 5)], []),
  ];
  const f = figures(results);
  assert.equal(f.notShown, 2);
  assert.equal(f.expected, 2);
  assert.equal(f.found, 1);
  assert.equal(f.recall, 0.5);
  assert.equal(f.recallNotShownMissed, 0.25);
  // reported: the found one and the healthy job's false positive; the finding raised on a quiet run is not counted
  assert.equal(f.reported, 2);
  assert.equal(f.truePositive, 1);
  assert.equal(f.latencyMax, 0, 'the latency of a finding for a symptom that did not show is not counted');
  assert.equal(f.healthyClean, 0);
  const m = confusion(results);
  assert.equal(m.get('dead-relu'), undefined);
  assert.equal(m.get('oscillating-loss')?.get('oscillating-loss'), 1);
  assert.equal(m.get('oscillating-loss')?.get('none'), undefined);
  assert.match(summaryLine(f), /recall 1\/2 = 0\.500 \(2 left out: did not show; as misses 0\.250\)/);
});

test('a check that cannot judge the run keeps the expected finding in the figures (a miss stays a miss)', () => {
  // no data probe: the data pitfall cannot be judged, so it counts
  assert.equal(symptomShown(measure([], 'class-imbalance')), true);
  // a code the checks do not measure
  assert.equal(symptomShown(measure([], 'no-such-code')), true);
  // a fit whose training accuracy never swung: oscillation did not show
  const fit = { kind: 'fit-start', fitIndex: 0, epochs: 3, layers: [] } as unknown as RunEvent;
  const epoch = (e: number) => ({ kind: 'epoch', epoch: e, step: e, logs: { loss: 1 - e / 10, acc: 0.5 + e / 10 } });
  const flat = [fit, ...[0, 1, 2].map(epoch)] as RunEvent[];
  assert.equal(symptomShown(measure(flat, 'oscillating-loss')), false);
});

test('an expected symptom is found by a cause that explains it, placed where the symptom was seen', () => {
  const expected = [{ code: 'loss-not-decreasing', line: 13, onset: 9 }];
  const symptom = { code: 'loss-not-decreasing', message: 'stalled', epoch: 9, location: { file: 'job.ts', line: 13 } };
  const cause = { ...finding('label-loss-mismatch', 13), explains: [symptom] } as Finding;
  const sc = score(expected, [cause]);
  assert.equal(sc.matches[0].found, cause);
  assert.deepEqual(sc.matches[0].explained, symptom);
  assert.equal(sc.matches[0].localized, true);
  assert.deepEqual(sc.falsePositives, [], 'the cause is the diagnosis of the expected problem, not a false positive');

  // the same cause without the symptom as evidence: a miss and a false positive
  const silent = score(expected, [finding('label-loss-mismatch', 13)]);
  assert.equal(silent.matches[0].found, undefined);
  assert.equal(silent.falsePositives.length, 1);

  // a symptom of another layer is not the expected one
  const other = { ...finding('dead-relu', 5), explains: [{ ...symptom, code: 'vanishing-gradient', layer: 'b' }] };
  const layered = score([{ code: 'vanishing-gradient', layer: 'a', line: 5, onset: 1 }], [other as Finding]);
  assert.equal(layered.matches[0].found, undefined);

  // a cause that is itself expected also finds the symptom it explains
  const both = score([{ code: 'label-loss-mismatch', line: 13, onset: 0 }, ...expected], [cause]);
  assert.equal(both.matches[0].found, cause);
  assert.equal(both.matches[1].found, cause);
  assert.deepEqual(both.falsePositives, []);
});
