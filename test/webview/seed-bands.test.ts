/**
 * Mean ± std bands over seed replicas in headless Chromium: three real cpu runs of the custom-log fixture, two that
 * differ only in seed (lr 0.05, seeds 1 and 2) and one with another learning rate, are compared in the dashboard.
 * The loss chart gets bands for the series the two replicas share and a note naming 2 seeds; the third run is in
 * no group; the toolbar toggle removes the bands and brings them back.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it, before } from 'node:test';
import type { RunEvent, RunInfo } from '../../src/protocol';
import { dashboardSuite } from './harness';
import { runJob, ROOT } from '../unit/helpers';

const JOB = path.join(ROOT, 'test', 'fixtures', 'toolkit', 'custom-log.train.ts');

describe('seed bands in the dashboard (headless Chromium)', () => {
  const suite = dashboardSuite('tl-webview-seeds-');
  const runs: { info: RunInfo; events: RunEvent[] }[] = [];

  before(async () => {
    for (const hparams of [
      { lr: 0.05, seed: 1 },
      { lr: 0.05, seed: 2 },
      { lr: 0.2, seed: 1 },
    ]) {
      const r = await runJob(JOB, { backend: 'cpu', hparams });
      assert.equal(r.end.status, 'ok', `fixture run ${JSON.stringify(hparams)} failed: ${r.end.error?.message}`);
      const start = r.events.find(e => e.kind === 'run-start');
      assert.ok(start?.kind === 'run-start');
      const label = `lr ${hparams.lr} seed ${hparams.seed}`;
      runs.push({
        info: { runId: start.runId, jobFile: start.jobFile, label, startedAt: '', status: 'ok' },
        events: r.events,
      });
    }
  });

  it('draws mean ± std over the two seed replicas, says how many seeds, and toggles', async () => {
    const d = await suite.open('dark');
    await d.host({ type: 'reset', runs: runs.map(r => r.info) });
    for (const r of runs) await d.host({ type: 'events', runId: r.info.runId, events: r.events });
    const loss = d.page.locator('section.chart[data-chart="loss"]');
    await loss.locator('.seed-note').waitFor();
    assert.equal(await loss.getAttribute('data-seeds'), '2', 'a band for the batch and for the epoch loss');
    const note = await loss.locator('.seed-note').innerText();
    assert.match(note, /mean ± std over 2 seeds \(lr 0\.05 seed 1, lr 0\.05 seed 2\)/, note);
    assert.doesNotMatch(note, /lr 0\.2/, 'the run with another learning rate is no replica');
    const toggle = d.page.locator('#seed-bands');
    assert.equal(await toggle.isVisible(), true, 'the toggle shows when replicas are compared');
    const pixels = (): Promise<string> => loss.locator('canvas').evaluate(c => (c as HTMLCanvasElement).toDataURL());
    const withBands = await pixels();
    await toggle.click();
    await loss.locator('.seed-note').waitFor({ state: 'detached' });
    assert.equal(await loss.getAttribute('data-seeds'), null, 'no bands once toggled off');
    assert.notEqual(await pixels(), withBands, 'the bands are no longer drawn');
    await toggle.click();
    await loss.locator('.seed-note').waitFor();
    assert.equal(await loss.getAttribute('data-seeds'), '2', 'back on');
  });

  it('shows no toggle and no band for a single run', async () => {
    const d = await suite.open('dark');
    await d.host({ type: 'reset', runs: [runs[0].info] });
    await d.host({ type: 'events', runId: runs[0].info.runId, events: runs[0].events });
    const loss = d.page.locator('section.chart[data-chart="loss"]');
    await loss.locator('canvas').waitFor();
    await d.page.evaluate(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert.equal(await loss.locator('.seed-note').count(), 0);
    assert.equal(await d.page.locator('#seed-bands').isVisible(), false);
  });
});
