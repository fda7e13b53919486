/**
 * The Compare Optimizers webview in headless Chromium under the production CSP, fed real paths computed here with
 * the toolkit's optimizers on tfjs (cpu), as the host would send them. Checks what is drawn from the canvas
 * pixels themselves: each path changes the pixels along its points, and hiding it restores them.
 * Run: node --import tsx --test test/webview/playground.test.ts   (screenshots in test-artifacts/)
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir } from 'node:fs/promises';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import * as tf from '@tensorflow/tfjs';
import type { Browser } from 'playwright-core';
import type { Tf } from '../../src/tf/types';
import { computePlayground } from '../../src/playground/compute';
import { OPTIMIZER_IDS, type PlaygroundRequest, type PlaygroundResult } from '../../src/protocol/playground';
import { repoRoot, webviewBuildOptions } from './build-webview';
import {
  contrastRatio,
  cssRgb,
  launchChromium,
  openDashboard,
  pickOption,
  serveDashboard,
  THEMES,
  vscodeElement,
  type DashboardPage,
  type Served,
} from './harness';

const ARTIFACTS = path.join(repoRoot, 'test-artifacts');

/** The playground bundle under the names the harness serves (webview.js / webview.css). */
async function buildPlayground(outdir: string): Promise<void> {
  await mkdir(outdir, { recursive: true });
  await esbuild.build({
    ...webviewBuildOptions(outdir),
    entryPoints: [path.join(repoRoot, 'webview', 'playground.ts')],
  });
  await copyFile(path.join(repoRoot, 'webview', 'playground.css'), path.join(outdir, 'webview.css'));
}

interface CanvasInfo {
  paths: number;
  points: string;
  surface: string;
  renders: number;
  plot: number[];
  range: number[];
}

async function canvasInfo(d: DashboardPage): Promise<CanvasInfo> {
  return d.page.evaluate(() => {
    const c = document.getElementById('plot') as HTMLCanvasElement;
    return {
      paths: Number(c.dataset.paths ?? NaN),
      points: c.dataset.points ?? '',
      surface: c.dataset.surface ?? '',
      renders: Number(c.dataset.renders ?? 0),
      plot: (c.dataset.plot ?? '').split(',').map(Number),
      range: (c.dataset.range ?? '').split(',').map(Number),
    };
  });
}

/** Waits until the canvas shows exactly these optimizers' paths (in drawing order). */
async function waitDrawn(d: DashboardPage, ids: readonly string[]): Promise<CanvasInfo> {
  await d.page.waitForFunction(
    want =>
      (document.getElementById('plot')?.dataset.points ?? '')
        .split(',')
        .filter(Boolean)
        .map(e => e.split(':')[0])
        .join() === want,
    ids.join(),
    { timeout: 10_000 },
  );
  return canvasInfo(d);
}

async function waitRenders(d: DashboardPage, more: number): Promise<CanvasInfo> {
  await d.page.waitForFunction(n => Number(document.getElementById('plot')?.dataset.renders ?? 0) >= n, more, {
    timeout: 10_000,
  });
  return canvasInfo(d);
}

/** RGB at each path point's pixel (canvas at devicePixelRatio 1). */
async function pixelsAlong(
  d: DashboardPage,
  info: CanvasInfo,
  points: Array<{ x: number; y: number }>,
): Promise<number[][]> {
  const [left, top, right, bottom] = info.plot;
  const [x0, x1, y0, y1] = info.range;
  const px = points
    .map(p => [left + ((p.x - x0) / (x1 - x0)) * (right - left), bottom - ((p.y - y0) / (y1 - y0)) * (bottom - top)])
    .filter(([x, y]) => x > left + 2 && x < right - 2 && y > top + 2 && y < bottom - 2);
  return d.page.evaluate(pts => {
    const c = document.getElementById('plot') as HTMLCanvasElement;
    const ctx = c.getContext('2d')!;
    return pts.map(([x, y]) => Array.from(ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data.slice(0, 3)));
  }, px);
}

const differs = (a: number[], b: number[]): boolean => a.some((v, i) => Math.abs(v - b[i]) > 24);

