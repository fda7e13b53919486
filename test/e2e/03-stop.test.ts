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
  readRunEnd,
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
      // Each condition has its own poller, so that one slow query (the dashboard's, into the webview) does not
      // delay the time another is seen at.
      const since = async <T>(what: string, fn: () => Promise<T> | T) => {
        const value = await waitUntil(what, fn, 15_000, 25);
        return { value, ms: Date.now() - t0 };
      };
      const [end, cleared, dash] = await Promise.all([
        since('the run-end on disk', () => readRunEnd(env.workspace, runId)),
        since('the status bar item to clear', async () => (await wb.trainingLensStatusItems()).length === 0),
        since('the dashboard to show cancelled', async () =>
          (await wb.dashboards()).find(d => d.status === 'cancelled'),
        ),
      ]);
      // The extension logs when the command reached it (Output channel, with the time). VS Code's own dispatch,
      // palette to extension host, took from 30 ms to 2.7 s on this 2-core machine while training and drawing
      // saturated it, and so did its way back to the window (status bar, webview): the 2 s are what Training Lens
      // takes to end the run from the command; the window must show it within 3 s of the command, and all of it
      // may take 8 s from the palette.
      const requested = await waitUntil(
        'the "stop requested" line in the Output channel',
        () => {
          const m = new RegExp(`^(\\S+ \\S+) \\[info\\] Run ${runId}: stop requested$`, 'm').exec(
            wb.outputChannelText('Training Lens'),
          );
          return m ? Date.parse(m[1].replace(' ', 'T')) - t0 : null; // local time, as VS Code writes it
        },
        10_000,
      );
      // the child's own clock: when it wrote its run-end
      const startedAt = Date.parse(String(readRun(env.workspace, runId).events[0]?.startedAt));
      const childEnd = startedAt + end.value.t - t0;
      const shown = Math.max(cleared.ms, dash.ms);
      const timeline =
        `from choosing Stop: command reached the extension ${requested} ms, child wrote run-end ${childEnd} ms, ` +
        `run-end on disk ${end.ms} ms, status bar cleared ${cleared.ms} ms, dashboard cancelled ${dash.ms} ms`;
      t.diagnostic(
        `run ended ${end.ms - requested} ms and the window showed it ${shown - requested} ms after the command ` +
          `reached the extension (${shown} ms in all; ${timeline})`,
      );
      assert.equal(end.value.status, 'cancelled', 'run-end status on disk');
      assert.ok(end.ms - requested <= 2000, `the run ended within 2 s of the Stop command (${timeline})`);
      assert.ok(shown - requested <= 3000, `status bar cleared and dashboard cancelled within 3 s (${timeline})`);
      assert.ok(shown <= 8000, `all of it within 8 s of choosing Stop in the palette (${timeline})`);
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
        () => readRunEnd(env.workspace, runId) ?? null,
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
