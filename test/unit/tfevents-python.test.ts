/**
 * Cross-checks with the real tools, where TRAINING_LENS_TEST_PYTHON points at a Python that has them (CI installs
 * tensorflow-cpu; tensorboard comes with it or beside it): (a) a fresh Keras logdir read by Training Lens gives every
 * value Keras' History holds; (b) TensorBoard's EventAccumulator reads a Training Lens run's tfevents and gets the
 * same scalars and histogram counts as the run's log. Each says it skipped, and why, where Python cannot.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, tempDir, runJob } from './helpers';
import { findRuns } from '../../src/tfevents/logdir';
import { readLogdirRun } from '../../src/tfevents/convert';
import type { BatchEvent, EpochEvent, HistogramEvent } from '../../src/protocol';

const PYTHON = process.env.TRAINING_LENS_TEST_PYTHON;
const SCRIPTS = path.join(ROOT, 'scripts', 'tfevents');

/** why the Python check cannot run here, or undefined when it can */
function missing(modules: string[]): string | undefined {
  if (!PYTHON) return 'TRAINING_LENS_TEST_PYTHON is not set (no Python with TensorFlow on this machine)';
  const r = spawnSync(PYTHON, ['-c', modules.map(m => `import ${m}`).join('; ')], { encoding: 'utf8' });
  if (r.status !== 0) return `${PYTHON} cannot import ${modules.join(', ')}: ${r.stderr.trim().split('\n').at(-1)}`;
  return undefined;
}

const keras = missing(['tensorflow', 'keras', 'tensorboard']);
test('a fresh Keras logdir: every epoch value Keras logged is what Training Lens reads', { skip: keras }, () => {
  const out = path.join(tempDir('tl-tfev-keras-'), 'logs');
  const r = spawnSync(PYTHON!, [path.join(SCRIPTS, 'fixtures.py'), 'keras', out, '8'], {
    encoding: 'utf8',
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
  });
  assert.equal(r.status, 0, `keras: the fixture job failed: ${r.stderr.slice(-2000)}`);
  const history = JSON.parse(fs.readFileSync(path.join(out, 'expected.json'), 'utf8')).epochs as Record<
    string,
    number[]
  >;
  const [run] = findRuns(out);
  const epochs = readLogdirRun(run).events.filter((e): e is EpochEvent => e.kind === 'epoch');
  assert.equal(epochs.length, 8, 'reader: 8 epochs expected from an 8-epoch fit');
  let compared = 0;
  for (const [key, values] of Object.entries(history)) {
    const ours = key === 'learning_rate' ? 'lr' : key;
    values.forEach((v, i) => {
      assert.equal(epochs[i].logs[ours], Math.fround(v), `reader: epoch ${i} ${key}: Keras ${v}`);
      compared++;
    });
  }
  assert.ok(compared >= 4 * 8, `cross-check: only ${compared} values compared`);
});

const tensorboard = missing(['tensorboard']);
test(
  "TensorBoard's EventAccumulator reads a Training Lens run: same scalars and histogram counts",
  { skip: tensorboard },
  async () => {
    const { handle, events, end } = await runJob('tiny.train.ts', { backend: 'cpu', runsDir: tempDir('tl-tfev-acc-') });
    assert.equal(end.status, 'ok', `runner: the tiny job failed: ${end.error?.message}`);
    const r = spawnSync(PYTHON!, [path.join(SCRIPTS, 'accumulate.py'), handle.runDir], { encoding: 'utf8' });
    assert.equal(r.status, 0, `EventAccumulator failed: ${r.stderr.slice(-2000)}`);
    const tb = JSON.parse(r.stdout) as {
      scalars: Record<string, Array<[number, number]>>;
      histograms: Record<string, Array<[number, number[], number[]]>>;
    };
    const batches = events.filter((e): e is BatchEvent => e.kind === 'batch' && e.loss !== null);
    assert.deepEqual(
      tb.scalars['batch/loss'],
      batches.map(b => [b.step, Math.fround(b.loss!)]),
      'TensorBoard: batch/loss differs from the run log',
    );
    for (const ep of events.filter((e): e is EpochEvent => e.kind === 'epoch'))
      for (const [k, v] of Object.entries(ep.logs))
        if (v !== null)
          assert.ok(
            tb.scalars[`epoch/${k}`]?.some(([s, x]) => s === ep.epoch && x === Math.fround(v)),
            `TensorBoard: epoch/${k} at epoch ${ep.epoch} missing or different`,
          );
    const hists = events.filter((e): e is HistogramEvent => e.kind === 'histogram');
    assert.ok(hists.length > 0, 'runner: no histogram to compare');
    for (const h of hists) {
      const tag = [h.of, h.layer, h.variable].filter(Boolean).join('/');
      const got = tb.histograms[tag]?.find(([s]) => s === h.step);
      assert.ok(got, `TensorBoard: histogram ${tag} at step ${h.step} missing`);
      assert.deepEqual(got[1], h.counts, `TensorBoard: histogram ${tag} at step ${h.step}: counts differ`);
    }
  },
);
