// Scenario 13: a job using the training-lens toolkit (Nadam with clipNorm, the 1cycle schedule) trains from the
// palette in a workspace that has no node_modules at all (the runner provides 'training-lens' and tfjs), and the
// dashboard shows what the toolkit did: the global gradient norm before/after clipping with its threshold, the
// learning rate rising then falling, and the momentum (Nadam's β1) moving the other way.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { waitUntil, withWorkbench } from './lib/workbench.ts';
import type { RunEvent } from '../../src/protocol';
import {
  env,
  readRun,
  runIds,
  trainViaPalette,
  trustedWindow,
  useBrowser,
  waitForNewRun,
  waitForRunEnd,
} from './lib/training.ts';

const browser = useBrowser();
const JOB = 'jobs/toolkit.ts';
const CLIP = 1;

const SOURCE = `import * as tf from '@tensorflow/tfjs';
import { nadam, schedules } from 'training-lens';

// unnormalized inputs (scale 20): the first gradients are long, so clipping has work to do
const n = 192, dims = 8, classes = 3;
const labels = tf.tensor1d(Array.from({ length: n }, (_, i) => i % classes), 'int32');
const centers = tf.randomNormal([classes, dims], 0, 20, 'float32', 7);
const xs = tf.gather(centers, labels).add(tf.randomNormal([n, dims], 0, 5, 'float32', 11));
const ys = tf.oneHot(labels, classes);
const model = tf.sequential({
  layers: [
    tf.layers.dense({ units: 16, activation: 'relu', inputShape: [dims], kernelInitializer: tf.initializers.heNormal({ seed: 1 }) }),
    tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
  ],
});
model.compile({ optimizer: nadam(1e-3, { clipNorm: ${CLIP} }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 4, batchSize: 16, callbacks: [schedules.oneCycle({ maxLr: 0.02 })] });
`;

test('13. a toolkit job (Nadam + clipNorm + 1cycle): the dashboard shows clipped norms, the lr cycle and momentum', async t => {
  fs.writeFileSync(path.join(env.workspace, JOB), SOURCE);
  await withWorkbench(t, browser(), trustedWindow(), async wb => {
    const before = runIds(env.workspace);
    await trainViaPalette(wb, JOB);
    const runId = await waitForNewRun(env.workspace, before);
    const end = await waitForRunEnd(env.workspace, runId, 120_000);
    assert.ok(end.kind === 'run-end' && end.status === 'ok', `the run ended ok: ${JSON.stringify(end)}`);

    // on disk: every step clipped to the threshold or below, the rate cycled, the momentum moved opposite
    const events = readRun(env.workspace, runId).events as unknown as RunEvent[];
    const clips = events.flatMap(e => (e.kind === 'grad-norms' && e.clip ? [e.clip] : []));
    assert.ok(
      clips.length > 0 &&
        clips.every(c => c.mode === 'norm' && c.threshold === CLIP && (c.postNorm ?? Infinity) <= CLIP + 1e-5),
      'clip recorded at every step, post-clip norm ≤ threshold',
    );
    assert.ok(
      clips.some(c => (c.preNorm ?? 0) > CLIP * 1.5),
      'some steps were really clipped',
    );
    const batches = events.flatMap(e => (e.kind === 'batch' ? [e] : []));
    const peak = batches.reduce((a, b) => ((b.lr ?? 0) > (a.lr ?? 0) ? b : a));
    assert.ok(
      peak.step > 0 && peak.step < batches.length - 1 && (batches.at(-1)!.lr ?? 1) < (batches[0].lr ?? 0),
      `the rate rises to step ${peak.step}, then falls below where it started`,
    );
    assert.equal(
      batches.reduce((a, b) => ((b.momentum ?? 1) < (a.momentum ?? 1) ? b : a)).step,
      peak.step,
      'momentum lowest where the rate peaks',
    );

    // in the dashboard: the clip chart (before, after, threshold), the lr chart and the momentum chart, with every step
    const shown = await wb.waitForDashboard(
      'the toolkit charts filled',
      s =>
        s.status === 'ok' &&
        (s.charts['grad-clip']?.points ?? 0) >= clips.length &&
        (s.charts.momentum?.points ?? 0) >= batches.length &&
        (s.charts.lr?.points ?? 0) >= batches.length,
      60_000,
    );
    t.diagnostic(`charts: ${JSON.stringify(['grad-clip', 'lr', 'momentum'].map(c => shown.charts[c]))}`);
    assert.ok(shown.charts['grad-clip'].series >= 2, 'pre- and post-clip norm series');
    const frame = await waitUntil(
      'the dashboard frame',
      async () => {
        for (const f of wb.dashboardFrames())
          if (
            await f
              .locator('section.chart[data-chart="grad-clip"]')
              .count()
              .catch(() => 0)
          )
            return f;
        return null;
      },
      15_000,
    );
    const clipText = (await frame.locator('section.chart[data-chart="grad-clip"]').innerText()).toLowerCase();
    assert.match(clipText, /before/);
    assert.match(clipText, /after/);
    await frame.locator('section.chart[data-chart="grad-clip"]').scrollIntoViewIfNeeded();
    await wb.afterPaint(frame);
    await wb.screenshot('13-toolkit-dashboard');
  });
});
