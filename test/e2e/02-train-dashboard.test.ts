// Scenario 2: Command palette -> "Training Lens: Train" -> pick the job -> the dashboard webview shows loss points
// within 60 s and the count grows; gradient-norm and dead-ReLU charts have one series per layer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitUntil, withWorkbench } from './lib/workbench.ts';
import {
  CMD,
  FIXTURE_LAYERS,
  FIXTURE_RELU_LAYERS,
  env,
  liveStatus,
  readRun,
  runIds,
  stopQuietly,
  trainViaPalette,
  trustedWindow,
  useBrowser,
  waitForNewRun,
  waitForRunEnd,
} from './lib/training.ts';

const browser = useBrowser();

test('2. Train from the command palette: live dashboard with loss, gradient norms and dead ReLUs', async t => {
  await withWorkbench(t, browser(), trustedWindow(), async wb => {
    try {
      const before = runIds(env.workspace);
      const t0 = Date.now();
      await trainViaPalette(wb, 'jobs/long.ts');

      // the dashboard panel opens (tab title starts with "Training Lens") and shows loss points within 60 s
      await waitUntil(
        'a "Training Lens" dashboard tab',
        async () => (await wb.tabTitles()).some(l => l.startsWith('Training Lens')),
        30_000,
      );
      const first = await wb.waitForDashboard(
        'loss points in the dashboard',
        s => (s.charts.loss?.points ?? 0) > 0,
        60_000,
      );
      t.diagnostic(
        `first loss points after ${Date.now() - t0} ms (${first.charts.loss.points} points, status ${first.status})`,
      );
      assert.equal(first.status, 'running');

      // ...and the count grows
      const grown = await wb.waitForDashboard(
        'the loss point count to grow',
        s => s.status === 'running' && s.charts.loss.points > first.charts.loss.points,
        30_000,
      );
      t.diagnostic(`loss points grew to ${grown.charts.loss.points}`);

      // the run lives on disk
      const runId = await waitForNewRun(env.workspace, before);
      assert.equal(readRun(env.workspace, runId).events[0]?.kind, 'run-start');

      // one series per layer: gradient norms for every Dense layer, dead units for every ReLU layer
      const charts = await wb.waitForDashboard(
        'gradient-norm and dead-ReLU charts with data',
        s => (s.charts['grad-norms']?.points ?? 0) > 0 && (s.charts['dead-relu']?.points ?? 0) > 0,
        60_000,
      );
      assert.equal(
        charts.charts['grad-norms'].series,
        FIXTURE_LAYERS,
        `grad-norms series: ${JSON.stringify(charts.charts['grad-norms'])}`,
      );
      assert.equal(
        charts.charts['dead-relu'].series,
        FIXTURE_RELU_LAYERS,
        `dead-relu series: ${JSON.stringify(charts.charts['dead-relu'])}`,
      );
      t.diagnostic(`charts: ${JSON.stringify(Object.values(charts.charts))}`);

      // the status bar shows the live run: epoch, step, loss
      const status = await waitUntil('the status bar item', () => liveStatus(wb), 15_000);
      assert.match(status, /epoch \d+\/\d+ · step \d+ · loss \d/);
      t.diagnostic(`status bar: ${status}`);
      await wb.screenshot('02-dashboard-live');

      // leave nothing running for the next scenario
      await wb.runCommand(CMD.stop);
      await waitForRunEnd(env.workspace, runId, 15_000);
    } finally {
      await stopQuietly(wb);
    }
  });
});
