/**
 * The Sweep panel in headless Chromium under its production CSP, fed a sweep record written by a real sweep
 * (test/fixtures/sweep/record.json): the Best-N table sorts by a header click and from the keyboard, rows open
 * their run, "Overlay top K" asks for the best K runs, and live updates keep the chosen order.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as esbuild from 'esbuild';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  contrastRatio,
  cssRgb,
  launchChromium,
  openDashboard,
  serveWebview,
  THEMES,
  vscodeElement,
  type DashboardPage,
  type Served,
} from './harness';
import { repoRoot } from './build-webview';
import { parseSweepRecord, type SweepRecord } from '../../src/protocol';

const RECORD_FILE = path.join(repoRoot, 'test', 'fixtures', 'sweep', 'record.json');

function loadRecord(): SweepRecord {
  const r = parseSweepRecord(JSON.parse(readFileSync(RECORD_FILE, 'utf8')));
  if (!r.ok) throw new Error(`${RECORD_FILE}: ${r.reason}`);
  return r.value;
}

let browser: Browser;
let origin: string;
let served: Served;

before(async () => {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'tl-sweep-webview-'));
  // the options of esbuild.config.mjs's sweepWebviewOptions, minified like the VSIX build
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
  assert.ok(existsSync(path.join(outdir, 'sweep.css')), 'the stylesheet is emitted next to the bundle');
  served = await serveWebview(outdir, { script: 'sweep.js', style: 'sweep.css', title: 'Training Lens: Sweep' });
  origin = served.origin;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await served?.close();
});

/** Trial numbers (0-based) in the table's row order. */
const rowTrials = (page: Page) =>
  page.$$eval('#best tbody tr', rows => rows.map(r => Number((r as HTMLElement).dataset.trial)));
const columnText = (page: Page, col: string) =>
  page.$$eval(`#best tbody td[data-col="${col}"]`, cells => cells.map(c => c.textContent ?? ''));

async function open(theme: keyof typeof THEMES = 'dark'): Promise<DashboardPage> {
  const p = await openDashboard(browser, origin, theme);
  await p.page.waitForFunction(() => window.__posted.some(m => (m as { type: string }).type === 'ready'));
  return p;
}

test('the Best-N table sorts by a column click, from the keyboard, and keeps its order on live updates', async () => {
  const record = loadRecord();
  const names = Object.keys(record.space);
  assert.ok(names.includes('lr') && record.trials.length >= 4 && record.metric);
  const p = await open();
  const { page } = p;
  await p.host({ type: 'sweep', sweep: record });

  const byRank = [...record.trials]
    .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.trial - b.trial)
    .map(t => t.trial);
  assert.deepEqual(await rowTrials(page), byRank, 'rank order first');
  assert.deepEqual((await columnText(page, 'rank')).slice(0, 2), ['Best-1', 'Best-2']);
  const headers = await page.$$eval('#best thead th', ths => ths.map(th => (th as HTMLElement).dataset.col));
  assert.deepEqual(headers, ['rank', 'metric', ...names.map(n => `hp:${n}`), 'status', 'duration', 'trial']);

  // click the lr header: ascending lr; again: descending
  const lrAsc = [...record.trials]
    .sort((a, b) => (a.hparams.lr as number) - (b.hparams.lr as number))
    .map(t => t.trial);
  await page.click('th[data-col="hp:lr"] button');
  assert.deepEqual(await rowTrials(page), lrAsc);
  assert.equal(await page.getAttribute('th[data-col="hp:lr"]', 'aria-sort'), 'ascending');
  assert.equal(await page.getAttribute('th[data-col="rank"]', 'aria-sort'), 'none');
  await page.click('th[data-col="hp:lr"] button');
  assert.deepEqual(await rowTrials(page), [...lrAsc].reverse());
  assert.equal(await page.getAttribute('th[data-col="hp:lr"]', 'aria-sort'), 'descending');

  // keyboard: Tab-focus the duration header's button and press Enter, then Space to flip it
  await page.focus('th[data-col="duration"] button');
  await page.keyboard.press('Enter');
  const byDuration = [...record.trials]
    .sort((a, b) => (a.durationMs ?? Infinity) - (b.durationMs ?? Infinity) || a.trial - b.trial)
    .map(t => t.trial);
  assert.deepEqual(await rowTrials(page), byDuration);
  assert.equal(
    await page.evaluate(() => (document.activeElement?.closest('th') as HTMLElement | null)?.dataset.col),
    'duration',
    'focus stays on the header',
  );
  await page.keyboard.press('Space');
  assert.equal(await page.getAttribute('th[data-col="duration"]', 'aria-sort'), 'descending');

  // a live update (the host sends the whole record again) keeps the chosen order and the focus
  await p.host({ type: 'sweep', sweep: { ...record, trials: record.trials.map(t => ({ ...t })) } });
  assert.equal(await page.getAttribute('th[data-col="duration"]', 'aria-sort'), 'descending');
  assert.equal(
    await page.evaluate(() => (document.activeElement?.closest('th') as HTMLElement | null)?.dataset.col),
    'duration',
  );
  assert.equal(await page.evaluate(() => document.body.dataset.sort), 'duration desc');

  // the metric column sorts best first on its first click
  await page.click('th[data-col="metric"] button');
  assert.deepEqual(await rowTrials(page), byRank);

  assert.deepEqual(await p.cspViolations(), []);
  assert.deepEqual(p.consoleErrors, []);
  assert.deepEqual(p.pageErrors, []);
  assert.deepEqual(p.foreignRequests, []);
  await page.close();
});

