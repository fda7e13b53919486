/**
 * The Sweep panel's "why" figures in headless Chromium under the production CSP: parallel coordinates with a log
 * axis, a categorical axis and the score axis; brushing the lr axis with the mouse filters the Best-N table and
 * what "Overlay top K" overlays; a click clears the brush; the keyboard brushes too; the importance bars rank the parameters; a stopped
 * sweep offers Continue.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as esbuild from 'esbuild';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openDashboard, serveWebview, type DashboardPage, type Served } from './harness';
import { repoRoot } from './build-webview';
import { parseSweepRecord, type SweepRecord, type SweepTrial } from '../../src/protocol';

let browser: Browser;
let served: Served;

before(async () => {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'tl-sweep-pc-'));
  await esbuild.build({
    absWorkingDir: repoRoot,
    entryPoints: [path.join(repoRoot, 'webview', 'sweep.ts')],
    outfile: path.join(outdir, 'sweep.js'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: true,
    minify: true,
    logLevel: 'silent',
  });
  served = await serveWebview(outdir, { script: 'sweep.js', style: 'sweep.css', title: 'Training Lens: Sweep' });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await served?.close();
});

/** Eight finished trials: low rates (log position < 0.4 on 1e-4..1) and high ones (> 0.6); loss falls with lr. */
function record(): SweepRecord {
  const lrs = [2e-4, 5e-4, 1e-3, 3e-3, 3e-2, 0.1, 0.3, 0.6];
  const trials: SweepTrial[] = lrs.map((lr, i) => ({
    trial: i,
    hparams: { lr, n_hidden: i % 4, n_neurons: 10 + i * 7 },
    status: i === 4 ? 'pruned' : 'ok',
    epochsDone: 3,
    rank: null,
    runId: `run-${i}`,
    metric: { value: 2 - 0.2 * Math.log10(lr) + (i % 4) * 0.01, epoch: 3 },
    ...(i === 4 ? { pruned: { epoch: 1, rung: 1, reason: 'rung' as const } } : {}),
  }));
  const order = [...trials].sort((a, b) => a.metric!.value - b.metric!.value);
  order.forEach((t, i) => {
    t.rank = i + 1;
  });
  const r = parseSweepRecord({
    version: 1,
    id: 'pc',
    jobFile: '/w/mnist-search.train.ts',
    createdAt: '2026-01-01T00:00:00Z',
    status: 'done',
    seed: 3,
    epochs: 3,
    concurrency: 2,
    metric: { name: 'val_loss', higherIsBetter: false },
    defaults: { lr: 1e-3, n_hidden: 1, n_neurons: 30 },
    space: {
      lr: { scale: 'log', min: 1e-4, max: 1, integer: false },
      n_hidden: { scale: 'choice', values: [0, 1, 2, 3] },
      n_neurons: { scale: 'int', min: 1, max: 99, step: 1 },
    },
    trials,
  });
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

const rowTrials = (page: Page) =>
  page.$$eval('#best tbody tr', rows => rows.map(r => Number((r as HTMLElement).dataset.trial)).sort((a, b) => a - b));

/** Drags on an axis from position `from` to `to` (0 bottom .. 1 top of the axis). */
async function brush(page: Page, axis: string, from: number, to: number): Promise<void> {
  const box = (await page.locator(`#parcoords rect.hit[data-axis="${axis}"]`).boundingBox())!;
  // the hit rect spans the axis plus 4 svg units (of a 260-unit-high view box) each side
  const pad = 4 * ((await page.locator('#parcoords').boundingBox())!.height / 260);
  const yOf = (p: number) => box.y + pad + (1 - p) * (box.height - 2 * pad);
  const x = box.x + box.width / 2;
  await page.mouse.move(x, yOf(from));
  await page.mouse.down();
  await page.mouse.move(x, (yOf(from) + yOf(to)) / 2, { steps: 3 });
  await page.mouse.move(x, yOf(to), { steps: 3 });
  await page.mouse.up();
}

test('parallel coordinates: typed axes, one line per scored trial; brushing filters the table and the overlay', async () => {
  const p: DashboardPage = await openDashboard(browser, served.origin, 'dark');
  const { page } = p;
  await page.waitForFunction(() => window.__posted.some(m => (m as { type: string }).type === 'ready'));
  const r = record();
  await p.host({ type: 'sweep', sweep: r });

  const axes = await page.$$eval('#parcoords g.axis', gs =>
    gs.map(g => `${g.getAttribute('data-axis')} ${g.getAttribute('class')}`),
  );
  assert.deepEqual(
    axes,
    ['hp:lr axis log', 'hp:n_hidden axis category', 'hp:n_neurons axis linear', 'score axis linear'],
    'one axis per parameter, log/categorical/linear, the score last',
  );
  assert.deepEqual(
    await page.$$eval('#parcoords g.axis[data-axis="hp:n_hidden"] text.tick', ts => ts.map(t => t.textContent)),
    ['0', '1', '2', '3'],
    'a choice axis lists its values',
  );
  assert.equal(await page.locator('#parcoords polyline.trial').count(), 8, 'a line per scored trial');
  assert.equal(await page.locator('#parcoords polyline.trial.top').count(), 3, 'Best-1..3 stand out');
  assert.equal(await page.locator('#parcoords polyline.trial.pruned').count(), 1, 'the pruned trial is marked');

  await brush(page, 'hp:lr', 0.97, 0.5);
  assert.deepEqual(
    await rowTrials(page),
    [4, 5, 6, 7],
    'the table keeps the trials inside the lr brush (the high rates)',
  );
  assert.equal(await page.locator('#parcoords polyline.trial.dim').count(), 4, 'the others are dimmed');
  assert.match(await page.locator('#best caption').innerText(), /4 of 8 trials inside the brushed ranges/);
  assert.equal(
    await page.locator('#parcoords g.axis[data-axis="hp:lr"] rect.brush').getAttribute('visibility'),
    null,
    'the band stays drawn',
  );

  await page.fill('#top-k input', '2');
  await page.press('#top-k input', 'Tab');
  await page.click('#overlay');
  const inside = r.trials
    .filter(t => t.trial >= 4)
    .sort((a, b) => a.rank! - b.rank!)
    .map(t => t.runId);
  const overlay = (await p.posted()).filter(m => m.type === 'overlay');
  assert.deepEqual(
    overlay,
    [{ type: 'overlay', runIds: inside.slice(0, 2) }],
    'Overlay top K takes the best K inside the brush',
  );

  // a second brush on another axis narrows further: n_hidden 0..1 (positions 0 and 1/3)
  await brush(page, 'hp:n_hidden', 0.45, 0.0);
  assert.deepEqual(await rowTrials(page), [4, 5], 'both brushes apply (n_hidden 0 or 1 among the high rates)');

  // a click on an axis clears its brush; the button clears them all
  const lrBox = (await page.locator('#parcoords rect.hit[data-axis="hp:lr"]').boundingBox())!;
  await page.mouse.click(lrBox.x + lrBox.width / 2, lrBox.y + lrBox.height / 2);
  assert.deepEqual(await rowTrials(page), [0, 1, 4, 5], 'the lr brush is gone, the n_hidden one stays');
  await page.click('#clear-brushes');
  assert.deepEqual(await rowTrials(page), [0, 1, 2, 3, 4, 5, 6, 7]);

  // from the keyboard: Tab to the lr axis; ↓ makes the top-quarter band, ↓ again moves it down a step; Escape clears
  await page.focus('#parcoords rect.hit[data-axis="hp:lr"]');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.deepEqual(await rowTrials(page), [5, 6, 7], 'the band 0.70..0.95 of the lr axis: lr 0.1, 0.3, 0.6');
  assert.equal(
    await page.evaluate(() => (document.activeElement as SVGElement | null)?.dataset?.axis),
    'hp:lr',
    'the axis keeps the focus across re-renders',
  );
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('#best tbody tr').count(), 8, 'Escape clears the brush');

  // the importance bars: lr first (the loss falls with it: ρ < 0), n_hidden as a choice (η)
  const bars = await page.$$eval('#importance g.param', gs =>
    gs.map(g => `${g.getAttribute('data-param')} ${g.getAttribute('class')}`),
  );
  assert.equal(bars[0], 'lr param spearman neg', `lr ranks first: ${bars}`);
  assert.ok(bars.includes('n_hidden param eta pos'), `a choice gets η: ${bars}`);
  // a stopped sweep offers Continue (the host resumes it from its record)
  assert.equal(await page.$('#continue'), null, 'no Continue on a finished sweep');
  await p.host({ type: 'sweep', sweep: { ...r, status: 'cancelled' } });
  await page.click('#continue');
  assert.deepEqual(
    (await p.posted()).filter(m => m.type === 'continue'),
    [{ type: 'continue' }],
  );
  const errors = (await p.posted()).filter(m => m.type === 'error');
  assert.deepEqual(errors, [], 'no render or CSP errors');
  await page.close();
});
