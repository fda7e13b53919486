/**
 * Replay in columns, runs compared and the toolkit's extra series, in headless Chromium under the production CSP:
 * a `history` message draws what the same events do; compared runs' histograms sit side by side (per run, on a
 * shared value range, in the run's colour) and a run can be hidden; clipping and momentum get their charts.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { RunEvent, RunInfo } from '../../src/protocol';
import { encodeHistory } from '../../src/protocol/history';
import { dashboardSuite, fixtureLog, readSections, settled, type DashboardPage } from './harness';

const ARTIFACTS = path.resolve(import.meta.dirname, '..', '..', 'test-artifacts');

function infoOf(runId: string, label: string): RunInfo {
  return { runId, jobFile: `/w/${label}.train.ts`, label, startedAt: '2026-12-01T00:00:00Z', status: 'ok' };
}

/** A run with gradient histograms of two layers every 10 steps; `spread` scales the values. */
function histRun(runId: string, spread: number): RunEvent[] {
  const events: RunEvent[] = [];
  let seq = 0;
  for (let step = 0; step < 60; step++) {
    events.push({
      kind: 'batch',
      runId,
      seq: seq++,
      t: step,
      step,
      epoch: 0,
      batch: step,
      loss: 1 / (1 + step),
      metrics: {},
      lr: 0.01,
    } as RunEvent);
    if (step % 10 === 0) {
      for (const layer of ['dense_1', 'dense_2']) {
        const edges = [-2, -1, 0, 1, 2].map(e => e * spread);
        events.push({
          kind: 'histogram',
          runId,
          seq: seq++,
          t: step,
          step,
          of: 'grad',
          layer,
          variable: `${layer}/kernel`,
          edges,
          counts: [1, 5, 5, 1],
          nonFinite: 0,
        } as RunEvent);
      }
    }
  }
  return events;
}