test('a row opens its run; "Overlay top K" asks for the K best runs; Stop while running', async () => {
  const record = loadRecord();
  const p = await open();
  const { page } = p;
  await p.host({ type: 'sweep', sweep: record });
  const best = record.trials.filter(t => t.rank !== null).sort((a, b) => a.rank! - b.rank!);
  await page.click(`#best tr[data-trial="${best[1].trial}"]`);
  await page.focus(`#best tr[data-trial="${best[0].trial}"]`);
  await page.keyboard.press('Enter');
  // #top-k is a vscode-textfield: type into its input (in its open shadow root); leaving the field commits it
  await page.fill('#top-k input', '2');
  await page.press('#top-k input', 'Tab');
  assert.equal(await page.evaluate(() => (window.__state as { topK?: number }).topK), 2, 'the chosen K is saved');
  await page.click('#overlay');
  const posted = (await p.posted()).filter(m => m.type !== 'ready');
  assert.deepEqual(posted, [
    { type: 'open-run', runId: best[1].runId },
    { type: 'open-run', runId: best[0].runId },
    { type: 'overlay', runIds: [best[0].runId, best[1].runId] },
  ]);
  assert.equal(await page.$('#stop'), null, 'no Stop button once the sweep is done');

  // while it runs: progress, a running trial's epochs, and Stop
  const running: SweepRecord = {
    ...record,
    status: 'running',
    trials: record.trials.map((t, i) =>
      i === 0 ? { ...t, status: 'running', rank: null, metric: undefined, durationMs: undefined, epochsDone: 1 } : t,
    ),
  };
  await p.host({ type: 'sweep', sweep: running });
  assert.equal(await page.textContent(`#best tr[data-trial="0"] td[data-col="status"]`), `running 1/${record.epochs}`);
  assert.equal(await page.$eval('progress', e => (e as HTMLProgressElement).value), record.trials.length - 1);
  await page.click('#stop');
  assert.deepEqual((await p.posted()).at(-1), { type: 'stop' });

  // a message that does not fit the protocol is reported, not rendered
  await p.host({ type: 'sweep', sweep: { ...record, seed: -1 } });
  assert.match(String((await p.posted()).at(-1)?.message), /invalid host message: sweep\.seed/);
  assert.deepEqual(await p.cspViolations(), []);
  assert.deepEqual(p.pageErrors, []);
  await page.close();
});

