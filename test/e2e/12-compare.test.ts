// Scenario 12: Compare Runs from the command palette overlays two saved runs in the dashboard, one colour per run;
// a series hidden in the dashboard stays hidden after Developer: Reload Window (the serializer restores the panel
// with its saved view state).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Frame } from 'playwright-core';
import { waitUntil, withWorkbench, type Workbench } from './lib/workbench.ts';
import { tickAndAccept } from './lib/quickInput.ts';
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

/** Finished ok runs of the short job on disk, training more until there are `n`. */
async function shortRuns(wb: Workbench, n: number): Promise<string[]> {
  const ok = () =>
    runIds(env.workspace).filter(id => {
      const r = readRun(env.workspace, id);
      return (
        r.end?.status === 'ok' && r.events.some(e => e.kind === 'run-start' && /short\.ts$/.test(String(e.jobFile)))
      );
    });
  while (ok().length < n) {
    const before = runIds(env.workspace);
    await trainViaPalette(wb, 'jobs/short.ts');
    const id = await waitForNewRun(env.workspace, before);
    assert.equal((await waitForRunEnd(env.workspace, id, 120_000)).status, 'ok');
  }
  return ok();
}

interface Overlay {
  runs: Array<{ runId: string; label: string; color: string }>;
  /** loss chart legend rows: label and line colour */
  loss: Array<{ label: string; color: string; pressed: string | null }>;
  points: number;
}

async function overlayOf(f: Frame): Promise<Overlay | null> {
  return f
    .evaluate(() => {
      const list = document.querySelector<HTMLElement>('#run-list');
      const section = document.querySelector<HTMLElement>('section.chart[data-chart="loss"]');
      if (!list || list.hidden || !section) return null;
      return {
        runs: Array.from(list.querySelectorAll<HTMLElement>('li')).map(li => ({
          runId: li.dataset.runId ?? '',
          label: (li.querySelector('.run-label')?.textContent ?? '').trim(),
          color: getComputedStyle(li.querySelector('.swatch')!).backgroundColor,
        })),
        loss: Array.from(section.querySelectorAll<HTMLElement>('.series-toggle')).map(b => ({
          label: (b.textContent ?? '').trim(),
          color: (b.querySelector('.swatch') as HTMLElement).dataset.color ?? '',
          pressed: b.getAttribute('aria-pressed'),
        })),
        points: Number(section.dataset.points ?? 0),
      };
    })
    .catch(() => null);
}

const rgbOf = (c: string): string => {
  const m = /rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(c);
  if (m) return `${m[1]},${m[2]},${m[3]}`;
  const h = /^#([0-9a-f]{6})/i.exec(c.trim());
  return h ? [0, 2, 4].map(i => parseInt(h[1].slice(i, i + 2), 16)).join(',') : c;
};

