// Scenario 3: Stop — the run ends within 2 s, the status bar clears, the run is marked cancelled.
// This run is started from the code lens (trainingLens.trainFile), the other way in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitUntil, withWorkbench } from './lib/workbench.ts';
import {
  CMD,
  env,
  liveStatus,
  readRun,
  runIds,
  stopQuietly,
  trainViaLens,
  trustedWindow,
  useBrowser,
  waitForNewRun,
} from './lib/training.ts';

const browser = useBrowser();

test('3. Stop ends the run within 2 s, clears the status bar and marks the run cancelled', async t => {
  await withWorkbench(t, browser(), trustedWindow(), async wb => {
    try {
      const runId = await trainViaLens(wb, 'jobs/long.ts');
      // wait until it is really training (batches flowing) before stopping
      await wb.waitForDashboard(
        'the run to be training',
        s => s.status === 'running' && (s.charts.loss?.points ?? 0) > 0,
        60_000,
      );
      await waitUntil('the status bar item', () => liveStatus(wb), 15_000);
      assert.equal(readRun(env.workspace, runId).end, undefined, 'run still live before Stop');

      // Stop through the command palette; the clock starts when the command is chosen
      await wb.openCommandPalette();
      await wb.quickInput().locator('input').fill(`>${CMD.stop}`);
      const t0 = await (async () => {
        await wb.pickQuickItem(CMD.stop, { exact: true });
        return Date.now();
      })();
      const ended = await waitUntil(
        'the run to end after Stop',
        async () => {
          const cleared = (await wb.trainingLensStatusItems()).length === 0;
          const end = readRun(env.workspace, runId).end;
          const dash = (await wb.dashboards()).find(s => s.status === 'cancelled');
          return cleared && end && dash ? { end, ms: Date.now() - t0 } : null;
        },
        10_000,
        50,
      );
      t.diagnostic(`stopped in ${ended.ms} ms`);
      assert.equal(ended.end.status, 'cancelled', 'run-end status on disk');
      assert.ok(
        ended.ms <= 2000,
        `run ended, status bar cleared and dashboard showed cancelled within 2 s (took ${ended.ms} ms)`,
      );
      await wb.screenshot('03-stopped');
    } finally {
      await stopQuietly(wb);
    }
  });
});

test('3b. clicking the status bar item stops the run', async t => {
  await withWorkbench(t, browser(), trustedWindow(), async wb => {
    try {
      const before = runIds(env.workspace);
      await wb.runCommand(CMD.train);
      await wb.pickQuickItem('jobs/long.ts', { exact: true });
      const runId = await waitForNewRun(env.workspace, before);
      await waitUntil('the status bar item', () => liveStatus(wb), 30_000);
      const item = wb.page.locator('.part.statusbar .statusbar-item[id^="training-lens.training-lens"]').first();
      await item.locator('a, .statusbar-item-label').first().click();
      const end = await waitUntil(
        'the run to end after the click',
        () => readRun(env.workspace, runId).end ?? null,
        5000,
        50,
      );
      assert.equal(end.status, 'cancelled');
      await waitUntil(
        'the status bar item to clear',
        async () => (await wb.trainingLensStatusItems()).length === 0,
        2000,
        50,
      );
    } finally {
      await stopQuietly(wb);
    }
  });
});