test('the controls are @vscode-elements components painted from the theme (dark, light, high contrast), keyboard included', async () => {
  const record = loadRecord();
  const running: SweepRecord = { ...record, status: 'running' };
  for (const theme of ['dark', 'light', 'highContrast'] as const) {
    const p = await open(theme);
    const { page } = p;
    await p.host({ type: 'sweep', sweep: running });
    const vars = THEMES[theme].vars;
    const overlay = await vscodeElement(page, '#overlay', '.base');
    const stop = await vscodeElement(page, '#stop', '.base');
    const k = await vscodeElement(page, '#top-k', 'input');
    assert.deepEqual([overlay.tag, stop.tag, k.tag], ['vscode-button', 'vscode-button', 'vscode-textfield']);
    for (const c of [overlay, stop, k]) {
      assert.ok(c.defined, `${c.tag} is a registered, upgraded custom element`);
      assert.ok(
        c.adoptedSheets > 0 && c.styleElements === 0,
        `${c.tag} is styled by constructable stylesheets (CSP-safe)`,
      );
    }
    // the primary button takes the theme's button colours (high contrast defines none: the component's own blue)
    assert.equal(
      overlay.background,
      cssRgb(vars['--vscode-button-background'] ?? '#0078d4'),
      `${theme}: Overlay button background`,
    );
    assert.equal(overlay.color, cssRgb(vars['--vscode-button-foreground']));
    assert.equal(
      stop.background,
      cssRgb(vars['--vscode-button-secondaryBackground']),
      `${theme}: Stop is a secondary button`,
    );
    // (VS Code derives settings.textInput* from input.*; vscode-elements reads the settings ones)
    assert.equal(
      k.background,
      cssRgb(vars['--vscode-settings-textInputBackground']),
      `${theme}: the K field is an input of the theme`,
    );
    assert.equal(k.color, cssRgb(vars['--vscode-settings-textInputForeground']));
    for (const c of [overlay, stop, k])
      assert.ok(
        contrastRatio(c.color, c.background) >= 4.5,
        `${theme}: ${c.tag} text contrast ${contrastRatio(c.color, c.background).toFixed(2)}`,
      );
    if (theme === 'highContrast')
      assert.equal(
        stop.borderColor,
        cssRgb(vars['--vscode-button-border']),
        'high contrast: buttons have the contrast border',
      );

    // keyboard: Tab from the K field reaches Overlay; Enter and Space press it
    await page.fill('#top-k input', '1');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'overlay');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Space');
    const best = record.trials.filter(t => t.rank !== null).sort((a, b) => a.rank! - b.rank!)[0].runId;
    assert.deepEqual(
      (await p.posted()).filter(m => m.type === 'overlay'),
      [
        { type: 'overlay', runIds: [best] },
        { type: 'overlay', runIds: [best] },
      ],
    );
    assert.deepEqual(await p.cspViolations(), []);
    assert.deepEqual(p.consoleErrors, []);
    assert.deepEqual(p.pageErrors, []);
    assert.deepEqual(p.foreignRequests, []);
    await page.close();
  }
  // no ranked trial yet: Overlay is disabled (not focusable, a click posts nothing)
  const p = await open();
  await p.host({
    type: 'sweep',
    sweep: {
      ...running,
      trials: running.trials.map(t => ({
        ...t,
        rank: null,
        status: 'pending' as const,
        runId: undefined,
        metric: undefined,
      })),
    },
  });
  assert.equal(
    await p.page.$eval('#overlay', e => (e as HTMLElement & { disabled: boolean }).disabled && e.tabIndex),
    -1,
  );
  await p.page.click('#overlay', { force: true });
  assert.deepEqual(
    (await p.posted()).filter(m => m.type === 'overlay'),
    [],
  );
  await p.page.close();
});