describe('Compare Optimizers webview (Chromium, production CSP)', () => {
  let dir: string;
  let served: Served;
  let browser: Browser;
  let ravine: PlaygroundResult;
  let rosenbrock: PlaygroundResult;

  before(async () => {
    await tf.setBackend('cpu');
    ravine = computePlayground(tf as unknown as Tf, { surface: 'ravine', steps: 60, lrScale: 1 });
    rosenbrock = computePlayground(tf as unknown as Tf, { surface: 'rosenbrock', steps: 300, lrScale: 3 });
    dir = mkdtempSync(path.join(os.tmpdir(), 'tl-playground-'));
    await buildPlayground(dir);
    served = await serveDashboard(dir);
    browser = await launchChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await served?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws all eight paths from a state message; a toggle hides one path (pixels restored), and is remembered', async () => {
    const d = await openDashboard(browser, served.origin, 'dark');
    assert.deepEqual(await d.posted(), [{ type: 'ready' }], 'asks the host for its state');
    await d.host({ type: 'state', request: ravine.request, result: ravine });
    const info = await waitRenders(d, 1);
    assert.equal(info.surface, 'ravine');
    assert.equal(info.paths, 8);
    assert.equal(
      info.points,
      ravine.paths.map(p => `${p.optimizer}:${p.points.length}`).join(','),
      'every point of every path',
    );
    const rows = await d.page.$$eval('#summary tbody tr', trs =>
      trs.map(tr => [(tr as HTMLElement).dataset.optimizer, tr.querySelectorAll('td')[4].textContent]),
    );
    assert.deepEqual(
      rows,
      ravine.paths.map(p => [p.optimizer, p.convergedAt === null ? '—' : String(p.convergedAt)]),
      'the text alternative lists every optimizer and the first step within tol',
    );

    const swatches = await d.page.$$eval('#legend .swatch', els => els.map(e => getComputedStyle(e).borderTopColor));
    assert.equal(new Set(swatches).size, 8, `one colour per optimizer: ${swatches.join(' ')}`);
    // a switch to a theme with terminal colours (every VS Code theme has them): AdaMax and Nadam take cyan and magenta
    await d.page.evaluate(t => window.__setTheme(t), {
      bodyClass: THEMES.light.bodyClass,
      vars: {
        ...THEMES.light.vars,
        '--vscode-terminal-ansiCyan': '#0598bc',
        '--vscode-terminal-ansiMagenta': '#bc3fbc',
      },
    });
    await d.page.waitForFunction(
      () => getComputedStyle(document.querySelectorAll('#legend .swatch')[7]).borderTopColor === 'rgb(188, 63, 188)',
      undefined,
      { timeout: 5000 },
    );
    const info2 = await canvasInfo(d);
    assert.equal(info2.paths, 8);

    // hide every path: the bare landscape; then show one path at a time: the pixels along it (away from the start
    // and minimum markers) change, and hiding it again restores them
    for (const [k, id] of OPTIMIZER_IDS.entries()) {
      await d.page.click(`#show-${id}`);
      const now = await waitDrawn(d, OPTIMIZER_IDS.slice(k + 1));
      assert.equal(now.paths, OPTIMIZER_IDS.length - k - 1, `${id} hidden`);
    }
    const clearOfMarkers = (p: { x: number; y: number }) =>
      Math.hypot(p.x - ravine.surface.start.x, p.y - ravine.surface.start.y) > 0.6 &&
      Math.hypot(p.x - ravine.surface.minimum.x, p.y - ravine.surface.minimum.y) > 0.6;
    for (const id of OPTIMIZER_IDS) {
      const pts = ravine.paths.find(q => q.optimizer === id)!.points.filter(clearOfMarkers);
      const bare = await pixelsAlong(d, info, pts);
      await d.page.click(`#show-${id}`);
      assert.equal((await waitDrawn(d, [id])).paths, 1);
      const drawn = await pixelsAlong(d, info, pts);
      const changed = drawn.filter((c, k) => differs(c, bare[k])).length;
      assert.ok(
        bare.length >= 5 && changed >= 0.9 * bare.length,
        `${id}: ${changed}/${bare.length} pixels along the path differ from the landscape`,
      );
      await d.page.click(`#show-${id}`);
      await waitDrawn(d, []);
      const again = await pixelsAlong(d, info, pts);
      assert.equal(again.filter((c, k) => differs(c, bare[k])).length, 0, `${id}: hiding it restores the landscape`);
    }
    for (const id of OPTIMIZER_IDS.filter(i => i !== 'sgd')) await d.page.click(`#show-${id}`);
    await waitDrawn(
      d,
      OPTIMIZER_IDS.filter(i => i !== 'sgd'),
    );
    assert.equal((await canvasInfo(d)).paths, 7);
    const state = await d.page.evaluate(() => window.__state as { hidden: string[] });
    assert.deepEqual(state.hidden, ['sgd'], 'hidden paths are kept in the webview state');
    await d.page.screenshot({ path: path.join(ARTIFACTS, 'playground-webview-ravine.png'), fullPage: true });
    assert.deepEqual(d.pageErrors, []);
    assert.deepEqual(await d.cspViolations(), []);
    assert.deepEqual(d.foreignRequests, []);
    await d.page.close();
  });

  it('controls send requests (select, keyboard on the sliders, a learning rate field); a new surface redraws', async () => {
    const d = await openDashboard(browser, served.origin, 'light');
    await d.host({ type: 'state', request: ravine.request, result: ravine });
    const first = await waitRenders(d, 1);
    await pickOption(d.page, '#surface', 'rosenbrock');
    const requests = async (): Promise<PlaygroundRequest[]> =>
      (await d.posted()).filter(m => m.type === 'request').map(m => m.request as PlaygroundRequest);
    assert.deepEqual((await requests()).at(-1), { surface: 'rosenbrock', steps: 60, lrScale: 1 });
    await d.page.focus('#steps');
    await d.page.keyboard.press('ArrowRight');
    await d.page.waitForFunction(() =>
      (window.__posted as Array<{ type: string; request?: { steps: number } }>).some(
        m => m.type === 'request' && m.request?.steps === 70,
      ),
    );
    // #lr-adam is a vscode-textfield: type into its input (open shadow root); Enter commits
    await d.page.fill('#lr-adam input', '0.25');
    await d.page.press('#lr-adam input', 'Enter');
    await d.page.waitForFunction(() =>
      (window.__posted as Array<{ request?: { lr?: Record<string, number> } }>).some(m => m.request?.lr?.adam === 0.25),
    );
    assert.equal(
      await d.page.$eval('#lr-adam', f => f.matches(':invalid') || f.hasAttribute('invalid')),
      false,
      'any positive value is valid (step="any")',
    );
    await d.host({ type: 'computing', request: (await requests()).at(-1)! });
    assert.equal(await d.page.evaluate(() => document.body.dataset.state), 'busy');
    await d.host({ type: 'state', request: rosenbrock.request, result: rosenbrock });
    await d.page.waitForFunction(() => document.getElementById('plot')?.dataset.surface === 'rosenbrock', undefined, {
      timeout: 10_000,
    });
    const info = await canvasInfo(d);
    assert.ok(info.renders > first.renders);
    assert.equal(info.surface, 'rosenbrock');
    assert.equal(info.paths, 8);
    assert.equal(
      await d.page.$eval('#surface', s => (s as HTMLSelectElement).value),
      'rosenbrock',
      'the controls follow the host state',
    );
    assert.equal(await d.page.$eval('#lr-scale-value', o => o.textContent), '×3');
    await d.page.screenshot({ path: path.join(ARTIFACTS, 'playground-webview-light.png'), fullPage: true });
    assert.deepEqual(d.pageErrors, []);
    assert.deepEqual(await d.cspViolations(), []);
    await d.page.close();
  });

  it('its controls are @vscode-elements components painted from the theme (dark, light, high contrast) and work from the keyboard', async () => {
    for (const theme of ['dark', 'light', 'highContrast'] as const) {
      const d = await openDashboard(browser, served.origin, theme);
      await d.host({ type: 'state', request: ravine.request, result: ravine });
      await waitRenders(d, 1);
      const vars = THEMES[theme].vars;
      const select = await vscodeElement(d.page, '#surface', '.select-face');
      const option = await vscodeElement(d.page, '#surface vscode-option');
      const toggle = await vscodeElement(d.page, '#show-adam', '.icon');
      const reset = await vscodeElement(d.page, '#reset-lr', '.base');
      const lr = await vscodeElement(d.page, '#lr-adam', 'input');
      assert.deepEqual(
        [select, option, toggle, reset, lr].map(c => c.tag),
        ['vscode-single-select', 'vscode-option', 'vscode-checkbox', 'vscode-button', 'vscode-textfield'],
      );
      for (const c of [select, option, toggle, reset, lr]) {
        assert.ok(c.defined, `${c.tag} is a registered, upgraded custom element`);
        assert.equal(c.styleElements, 0, `${c.tag}: no <style> element (CSP)`);
      }
      for (const c of [select, toggle, reset, lr])
        assert.ok(c.adoptedSheets > 0, `${c.tag} is styled by constructable stylesheets`);
      // VS Code derives settings.dropdown*/checkbox*/textInput* from dropdown.*/checkbox.*/input.*; the components read those
      assert.equal(select.background, cssRgb(vars['--vscode-settings-dropdownBackground']), `${theme}: the select`);
      assert.equal(select.color, cssRgb(vars['--vscode-settings-dropdownForeground']));
      assert.equal(toggle.background, cssRgb(vars['--vscode-settings-checkboxBackground']), `${theme}: the checkbox`);
      assert.equal(toggle.borderColor, cssRgb(vars['--vscode-settings-checkboxBorder']));
      assert.equal(
        reset.background,
        cssRgb(vars['--vscode-button-secondaryBackground']),
        `${theme}: Reset is a secondary button`,
      );
      assert.equal(
        lr.background,
        cssRgb(vars['--vscode-settings-textInputBackground']),
        `${theme}: the learning-rate field`,
      );
      for (const c of [select, reset, lr])
        assert.ok(
          contrastRatio(c.color, c.background) >= 4.5,
          `${theme}: ${c.tag} text contrast ${contrastRatio(c.color, c.background).toFixed(2)}`,
        );
      // the sliders stay native <input type=range>, drawn by the stylesheet (not the platform's default look)
      assert.deepEqual(await d.page.$$eval('input[type="range"]', rs => rs.map(r => getComputedStyle(r).appearance)), [
        'none',
        'none',
      ]);
      assert.deepEqual(await d.cspViolations(), []);
      assert.deepEqual(d.consoleErrors, []);
      assert.deepEqual(d.pageErrors, []);
      assert.deepEqual(d.foreignRequests, []);
      if (theme !== 'dark') {
        await d.page.close();
        continue;
      }

      const requests = async (): Promise<PlaygroundRequest[]> =>
        (await d.posted()).filter(m => m.type === 'request').map(m => m.request as PlaygroundRequest);
      // keyboard: Space on a checkbox hides its path; the select opens with Space, ArrowDown moves, Enter picks
      await d.page.focus('#show-adam');
      await d.page.keyboard.press('Space');
      await waitDrawn(
        d,
        OPTIMIZER_IDS.filter(i => i !== 'adam'),
      );
      assert.equal(await d.page.$eval('#show-adam', c => (c as HTMLElement & { checked: boolean }).checked), false);
      assert.deepEqual((await d.page.evaluate(() => window.__state as { hidden: string[] })).hidden, ['adam']);
      await d.page.focus('#surface');
      await d.page.keyboard.press('Space');
      await d.page.keyboard.press('ArrowDown');
      await d.page.keyboard.press('Enter');
      assert.equal((await requests()).at(-1)?.surface, 'saddle', 'the option after Ravine');
      const n = (await requests()).length;
      // re-picking the selected surface asks for nothing
      await pickOption(d.page, '#surface', 'saddle');
      assert.equal((await requests()).length, n);
      // a bad learning rate is flagged on the field and not sent; Reset (Enter on the focused button) sends the defaults
      await d.page.fill('#lr-adam input', '-1');
      await d.page.press('#lr-adam input', 'Enter');
      assert.equal(await d.page.$eval('#lr-adam', f => f.hasAttribute('invalid')), true);
      assert.equal((await requests()).length, n);
      await d.page.focus('#reset-lr');
      await d.page.keyboard.press('Enter');
      assert.deepEqual((await requests()).at(-1), { surface: 'saddle', steps: 60, lrScale: 1 });
      await d.page.close();
    }
  });

  it('rejects invalid host messages (reported to the host, nothing redrawn)', async () => {
    const d = await openDashboard(browser, served.origin, 'dark');
    await d.host({ type: 'state', request: ravine.request, result: ravine });
    await waitRenders(d, 1);
    const settle = () => d.page.evaluate(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))));
    await settle(); // a resize after the first layout may redraw once more
    const before = await canvasInfo(d);
    const nanPath = structuredClone(ravine);
    nanPath.paths[2].points[5].f = Number.NaN;
    const shortGrid = structuredClone(ravine);
    shortGrid.grid.values.pop();
    const bad: Array<Record<string, unknown>> = [
      { type: 'state', request: { surface: 'moon', steps: 10, lrScale: 1 }, result: null },
      { type: 'state', request: ravine.request, result: nanPath },
      { type: 'state', request: ravine.request, result: shortGrid },
      { type: 'paths', paths: [] },
    ];
    for (const m of bad) await d.host(m);
    await settle();
    const errors = (await d.posted()).filter(m => m.type === 'error').map(m => String(m.message));
    assert.equal(errors.length, bad.length, JSON.stringify(errors));
    assert.ok(
      errors.every(e => e.startsWith('invalid host message')),
      JSON.stringify(errors),
    );
    const after = await canvasInfo(d);
    assert.equal(after.renders, before.renders, 'nothing was redrawn');
    assert.equal(after.paths, 8);
    assert.deepEqual(d.pageErrors, []);
    await d.page.close();
  });
});
