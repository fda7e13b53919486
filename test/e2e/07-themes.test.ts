// Scenario 7: light and dark themes: screenshots of the dashboard in both, saved in test-artifacts/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { withWorkbench } from './lib/workbench.ts';
import { CMD, env, readRun, runIds, trainViaPalette, trustedWindow, useBrowser, waitForNewRun, waitForRunEnd } from './lib/training.ts';

const browser = useBrowser();

test('7. dashboard in light and dark themes (screenshots in test-artifacts/)', async (t) => {
  await withWorkbench(t, browser(), trustedWindow(), async (wb) => {
    // a finished run with data: reuse one on disk, or train the short job
    const finished = runIds(env.workspace).map((id) => readRun(env.workspace, id)).filter((r) => r.end?.status === 'ok');
    if (finished.length === 0) {
      const before = runIds(env.workspace);
      await trainViaPalette(wb, 'jobs/short.ts');
      await waitForRunEnd(env.workspace, await waitForNewRun(env.workspace, before), 120_000);
    } else {
      await wb.runCommand(CMD.openDashboard);
      const labels = await wb.waitQuickPickLabels();
      await wb.pickQuickItem(labels.find((l) => / · ok$/.test(l)) ?? labels[0], { exact: true });
    }
    await wb.waitForDashboard('a dashboard with data', (s) => (s.charts.loss?.points ?? 0) > 0 && s.status !== 'running', 60_000);

    const shots: Record<string, { file: string; kind: string; bg: string; color: string }> = {};
    for (const [name, theme, kind] of [
      ['light', 'Light Modern', 'vscode-light'],
      ['dark', 'Dark Modern', 'vscode-dark'],
    ] as const) {
      await wb.setColorTheme(theme);
      const s = await wb.waitForDashboard(`the dashboard in ${theme}`, (d) => d.themeKind === kind, 15_000);
      // let chart.js redraw with the new colours before the screenshot
      await wb.afterPaint(await wb.dashboardFrame((d) => d.themeKind === kind));
      const file = await wb.screenshot(`dashboard-${name}`);
      assert.ok(fs.statSync(file).size > 10_000, `${file} is a real screenshot`);
      shots[name] = { file, kind: s.themeKind, bg: s.editorBackground, color: s.bodyColor };
    }
    t.diagnostic(JSON.stringify(shots));
    assert.notEqual(shots.light.bg, shots.dark.bg, 'the webview follows the theme colours');
    assert.notEqual(shots.light.color, shots.dark.color, 'text colour follows the theme');
  });
});
