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
  type RunEvent,
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
      // When each condition was first met, so that a slow stop says where its time went.
      const firstMet: { cleared?: number; end?: number; dash?: number } = {};
      const note = (key: keyof typeof firstMet, met: unknown) => {
        if (met && firstMet[key] === undefined) firstMet[key] = Date.now() - t0;
        return met;
      };
      const ended = await waitUntil(
        'the run to end after Stop',
        async () => {
          const cleared = note('cleared', (await wb.trainingLensStatusItems()).length === 0);
          const end = note('end', readRunEnd(env.workspace, runId)) as RunEvent | undefined;
          const dash = note(
            'dash',
            (await wb.dashboards()).find(s => s.status === 'cancelled'),
          );
          return cleared && end && dash ? { end, ms: Date.now() - t0 } : null;
        },
        10_000,
        50,
      );
      // The extension logs when the command reached it (Output channel, with the time): VS Code's own dispatch,
      // palette to extension host, took from 30 ms to 1.6 s on this 2-core machine while training and drawing
      // saturated it. The 2 s are what Training Lens itself takes from there; the whole path gets a looser bound.
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
      const ours = ended.ms - requested;
      // the child's own clock: when it wrote its run-end
      const startedAt = Date.parse(String(readRun(env.workspace, runId).events[0]?.startedAt));
      const childEnd = startedAt + ended.end.t - t0;
      const timeline =
        `from choosing Stop: command reached the extension ${requested} ms, child wrote run-end ${childEnd} ms, ` +
        `first seen: status bar cleared ${firstMet.cleared} ms, run-end on disk ${firstMet.end} ms, dashboard ` +
        `cancelled ${firstMet.dash} ms`;
      t.diagnostic(
        `stopped in ${ours} ms after the command reached the extension (${ended.ms} ms in all; ${timeline})`,
      );
      assert.equal(ended.end.status, 'cancelled', 'run-end status on disk');
      assert.ok(
        ours <= 2000,
        `run ended, status bar cleared and dashboard showed cancelled within 2 s of the Stop command (took ${ours} ms; ${timeline})`,
      );
      assert.ok(ended.ms <= 5000, `within 5 s of choosing Stop in the palette (took ${ended.ms} ms; ${timeline})`);
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
