/**
 * A TensorBoard logdir run in the dashboard, in headless Chromium under the production CSP: the real Keras logdir
 * (test/fixtures/tfevents/keras, epochs only) read by src/tfevents as the host reads it. The header takes its loss from
 * the last epoch (there is no batch), the model section stays hidden (a logdir carries no model), and loss/val_loss
 * have one point per epoch. Expectations come from the events the reader produced.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { RunInfo } from '../../src/protocol';
import { encodeHistory } from '../../src/protocol/history';
import { findRuns } from '../../src/tfevents/logdir';
import { readLogdirRun } from '../../src/tfevents/convert';
import { dashboardSuite, readSections, settled, type DashboardPage } from './harness';
import { repoRoot } from './build-webview';
import { formatNumber } from '../../src/protocol/format';

const LOGDIR = path.join(repoRoot, 'test', 'fixtures', 'tfevents', 'keras');

describe('a TensorBoard logdir run in the dashboard (headless Chromium, production CSP)', () => {
  const [run] = findRuns(LOGDIR);
  const { events, reader } = readLogdirRun(run);
  const epochs = events.flatMap(e => (e.kind === 'epoch' ? [e] : []));
  const info: RunInfo = {
    runId: reader.runId,
    jobFile: run.dir,
    label: `TensorBoard: ${run.name}`,
    startedAt: new Date(0).toISOString(),
    status: 'ok',
  };
  const suite = dashboardSuite('tl-logdir-');
  let dash: DashboardPage;

  before(async () => {
    dash = await suite.open('dark');
    await dash.host({ type: 'reset', runs: [info] });
    await dash.host({ type: 'history', runId: info.runId, history: encodeHistory(events) });
    await settled(dash.page);
  });

  it('reads a logdir of epochs only: no batch events, 30 epochs with loss and val_loss', () => {
    assert.equal(events.filter(e => e.kind === 'batch').length, 0);
    assert.equal(epochs.length, 30);
    assert.ok(epochs.every(e => typeof e.logs.loss === 'number' && typeof e.logs.val_loss === 'number'));
  });

  it("header: backend tensorboard, the last epoch's loss, no empty model table", async () => {
    const p = dash.page;
    assert.equal(await p.locator('#run-backend').innerText(), 'tensorboard');
    const lastLoss = epochs.at(-1)!.logs.loss as number;
    assert.equal(await p.locator('#run-loss').innerText(), formatNumber(lastLoss, 4));
    assert.equal(await p.locator('#model').isVisible(), false, 'a logdir has no model to show');
  });

  it('the loss chart has one point per epoch for loss and val_loss', async () => {
    const loss = (await readSections(dash.page)).find(s => s.id === 'loss');
    assert.ok(loss, 'a loss chart');
    assert.equal(loss.points, 2 * epochs.length);
    assert.deepEqual(dash.pageErrors, []);
    assert.deepEqual(await dash.cspViolations(), []);
  });
});
