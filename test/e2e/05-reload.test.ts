// Scenario 5: reload the window: Open Dashboard shows the finished run again, read back from disk.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitUntil, withWorkbench } from './lib/workbench.ts';
import {
  CMD,
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

test('5. after Reload Window, Open Dashboard shows the finished run from disk', async t => {
  await withWorkbench(t, browser(), trustedWindow(), async wb => {
    const before = runIds(env.workspace);
    await trainViaPalette(wb, 'jobs/short.ts');
    const runId = await waitForNewRun(env.workspace, before);
    const end = await waitForRunEnd(env.workspace, runId, 120_000);
    assert.equal(end.status, 'ok');
    const batches = readRun(env.workspace, runId).events.filter(e => e.kind === 'batch').length;
    const live = await wb.waitForDashboard(
      'the finished run in the dashboard',
      s => s.status === 'ok' && (s.charts.loss?.points ?? 0) > 0,
      30_000,
    );
    t.diagnostic(`live dashboard: ${live.charts.loss.points} loss points, ${batches} batch events on disk`);

    await wb.reloadWindow();
    // the dashboard panel may come back by itself (webview serializer); that is not what this scenario checks
    const restored = await waitUntil(
      'a restored dashboard',
      async () => (await wb.dashboards()).length > 0,
      10_000,
    ).catch(() => false);
    t.diagnostic(`after reload: dashboard ${restored ? 'restored' : 'not restored'} by the serializer`);
    await wb.runCommand('View: Close All Editors');
    await waitUntil('all editors closed', async () => (await wb.dashboards()).length === 0, 15_000);

    await wb.runCommand(CMD.openDashboard);
    const labels = await wb.waitQuickPickLabels();
    t.diagnostic(`saved runs: ${JSON.stringify(labels.slice(0, 5))}`);
    // "<job file name> · <start time> · <status>", newest first
    assert.match(
      labels[0],
      /^short\.ts · \d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d)? · ok$/,
      'newest run first, labelled name · start · status',
    );
    await wb.pickQuickItem(labels[0], { exact: true });

    const shown = await wb.waitForDashboard(
      'the saved run in the dashboard',
      s => s.status === 'ok' && (s.charts.loss?.points ?? 0) > 0,
      30_000,
    );
    assert.match(shown.job, /short\.ts/);
    assert.equal(shown.charts.loss.points, live.charts.loss.points, 'same loss points as the live dashboard');
    assert.equal(shown.charts['grad-norms']?.series, live.charts['grad-norms']?.series);
    await wb.screenshot('05-reloaded-dashboard');
  });
});
