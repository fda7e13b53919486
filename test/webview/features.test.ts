/**
 * TensorBoard-grade features in headless Chromium under the production CSP: smoothing (slider + faint raw line),
 * hidden series kept across a reload (setState round trip), CSV/PNG export, zoom, decimation keeping extremes,
 * gradient/activation histogram heatmaps.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { RunEvent, RunInfo } from '../../src/protocol';
import {
  dashboardSuite,
  contrastRatio,
  cssRgb,
  fixtureLog,
  settled,
  THEMES,
  vscodeElement,
  type DashboardPage,
} from './harness';
import { smoothValues } from '../../webview/smoothing';
import { chartCsv } from '../../webview/export';
import { formatNumber } from '../../webview/format';

const frames = (p: Page): Promise<unknown> =>
  p.evaluate(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))));

function infoOf(events: RunEvent[]): RunInfo {
  const start = events.find(e => e.kind === 'run-start');
  assert.ok(start && start.kind === 'run-start');
  return { runId: start.runId, jobFile: start.jobFile, label: 'fixture', startedAt: start.startedAt, status: 'ok' };
}

describe('dashboard features (headless Chromium, production CSP)', () => {
  const { events } = fixtureLog();
  const info = infoOf(events);
  const batchLoss = events.flatMap(e => (e.kind === 'batch' && e.loss !== null ? [{ x: e.step, y: e.loss }] : []));
  const suite = dashboardSuite('tl-webview-features-');
  const pages: DashboardPage[] = [];

  const open = async (state?: unknown, theme: keyof typeof THEMES = 'dark'): Promise<DashboardPage> => {
    const d = await suite.open(theme, state);
    pages.push(d);
    await d.host({ type: 'reset', runs: [info] });
    await d.host({ type: 'events', runId: info.runId, events });
    return d;
  };

  it("smooths per-batch series with TensorBoard's formula; the slider changes it; the raw line stays", async () => {
    const d = await open();
    const row = d.page.locator('section[data-chart="loss"] .series-table tr', {
      has: d.page.locator('button[data-key="batch:loss"]'),
    });
    const cells = async (): Promise<string[]> => row.locator('td').allInnerTexts();
    const expectAt = (w: number): string =>
      formatNumber(
        smoothValues(
          batchLoss.map(p => p.y),
          w,
        ).at(-1)!,
        4,
      );
    assert.equal(await d.page.locator('#smoothing').inputValue(), '0.6', 'default 0.6');
    assert.equal((await cells())[3], expectAt(0.6), 'smoothed column = TensorBoard EMA of the batch losses');
    assert.equal((await cells())[2], formatNumber(batchLoss.at(-1)!.y, 4), 'raw value column');
    // the plotted line, not only the table: the loss canvas changes with the weight and comes back with it
    const lossPixels = (): Promise<string> =>
      d.page.locator('section[data-chart="loss"] canvas').evaluate(c => (c as HTMLCanvasElement).toDataURL());
    const at06 = await lossPixels();
    await d.page.locator('#smoothing').fill('0.95');
    await frames(d.page);
    assert.equal((await cells())[3], expectAt(0.95));
    assert.notEqual(await lossPixels(), at06, 'the smoothed line is redrawn with the new weight');
    const state = (await d.page.evaluate(() => window.__state)) as { smoothing?: number };
    assert.equal(state.smoothing, 0.95, 'slider value saved');
    await d.page.locator('#smoothing').fill('0.6');
    await frames(d.page);
    assert.equal(await lossPixels(), at06, 'the same weight draws the same line again');
    await d.page.locator('#smoothing').fill('0');
    await frames(d.page);
    assert.equal((await cells())[3], '', 'no smoothed column at 0');
    // data-points / data-series count the store's series, not the derived lines
    const loss = await d.page.locator('section[data-chart="loss"]').getAttribute('data-points');
    const expectedLoss = events.reduce(
      (n, e) =>
        n +
        (e.kind === 'batch' && e.loss !== null ? 1 : 0) +
        (e.kind === 'epoch' ? ['loss', 'val_loss'].filter(k => e.logs[k] != null).length : 0),
      0,
    );
    assert.equal(Number(loss), expectedLoss);
  });

  it('a hidden series stays hidden after a reload (setState round trip)', async () => {
    const d = await open();
    const btn = (p: DashboardPage) =>
      p.page.locator('section[data-chart="loss"] button.series-toggle[data-key="batch:loss"]');
    assert.equal(await btn(d).getAttribute('aria-pressed'), 'true');
    const seriesBefore = await d.page.locator('section[data-chart="loss"]').getAttribute('data-series');
    await btn(d).focus();
    await d.page.keyboard.press('Enter'); // keyboard reachable
    await frames(d.page);
    assert.equal(await btn(d).getAttribute('aria-pressed'), 'false');
    const state = (await d.page.evaluate(() => window.__state)) as { hidden?: string[] };
    assert.deepEqual(state.hidden, ['loss|batch:loss']);
    assert.ok(JSON.stringify(state).length < 512, `state stays small: ${JSON.stringify(state)}`);
    // "reload": a new page whose getState() returns what the old one saved
    const r = await open(state);
    assert.equal(await btn(r).getAttribute('aria-pressed'), 'false', 'still hidden after reload');
    assert.equal(
      await r.page.locator('section[data-chart="loss"]').getAttribute('data-series'),
      seriesBefore,
      'data-series unchanged',
    );
    // the loss plot without its batch line has fewer coloured pixels than with it
    await btn(r).click();
    await frames(r.page);
    assert.equal(await btn(r).getAttribute('aria-pressed'), 'true');
    assert.deepEqual(((await r.page.evaluate(() => window.__state)) as { hidden?: string[] }).hidden, []);
  });

  it('exports a chart as CSV (every series, step,value pairs) and as PNG', async () => {
    const d = pages[0];
    const [dl] = await Promise.all([
      d.page.waitForEvent('download'),
      d.page.locator('section[data-chart="loss"] vscode-button.export-csv').click(),
    ]);
    assert.equal(dl.suggestedFilename(), 'Loss.csv');
    const file = await dl.path();
    const csv = readFileSync(file, 'utf8');
    const epochLogs = (k: string) =>
      events.flatMap(e => (e.kind === 'epoch' && e.logs[k] != null ? [{ x: e.step, y: e.logs[k]! }] : []));
    const expected = chartCsv([
      { name: 'loss (batch)', points: batchLoss },
      { name: 'loss (epoch)', points: epochLogs('loss') },
      { name: 'val_loss', points: epochLogs('val_loss') },
    ]);
    assert.equal(
      csv.split('\n')[0],
      'loss (batch) step,loss (batch) value,loss (epoch) step,loss (epoch) value,val_loss step,val_loss value',
    );
    assert.equal(csv, expected);
    const [png] = await Promise.all([
      d.page.waitForEvent('download'),
      d.page.locator('section[data-chart="loss"] vscode-button.export-png').click(),
    ]);
    assert.equal(png.suggestedFilename(), 'Loss.png');
    const bytes = readFileSync(await png.path());
    assert.deepEqual([...bytes.subarray(1, 4)].map(b => String.fromCharCode(b)).join(''), 'PNG');
    assert.ok(bytes.length > 2000, `a real image (${bytes.length} bytes)`);
  });

  it('zooms with the wheel, pans, resets on double-click; switches the x axis', async () => {
    const d = pages[0];
    const section = d.page.locator('section[data-chart="loss"]');
    const canvas = section.locator('canvas');
    const box = (await canvas.boundingBox())!;
    const [l, t, r, b] = (await section.getAttribute('data-plot'))!.split(',').map(Number);
    await d.page.mouse.move(box.x + (l + r) / 2, box.y + (t + b) / 2);
    await d.page.mouse.wheel(0, -300);
    await frames(d.page);
    const zoom = await section.getAttribute('data-zoom');
    assert.ok(zoom, 'zoomed');
    const [z0, z1] = zoom.split(',').map(Number);
    const lastStep = batchLoss.at(-1)!.x;
    assert.ok(z1 - z0 < lastStep * 0.9, `narrower x range: ${zoom}`);
    assert.ok(await section.locator('vscode-button.reset-zoom').isVisible());
    await d.page.mouse.down();
    await d.page.mouse.move(box.x + (l + r) / 2 + 60, box.y + (t + b) / 2, { steps: 3 });
    await d.page.mouse.up();
    const [p0] = (await section.getAttribute('data-zoom'))!.split(',').map(Number);
    assert.ok(p0 < z0, `dragging right pans left: ${p0} < ${z0}`);
    await canvas.dblclick({ position: { x: (l + r) / 2, y: (t + b) / 2 } });
    await frames(d.page);
    assert.equal(await section.getAttribute('data-zoom'), null, 'double-click resets');
    // keyboard: + zooms, 0 resets
    await canvas.focus();
    await d.page.keyboard.press('+');
    assert.ok(await section.getAttribute('data-zoom'));
    await d.page.keyboard.press('0');
    assert.equal(await section.getAttribute('data-zoom'), null);
    // epoch axis
    await d.page.locator('#chart-toolbar vscode-button[data-axis="epoch"]').click();
    await frames(d.page);
    assert.equal(
      await d.page.locator('#chart-toolbar vscode-button[data-axis="epoch"]').getAttribute('aria-pressed'),
      'true',
    );
    assert.equal(((await d.page.evaluate(() => window.__state)) as { xAxis?: string }).xAxis, 'epoch');
    await d.page.mouse.move(box.x + r - 2, box.y + (t + b) / 2);
    await d.page.mouse.wheel(0, -200);
    const [, e1] = (await section.getAttribute('data-zoom'))!.split(',').map(Number);
    const lastEpoch = events.filter(e => e.kind === 'epoch').length;
    assert.ok(e1 <= lastEpoch + 0.5, `x range is in epochs now (${e1} <= ${lastEpoch})`);
    await d.page.locator('#chart-toolbar vscode-button[data-axis="time"]').click();
    await d.page.locator('#chart-toolbar vscode-button[data-axis="step"]').click();
    await frames(d.page);
    assert.equal(await section.getAttribute('data-zoom'), null, 'changing the axis resets the zoom');
  });

  it('decimation keeps the extremes of a long series', async () => {
    const d = pages[0];
    const runId = 'spiky';
    await d.host({ type: 'reset', runs: [{ runId, jobFile: '/w/s.ts', label: 's', startedAt: '', status: 'ok' }] });
    await d.page.evaluate(async runId => {
      const events = [];
      for (let step = 0; step < 30000; step++) {
        const loss = step === 12345 ? 50 : step === 23456 ? -40 : 1 + 0.01 * Math.sin(step);
        events.push({
          kind: 'batch',
          runId,
          seq: step,
          t: step,
          step,
          epoch: 0,
          batch: step,
          loss,
          metrics: {},
          lr: null,
        });
      }
      await window.__host({ type: 'events', runId, events });
    }, runId);
    await d.page.locator('#smoothing').fill('0'); // the raw line itself
    await frames(d.page);
    // plain JS strings: functions compiled by tsx carry `__name` helpers the page does not have
    const hits = (await d.page.evaluate(`(() => {
      const s = document.querySelector('section[data-chart="loss"]');
      const c = s.querySelector('canvas');
      const [l, t, r, b] = s.dataset.plot.split(',').map(Number);
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const coloured = (y0, y1) => {
        let n = 0;
        for (let y = y0; y <= y1; y++) for (let x = l; x <= r; x++) {
          const i = (y * c.width + x) * 4;
          if (data[i + 3] > 128 && Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]) > 50) n++;
        }
        return n;
      };
      const q = Math.floor((b - t) / 4);
      return { top: coloured(t, t + q), bottom: coloured(b - q, b) };
    })()`)) as { top: number; bottom: number };
    assert.ok(
      hits.top > 0,
      `the +50 spike reaches the top quarter of the plot (nothing else does): ${JSON.stringify(hits)}`,
    );
    assert.ok(hits.bottom > 0, `the -40 dip reaches the bottom quarter: ${JSON.stringify(hits)}`);
    await d.page.locator('#smoothing').fill('0.6');
  });

  it('draws gradient and activation histograms over time, bins on the right cells, non-finite shown', async () => {
    const d = pages[0];
    const runId = 'hist';
    const hist = (
      seq: number,
      step: number,
      of: 'grad' | 'activation',
      layer: string,
      edges: number[],
      counts: number[],
      nonFinite = 0,
    ): RunEvent =>
      ({
        kind: 'histogram',
        runId,
        seq,
        t: seq,
        step,
        of,
        layer,
        variable: of === 'grad' ? `${layer}/kernel` : undefined,
        edges,
        counts,
        nonFinite,
      }) as RunEvent;
    const evs: RunEvent[] = [
      { kind: 'batch', runId, seq: 0, t: 0, step: 0, epoch: 0, batch: 0, loss: 1, metrics: {}, lr: null } as RunEvent,
      // value range 0..4; two samples: left half of the canvas bin 0..1, right half bin 3..4
      hist(1, 0, 'grad', 'dense_1', [0, 1, 2], [10, 0]),
      hist(2, 50, 'grad', 'dense_1', [2, 3, 4], [0, 7], 3),
      hist(3, 0, 'activation', 'dense_1', [-1, 0, 1], [1, 9]),
    ];
    await d.host({ type: 'reset', runs: [{ runId, jobFile: '/w/h.ts', label: 'h', startedAt: '', status: 'ok' }] });
    await d.host({ type: 'events', runId, events: evs });
    await settled(d.page);
    const fig = d.page.locator('#hist-grad figure.hist[data-key="grad:dense_1/dense_1/kernel"]');
    assert.equal(await fig.getAttribute('data-samples'), '2');
    assert.equal(await fig.getAttribute('data-range'), '0,4');
    assert.equal(await fig.getAttribute('data-nonfinite'), '3');
    assert.match(await fig.locator('.badge').innerText(), /3 non-finite/);
    assert.equal(await d.page.locator('#hist-activation figure.hist').count(), 1, 'activations section');
    const px = (await d.page.evaluate(`(() => {
      const c = document.querySelector('#hist-grad figure.hist[data-key="grad:dense_1/dense_1/kernel"] canvas');
      const ctx = c.getContext('2d');
      const at = (fx, fy) => [...ctx.getImageData(Math.floor(c.width * fx), Math.floor(c.height * fy), 1, 1).data];
      // rows: value 4 at the top, 0 at the bottom; bin 0..1 = bottom quarter, bin 3..4 = top quarter
      return { leftBottom: at(0.25, 0.875), leftTop: at(0.25, 0.125), rightTop: at(0.75, 0.125), rightBottom: at(0.75, 0.875), bg: at(0.75, 0.5) };
    })()`)) as Record<'leftBottom' | 'leftTop' | 'rightTop' | 'rightBottom' | 'bg', number[]>;
    const isBg = (p: number[]): boolean => p.join() === px.bg.join();
    assert.ok(!isBg(px.leftBottom), `sample 0 bin 0..1 painted: ${px.leftBottom}`);
    assert.ok(isBg(px.leftTop), 'sample 0 has nothing at 3..4');
    assert.ok(!isBg(px.rightTop), `sample 1 bin 3..4 painted: ${px.rightTop}`);
    assert.ok(isBg(px.rightBottom), 'sample 1 has nothing at 0..1');
    // text alternative: the latest histogram's bins
    await fig.locator('summary').click();
    assert.deepEqual(await fig.locator('.hist-table td.num').allInnerTexts(), ['0', '7']);
  });

  it('its buttons are @vscode-elements components painted from the theme (dark, light, high contrast); toggles keep aria-pressed and the keyboard', async () => {
    const buttons = [
      '#stop-run',
      '#chart-toolbar [data-axis="step"]',
      '#chart-toolbar [data-axis="epoch"]',
      '#chart-toolbar [data-axis="time"]',
      'section[data-chart="loss"] .toggle',
      'section[data-chart="loss"] .export-csv',
      'section[data-chart="loss"] .export-png',
      'section[data-chart="loss"] .reset-zoom',
    ];
    for (const theme of ['dark', 'light', 'highContrast'] as const) {
      const d = await open(undefined, theme);
      await frames(d.page);
      for (const sel of buttons) {
        const b = await vscodeElement(d.page, sel);
        assert.equal(b.tag, 'vscode-button', sel);
        assert.ok(
          b.defined && b.adoptedSheets > 0 && b.styleElements === 0,
          `${sel}: an upgraded vscode-button styled without <style> elements`,
        );
      }
      const vars = THEMES[theme].vars;
      // the pressed axis is a primary button (high contrast defines no button background: the component's blue),
      // the others secondary
      const step = await vscodeElement(d.page, '#chart-toolbar [data-axis="step"]', '.base');
      const epoch = await vscodeElement(d.page, '#chart-toolbar [data-axis="epoch"]', '.base');
      assert.equal(
        step.background,
        cssRgb(vars['--vscode-button-background'] ?? '#0078d4'),
        `${theme}: the pressed toggle`,
      );
      assert.equal(
        epoch.background,
        cssRgb(vars['--vscode-button-secondaryBackground']),
        `${theme}: a toggle not pressed`,
      );
      for (const b of [step, epoch])
        assert.ok(
          contrastRatio(b.color, b.background) >= 4.5,
          `${theme}: contrast ${contrastRatio(b.color, b.background).toFixed(2)}`,
        );
      if (theme !== 'dark') continue;

      // keyboard: Enter on a focused axis button switches the axis; Tab moves to the next; Space toggles log y
      await d.page.focus('#chart-toolbar [data-axis="epoch"]');
      await d.page.keyboard.press('Enter');
      await frames(d.page);
      assert.deepEqual(
        await d.page.$$eval('#chart-toolbar [data-axis]', bs =>
          bs.map(b => `${(b as HTMLElement).dataset.axis}:${b.getAttribute('aria-pressed')}:${b.getAttribute('role')}`),
        ),
        ['step:false:button', 'epoch:true:button', 'time:false:button'],
      );
      assert.equal(((await d.page.evaluate(() => window.__state)) as { xAxis?: string }).xAxis, 'epoch');
      await d.page.keyboard.press('Tab');
      assert.equal(await d.page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.axis), 'time');
      await d.page.focus('section[data-chart="loss"] .toggle');
      await d.page.keyboard.press('Space');
      await frames(d.page);
      assert.equal(await d.page.getAttribute('section[data-chart="loss"] .toggle', 'aria-pressed'), 'true');
      assert.equal(((await d.page.evaluate(() => window.__state)) as { logLoss?: boolean }).logLoss, true);
    }
  });

  it('had no console errors, page errors or CSP violations', async () => {
    for (const d of pages) {
      assert.deepEqual(await d.cspViolations(), [], 'no securitypolicyviolation events');
      assert.deepEqual(d.pageErrors, [], 'no page errors');
      assert.deepEqual(d.consoleErrors, [], 'no console errors');
      assert.deepEqual(d.foreignRequests, [], 'no requests outside the local server');
      assert.deepEqual(
        (await d.posted()).filter(m => m.type === 'error'),
        [],
        'no internal errors reported',
      );
    }
  });
});