test('12. Compare Runs overlays two runs, one colour per run; a hidden series stays hidden after Reload Window', async t => {
  await withWorkbench(t, browser(), trustedWindow(), async wb => {
    const ids = await shortRuns(wb, 2);
    // what the loss chart plots of a run: per-batch loss, per-epoch loss and val_loss
    const lossPoints = (id: string) =>
      readRun(env.workspace, id).events.reduce((n, e) => {
        if (e.kind === 'batch') return n + (typeof e.loss === 'number' ? 1 : 0);
        if (e.kind === 'epoch')
          return (
            n + ['loss', 'val_loss'].filter(k => typeof (e.logs as Record<string, unknown>)?.[k] === 'number').length
          );
        return n;
      }, 0);

    // Compare Runs from the palette (no selection in the Runs view: it asks which runs)
    await wb.runCommand('Training Lens: Compare Runs');
    const offered = await wb.waitQuickPickLabels();
    t.diagnostic(`Compare Runs offers: ${JSON.stringify(offered.slice(0, 6))}`);
    assert.ok(offered.length >= 2, 'at least two runs offered');
    // the list is virtualised and other scenarios leave many runs: narrow it to the short job as a user would, tick
    // its two newest runs (ticks retried until VS Code takes them), then accept
    const picked = await tickAndAccept(wb, 'short.ts', l => l.startsWith('short.ts · '), 2);
    assert.equal(picked.length, 2, 'two runs of the short job offered');

    const overlay = await waitUntil(
      'the dashboard to overlay two runs',
      async () => {
        for (const f of wb.dashboardFrames()) {
          const o = await overlayOf(f);
          if (
            o &&
            o.runs.length === 2 &&
            o.points === o.runs.reduce((n, r) => n + lossPoints(r.runId), 0) &&
            o.runs.every(r => o.loss.some(l => l.label.startsWith(`${r.label} · `)))
          )
            return { f, o };
        }
        return null;
      },
      60_000,
    );
    const { f, o } = overlay;
    t.diagnostic(`overlay: ${JSON.stringify(o)}`);
    const shown = o.runs.map(r => r.runId);
    assert.equal(new Set(shown).size, 2, 'two different runs');
    for (const id of shown) assert.ok(ids.includes(id), `${id} is a saved run of the short job`);
    // both runs' series: the loss chart holds the points of both logs
    assert.equal(
      o.points,
      shown.reduce((n, id) => n + lossPoints(id), 0),
      'loss points of both runs',
    );
    // one colour per run: the two run colours differ, and each run's loss lines are drawn in its colour
    assert.notEqual(rgbOf(o.runs[0].color), rgbOf(o.runs[1].color), 'one colour per run');
    for (const r of o.runs) {
      const rowsOfRun = o.loss.filter(l => l.label.startsWith(`${r.label} · `));
      assert.ok(rowsOfRun.length >= 1, `loss series of ${r.label}: ${JSON.stringify(o.loss)}`);
      for (const row of rowsOfRun)
        assert.equal(rgbOf(row.color), rgbOf(r.color), `${row.label} is drawn in its run's colour`);
    }
    await f.evaluate(() =>
      document.querySelector('section.chart[data-chart="loss"]')?.scrollIntoView({ block: 'center' }),
    );
    await wb.afterPaint(f);
    await wb.screenshot('12-compare');

    // hide the per-batch loss series from the legend
    const toggle = f.locator('section.chart[data-chart="loss"] .series-toggle[data-key="batch:loss"]').first();
    await toggle.click();
    await waitUntil('the series hidden', async () => (await toggle.getAttribute('aria-pressed')) === 'false', 5000);
    const hiddenRows = await f.locator('section.chart[data-chart="loss"] tr.off').count();
    assert.equal(hiddenRows, 2, 'hidden for both runs');

    // Developer: Reload Window: the serializer restores the dashboard, which still hides the series
    await wb.reloadWindow();
    const restored = await waitUntil(
      'the restored dashboard with both runs',
      async () => {
        for (const fr of wb.dashboardFrames()) {
          const r = await overlayOf(fr);
          // every legend row (rows follow the data by a frame or two: charts are drawn within a per-frame budget)
          if (r && r.runs.length === 2 && r.points === o.points && r.loss.length === o.loss.length) return { fr, r };
        }
        return null;
      },
      60_000,
    );
    t.diagnostic(`restored: ${JSON.stringify(restored.r.loss)}`);
    assert.deepEqual(
      restored.r.runs.map(r => r.runId),
      shown,
      'the same runs, in the same order',
    );
    const batchRows = restored.r.loss.filter(l => / · loss \(batch\)$/.test(l.label));
    assert.equal(batchRows.length, 2);
    for (const row of batchRows) assert.equal(row.pressed, 'false', `${row.label} is still hidden after the reload`);
    for (const row of restored.r.loss.filter(l => !/ · loss \(batch\)$/.test(l.label)))
      assert.equal(row.pressed, 'true', `${row.label} is shown`);
    await restored.fr.evaluate(() =>
      document.querySelector('section.chart[data-chart="loss"]')?.scrollIntoView({ block: 'center' }),
    );
    await wb.afterPaint(restored.fr);
    await wb.screenshot('12-compare-reloaded');
  });
});
