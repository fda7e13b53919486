// Scenario 9 (runtime diagnosis, "Try the fix"): train the dead-ReLU job (SGD momentum at lr 0.3 kills most relu1/relu2
// units) from its code lens ->
// - the Problems panel gets a runtime `dead-relu` entry (source "Training Lens") on the relu1 or relu2 layer's line,
//   the message naming that layer;
// - "Training Lens: Try the Fix" is in the command palette and offers the finding's fix;
// - Quick Fix on that line offers "Try the fix: Lower the learning rate 0.3 → 0.03 (train a copy, compare runs)";
//   choosing it trains a patched copy: the dashboard overlays both runs (twice the loss series, a run list with the
//   "try: …" run) and the job file on disk is unchanged.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { waitUntil, withWorkbench, type DashboardState } from './lib/workbench.ts';
import {
  env,
  lineOf,
  readRun,
  runIds,
  runListOf,
  stopQuietly,
  trainViaLens,
  trustedWindow,
  useBrowser,
  waitForNewRun,
  waitForRunEnd,
  type RunListEntry,
} from './lib/training.ts';
import {
  goToLine,
  openQuickFix,
  paletteHasCommand,
  pickCodeAction,
  problemKey,
  showProblems,
  waitForProblem,
} from './lib/editor.ts';

const browser = useBrowser();

const JOB = 'jobs/dead-relu.ts';
const FIX = 'Lower the learning rate 0.3 → 0.03';
const TRY_ACTION = `Try the fix: ${FIX} (train a copy, compare runs)`;
const TRY_COMMAND = 'Training Lens: Try the Fix';

const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

test('9. runtime diagnosis: dead-relu in Problems, "Try the fix" trains a copy and overlays both runs', async t => {
  const file = path.join(env.workspace, JOB);
  const layerLines = new Map([
    [lineOf(file, "name: 'relu1'"), 'relu1'],
    [lineOf(file, "name: 'relu2'"), 'relu2'],
  ]);
  const hash = sha(file);
  await withWorkbench(t, browser(), trustedWindow(), async wb => {
    try {
      // train from the code lens above fit(
      const before = runIds(env.workspace);
      const runId = await trainViaLens(wb, JOB);
      const end = await waitForRunEnd(env.workspace, runId, 120_000);
      assert.equal(end.status, 'ok', `the dead-ReLU run ends normally: ${JSON.stringify(end)}`);
      const findings = readRun(env.workspace, runId).events.filter(e => e.kind === 'finding');
      t.diagnostic(
        `run ${runId}: ${findings.length} finding events: ${JSON.stringify(findings.map(e => e.finding as { code?: string; layer?: string }).map(f => `${f.code}@${f.layer}`))}`,
      );

      // the single-run dashboard, finished: its loss chart's series count is the reference
      const single = await wb.waitForDashboard(
        'the finished run in the dashboard',
        s => s.status === 'ok' && (s.charts.loss?.points ?? 0) > 0,
        30_000,
      );
      const singleSeries = single.charts.loss.series;
      t.diagnostic(`single run: loss chart ${JSON.stringify(single.charts.loss)}`);
      assert.ok(singleSeries > 0);

      // the Problems panel: a runtime dead-relu entry on relu1's or relu2's line, naming that layer
      await showProblems(wb);
      const problem = await waitForProblem(
        wb,
        'a dead-relu entry on the relu1/relu2 line in the Problems panel',
        p =>
          p.file === 'dead-relu.ts' && p.source === 'Training Lens' && p.code === 'dead-relu' && layerLines.has(p.line),
        30_000,
      );
      const layer = layerLines.get(problem.line)!;
      t.diagnostic(`problem: ${problemKey(problem)} ${problem.severity}: ${problem.message.slice(0, 160)}…`);
      assert.ok(
        problem.message.includes(layer),
        `the message names ${layer} (the layer on line ${problem.line}): ${problem.message}`,
      );
      await wb.screenshot('09-dead-relu-problem');

      // the palette command exists and offers the finding's fix (then dismissed: the quick fix is what we choose)
      assert.ok(await paletteHasCommand(wb, TRY_COMMAND), `"${TRY_COMMAND}" is in the command palette`);
      await wb.runCommand(TRY_COMMAND);
      const offered = await wb.waitQuickPickLabels();
      t.diagnostic(`${TRY_COMMAND} offers: ${JSON.stringify(offered)}`);
      assert.ok(offered.includes(FIX), `the Try the Fix picker offers "${FIX}"`);
      await wb.closeQuickInput();
      assert.deepEqual(
        runIds(env.workspace).filter(id => !before.includes(id)),
        [runId],
        'dismissing the picker starts nothing',
      );

      // Quick Fix on the layer's line: "Try the fix: Lower the learning rate 0.3 → 0.03 (train a copy, compare runs)"
      await goToLine(wb, problem.line, problem.column + 1);
      const titles = await openQuickFix(wb, TRY_ACTION);
      t.diagnostic(`quick fixes on line ${problem.line}: ${JSON.stringify(titles)}`);
      await wb.screenshot('09-try-fix-menu');
      const beforeTry = runIds(env.workspace);
      await pickCodeAction(wb, TRY_ACTION);

      // a second run starts (the patched copy) and ends
      const tryId = await waitForNewRun(env.workspace, beforeTry);
      const tryEnd = await waitForRunEnd(env.workspace, tryId, 120_000);
      t.diagnostic(`try run ${tryId}: ${tryEnd.status}`);
      assert.equal(tryEnd.status, 'ok');

      // the dashboard overlays both runs: twice the loss series, and a run list with both runs
      const overlay = await waitUntil(
        'the dashboard to overlay both runs',
        async () => {
          for (const f of wb.dashboardFrames()) {
            const state = await wb.frameState(f);
            const list = await runListOf(f);
            if (
              state &&
              list &&
              list.length === 2 &&
              state.charts.loss?.series === 2 * singleSeries &&
              list.every(r => r.status === 'ok')
            ) {
              return { f, state, list };
            }
          }
          return null;
        },
        60_000,
      ).catch(async err => {
        const seen: { state: DashboardState | null; list: RunListEntry[] | null }[] = [];
        for (const f of wb.dashboardFrames()) seen.push({ state: await wb.frameState(f), list: await runListOf(f) });
        throw new Error(
          `${err.message}; dashboards: ${JSON.stringify(seen.filter(s => s.state).map(s => ({ loss: s.state!.charts.loss, status: s.state!.status, runs: s.list })))}`,
        );
      });
      t.diagnostic(`overlay: loss ${JSON.stringify(overlay.state.charts.loss)}, runs ${JSON.stringify(overlay.list)}`);
      const labels = overlay.list.map(r => r.label);
      assert.ok(labels.includes(`try: ${FIX}`), `one run is labelled "try: ${FIX}": ${JSON.stringify(labels)}`);
      assert.deepEqual(
        new Set(overlay.list.map(r => r.runId)),
        new Set([runId, tryId]),
        'the list holds the original run and the try run',
      );
      // screenshot: hide the Problems panel and bring the overlaid loss chart into view
      await wb.runCommand('View: Hide Panel', 10_000).catch(() => undefined);
      await overlay.f
        .evaluate(() => document.querySelector('section.chart[data-chart="loss"]')?.scrollIntoView({ block: 'center' }))
        .catch(() => undefined);
      await wb.afterPaint(overlay.f);
      await wb.screenshot('09-try-fix');

      // the job file on disk was not touched (the copy was patched in memory)
      assert.equal(sha(file), hash, `${JOB} on disk is unchanged`);
    } finally {
      await stopQuietly(wb);
    }
  });
});
