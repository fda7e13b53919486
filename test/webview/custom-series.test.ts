/**
 * The dashboard's "Custom" section in headless Chromium: a real cpu run of the custom-log fixture (the toolkit's
 * log() per batch, logHistogram() per epoch) is replayed into the page; each custom scalar gets its own chart after
 * the built-in ones, with every logged point and its non-finite count, and each custom histogram a heatmap under
 * "Custom histograms".
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it, before } from 'node:test';
import type { RunEvent } from '../../src/protocol';
import { dashboardSuite, settled, type DashboardPage } from './harness';
import { runJob, ROOT } from '../unit/helpers';

describe('custom series in the dashboard (headless Chromium)', () => {
  const suite = dashboardSuite('tl-webview-custom-');
  let events: RunEvent[] = [];
  let d: DashboardPage;

  before(async () => {
    const job = path.join(ROOT, 'test', 'fixtures', 'toolkit', 'custom-log.train.ts');
    const run = await runJob(job, { backend: 'cpu' });
    assert.equal(run.end.status, 'ok', `the fixture run failed: ${run.end.error?.message}`);
    events = run.events;
  });

  it('charts each log() series under Custom, after the built-in charts, with every point', async () => {
    d = await suite.open('dark');
    const start = events.find(e => e.kind === 'run-start');
    assert.ok(start?.kind === 'run-start');
    const runId = start.runId;
    await d.host({
      type: 'reset',
      runs: [{ runId, jobFile: start.jobFile, label: 'custom', startedAt: '', status: 'ok' }],
    });
    await d.host({ type: 'events', runId, events });
    const custom = d.page.locator('section.chart[data-chart="custom:loss x 2"]');
    await custom.locator('h2').waitFor();
    assert.match(await custom.locator('h2').innerText(), /^Custom: loss x 2/, 'titled by the name the job gave');
    const logged = events.filter(e => e.kind === 'custom-scalar' && e.name === 'loss x 2').length;
    assert.equal(await custom.getAttribute('data-points'), String(logged), 'every logged value is a point');
    const ids = await d.page.locator('section.chart').evaluateAll(s => s.map(x => (x as HTMLElement).dataset.chart));
    const firstCustom = ids.findIndex(id => id!.startsWith('custom:'));
    assert.ok(firstCustom > 0, `custom charts present: ${ids.join(', ')}`);
    assert.ok(
      ids.slice(firstCustom).every(id => id!.startsWith('custom:')),
      `the custom charts come after every built-in chart: ${ids.join(', ')}`,
    );
    assert.deepEqual(
      ids.slice(firstCustom).sort(),
      ['custom:final weight sum', 'custom:loss x 2', 'custom:not finite'],
      'one chart per name',
    );
    assert.equal(
      await d.page.locator('section.chart[data-chart="custom:not finite"]').getAttribute('data-nonfinite'),
      '1',
      'a NaN value is counted as non-finite, not plotted',
    );
  });

  it('shows each logHistogram() series as a heatmap under Custom histograms', async () => {
    const fig = d.page.locator('#hist-custom figure.hist[data-key="custom:first kernel"]');
    await fig.waitFor();
    // a heatmap is drawn within a per-frame budget, after its figure is placed: wait for the drawing
    await settled(d.page);
    assert.equal(await fig.getAttribute('data-samples'), '2', 'one sample per epoch');
    assert.equal(await d.page.locator('#hist-custom figure.hist').count(), 2, 'first kernel and predictions');
    assert.match(await d.page.locator('#hist-custom').innerText(), /Custom histograms/);
  });
});