describe('replay in columns, compared runs, clipping and momentum (headless Chromium)', () => {
  const suite = dashboardSuite('tl-webview-compare-');
  const pages: DashboardPage[] = [];
  const open = async (): Promise<DashboardPage> => {
    const d = await suite.open();
    pages.push(d);
    return d;
  };

  it('draws the same charts from a history message (columns) as from the events', async () => {
    const { events } = fixtureLog();
    const info = infoOf(events[0].runId, 'fixture');
    const a = await open();
    await a.host({ type: 'reset', runs: [info] });
    await a.host({ type: 'events', runId: info.runId, events });
    const b = await open();
    await b.host({ type: 'reset', runs: [info] });
    const half = Math.floor(events.length / 2);
    await b.host({ type: 'history', runId: info.runId, history: encodeHistory(events.slice(0, half)) });
    await b.host({ type: 'history', runId: info.runId, history: encodeHistory(events.slice(half)) });
    const sa = await readSections(a.page);
    const sb = await readSections(b.page);
    assert.ok(sa.length >= 3, `charts: ${sa.map(s => s.id).join(', ')}`);
    assert.deepEqual(
      sb.map(s => [s.id, s.series, s.points, s.nonFinite]),
      sa.map(s => [s.id, s.series, s.points, s.nonFinite]),
    );
    for (const s of sb) assert.ok(s.colouredPixels > 0, `${s.id} drawn`);
    for (const sel of ['#run-step', '#run-loss', '#run-epoch'])
      assert.equal(await b.page.locator(sel).innerText(), await a.page.locator(sel).innerText(), sel);
    // a corrupted history message is refused (the reason names the column) and changes nothing
    const h = encodeHistory(events) as unknown as { batch: { t: unknown } };
    h.batch.t = [1, 2];
    const before = (await b.posted()).length;
    await b.host({ type: 'history', runId: info.runId, history: h });
    const errors = (await b.posted()).slice(before);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0].message), /invalid host message: history: batch\.t: expected Float64Array/);
  });

  it("shows compared runs' histograms side by side per layer, on a shared range, one colour per run; a run can be hidden", async () => {
    const d = await open();
    const a = infoOf('run-a', 'narrow');
    const b = infoOf('run-b', 'wide');
    await d.host({ type: 'reset', runs: [a, b] });
    await d.host({ type: 'history', runId: a.runId, history: encodeHistory(histRun(a.runId, 0.1)) });
    await d.host({ type: 'history', runId: b.runId, history: encodeHistory(histRun(b.runId, 1)) });
    await settled(d.page);
    const figs = await d.page.locator('#hist-grad figure.hist').evaluateAll(els =>
      els.map(e => {
        const f = e as HTMLElement;
        return {
          run: f.dataset.runId,
          key: f.dataset.key,
          range: f.dataset.range,
          color: f.dataset.color,
          samples: f.dataset.samples,
          caption: f.querySelector('figcaption')?.textContent ?? '',
          hidden: f.hidden,
        };
      }),
    );
    // layer by layer: dense_1 of both runs, then dense_2 of both
    assert.deepEqual(
      figs.map(f => [f.key, f.run]),
      [
        ['grad:dense_1/dense_1/kernel', 'run-a'],
        ['grad:dense_1/dense_1/kernel', 'run-b'],
        ['grad:dense_2/dense_2/kernel', 'run-a'],
        ['grad:dense_2/dense_2/kernel', 'run-b'],
      ],
    );
    for (const f of figs) {
      assert.equal(f.samples, '6');
      // the wide run's range for both: the narrow run's mass sits in the middle rows, comparable at a glance
      assert.equal(f.range, '-2,2', `${f.run} ${f.key} on the shared range`);
      assert.match(f.caption, f.run === 'run-a' ? /^narrow · / : /^wide · /);
    }
    assert.notEqual(figs[0].color, figs[1].color, 'one colour per run');
    // the run's heatmap colour is its line colour on the loss chart
    const runColours = await d.page
      .locator('#run-list .swatch')
      .evaluateAll(els => els.map(e => getComputedStyle(e).backgroundColor.replace(/[^\d,]/g, '')));
    assert.deepEqual(
      figs.slice(0, 2).map(f => f.color),
      runColours,
    );
    // the narrow run's canvas: painted in the middle rows only (values within ±0.2 of a ±2 range)
    // plain JS in a string: tsx's helpers do not exist in the page
    const rows = await d.page.evaluate(`(() => {
      const c = document.querySelector('#hist-grad figure.hist[data-run-id="run-a"] canvas');
      const ctx = c.getContext('2d');
      const bg = [...ctx.getImageData(c.width - 1, 0, 1, 1).data].join();
      const painted = fy => [...ctx.getImageData(Math.floor(c.width / 2), Math.floor(c.height * fy), 1, 1).data].join() !== bg;
      return { top: painted(0.1), middle: painted(0.5), bottom: painted(0.9) };
    })()`);
    assert.deepEqual(rows, { top: false, middle: true, bottom: false });
    await d.page.screenshot({ path: path.join(ARTIFACTS, 'webview-compare-histograms.png'), fullPage: true });

    // hide the wide run: its heatmaps go, the narrow run's get their own range back
    const toggles = d.page.locator('#hist-runs vscode-button');
    assert.deepEqual(await toggles.allInnerTexts(), ['narrow', 'wide']);
    await toggles.nth(1).click();
    await settled(d.page);
    assert.equal(await toggles.nth(1).getAttribute('aria-pressed'), 'false');
    assert.equal(await d.page.locator('#hist-grad figure.hist[data-run-id="run-b"]:not([hidden])').count(), 0);
    assert.equal(await d.page.locator('#hist-grad figure.hist[data-run-id="run-a"]:not([hidden])').count(), 2);
    assert.equal(
      await d.page.locator('#hist-grad figure.hist[data-run-id="run-a"]').first().getAttribute('data-range'),
      '-0.2,0.2',
    );
    // the last shown run cannot be hidden
    await toggles.nth(0).click();
    await settled(d.page);
    assert.equal(await toggles.nth(0).getAttribute('aria-pressed'), 'true');
    assert.equal(
      await d.page.locator('#hist-grad figure.hist[data-run-id="run-a"]:not([hidden])').count(),
      2,
      'its heatmaps stay',
    );
  });

  it('charts gradient clipping (pre/post global norm, threshold) and momentum', async () => {
    const d = await open();
    const runId = 'clip';
    const events: RunEvent[] = [];
    let seq = 0;
    for (let step = 0; step < 40; step++) {
      const pre = 5 * Math.exp(-step / 10) + 0.2;
      events.push({
        kind: 'batch',
        runId,
        seq: seq++,
        t: step,
        step,
        epoch: 0,
        batch: step,
        loss: pre,
        metrics: {},
        lr: 0.01 * (1 - step / 40),
        momentum: 0.95 - 0.1 * Math.sin(step / 12),
      } as RunEvent);
      events.push({
        kind: 'grad-norms',
        runId,
        seq: seq++,
        t: step,
        step,
        variables: {},
        layers: { d1: pre / 2, d2: pre / 3 },
        clip: { mode: 'norm', threshold: 1, preNorm: pre, postNorm: Math.min(pre, 1) },
      } as RunEvent);
    }
    await d.host({ type: 'reset', runs: [infoOf(runId, 'clip')] });
    await d.host({ type: 'history', runId, history: encodeHistory(events) });
    const sections = await readSections(d.page);
    const ids = sections.map(s => s.id);
    assert.deepEqual(
      ids.filter(id => ['lr', 'momentum', 'grad-norms', 'grad-clip'].includes(id)),
      ['lr', 'momentum', 'grad-norms', 'grad-clip'],
    );
    const clip = sections.find(s => s.id === 'grad-clip')!;
    assert.equal(clip.series, 3);
    assert.equal(clip.points, 120);
    assert.ok(clip.colouredPixels > 200, `clip chart drawn (${clip.colouredPixels} px)`);
    assert.equal(clip.title, 'Global gradient norm, before / after clipping ');
    assert.deepEqual(await d.page.locator('section[data-chart="grad-clip"] .series-toggle').allInnerTexts(), [
      'before clipping',
      'after clipping',
      'clip threshold',
    ]);
    // text alternative: latest values (post = min(pre, threshold))
    const last = await d.page
      .locator('section[data-chart="grad-clip"] tbody tr')
      .evaluateAll(trs => trs.map(tr => [...tr.querySelectorAll('td')].slice(1, 3).map(td => td.textContent)));
    assert.deepEqual(
      last.map(r => r[0]),
      ['39', '39', '39'],
    );
    assert.equal(last[2][1], '1');
    const mom = sections.find(s => s.id === 'momentum')!;
    assert.equal(mom.points, 40);
    assert.ok(mom.colouredPixels > 100, 'momentum drawn');
    assert.equal(await d.page.locator('section[data-chart="momentum"] h2').innerText(), 'Momentum (β1)');
  });

  it('had no console errors, page errors or CSP violations', async () => {
    for (const d of pages) {
      assert.deepEqual(await d.cspViolations(), []);
      assert.deepEqual(d.pageErrors, []);
      assert.deepEqual(d.consoleErrors, []);
      assert.deepEqual(
        (await d.posted()).filter(m => m.type === 'error' && !/invalid host message/.test(String(m.message))),
        [],
      );
    }
  });
});
