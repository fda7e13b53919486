// Scenario 11 (hyper-parameter sweep): the job declares `hparams(defaults, { lr: [..], weightDecay: [..] })` ->
// "Training Lens: Sweep" from the palette on the open job -> input boxes: 4 trials, 2 epochs each, random search, no cross-validation ->
// - every trial is an ordinary run on disk (run-start carries its hparams and the sweep id);
// - the Sweep panel shows the Best-N table in the record's rank order and sorts by a header click;
// - "Overlay top K" (K = 2) opens the dashboard with the two best runs overlaid;
// - in Restricted Mode the command is refused like Train.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { waitUntil, withWorkbench } from './lib/workbench.ts';
import { SWEEP, answerInputBox, rowTrials, sweepFrame, sweeps } from './lib/sweep.ts';
import {
  dashboardRunLists,
  env,
  readRun,
  restrictedWindow,
  runIds,
  stopQuietly,
  trustedWindow,
  useBrowser,
} from './lib/training.ts';

const browser = useBrowser();
const JOB = 'jobs/sweep.ts';
const FIXTURE = path.resolve(import.meta.dirname, '..', 'fixtures', 'sweep', 'lr.train.ts');

test('11. Sweep: 4 trials from the palette, each a run; the Best-N panel sorts and overlays the top K', async t => {
  fs.copyFileSync(FIXTURE, path.join(env.workspace, JOB));
  await withWorkbench(t, browser(), trustedWindow(), async wb => {
    try {
      await wb.openFile(JOB);
      // the job's hparams() call gets a Sweep lens naming the searched hyper-parameters
      await wb.page
        .locator('.monaco-editor .codelens-decoration a', { hasText: '▶ Sweep lr, weightDecay' })
        .first()
        .waitFor({ state: 'visible', timeout: 60_000 });
      const runsBefore = runIds(env.workspace);
      const sweepsBefore = sweeps(env.workspace).map(s => s.id);
      await wb.runCommand(SWEEP);
      await answerInputBox(wb, 'Training Lens: Sweep (1/4)', '4');
      await answerInputBox(wb, 'Training Lens: Sweep (2/4)', '2');
      await answerInputBox(wb, 'Training Lens: Sweep (3/4)', 'Random search');
      await answerInputBox(wb, 'Training Lens: Sweep (4/4)', '1');

      const sweep = await waitUntil(
        'the sweep to finish on disk',
        () => sweeps(env.workspace).find(s => !sweepsBefore.includes(s.id) && s.status !== 'running') ?? null,
        240_000,
        500,
      );
      t.diagnostic(
        `sweep ${sweep.id}: ${JSON.stringify(sweep.trials.map(x => [x.rank, x.hparams.lr, x.metric?.value, x.status]))}`,
      );
      assert.equal(sweep.status, 'done');
      assert.equal(sweep.metric?.name, 'val_loss');
      assert.deepEqual(
        sweep.trials.map(x => x.status),
        ['ok', 'ok', 'ok', 'ok'],
      );

      // each trial is a normal run of this workspace, with its hparams in run-start
      const newRuns = runIds(env.workspace).filter(id => !runsBefore.includes(id));
      assert.deepEqual([...newRuns].sort(), sweep.trials.map(x => x.runId!).sort());
      for (const trial of sweep.trials) {
        const start = readRun(env.workspace, trial.runId!).events[0] as {
          kind: string;
          hparams?: unknown;
          sweep?: unknown;
        };
        assert.equal(start.kind, 'run-start');
        assert.deepEqual(start.hparams, trial.hparams);
        assert.deepEqual(start.sweep, { id: sweep.id, trial: trial.trial });
      }

      // the panel: rank order, then a header click sorts by lr
      const frame = await sweepFrame(wb, 4);
      const byRank = [...sweep.trials].sort((a, b) => a.rank! - b.rank!).map(x => x.trial);
      await waitUntil(
        'the panel to show the final ranking',
        async () => (JSON.stringify(await rowTrials(frame)) === JSON.stringify(byRank) ? true : null),
        15_000,
      );
      await frame.click('th[data-col="hp:lr"] button');
      const byLr = [...sweep.trials].sort((a, b) => a.hparams.lr - b.hparams.lr).map(x => x.trial);
      assert.deepEqual(await rowTrials(frame), byLr);
      await wb.screenshot('11-sweep-panel');

      // Overlay top K = 2: the dashboard overlays the two best runs
      assert.deepEqual(
        await frame.evaluate(() =>
          ['#overlay', '#top-k'].map(s => {
            const e = document.querySelector(s);
            const c = e ? customElements.get(e.localName) : undefined;
            return e ? `${e.localName}${c && e instanceof c && e.shadowRoot ? '' : ' (not upgraded)'}` : `${s} missing`;
          }),
        ),
        ['vscode-button', 'vscode-textfield'],
        'the controls are @vscode-elements components under the webview CSP',
      );
      // #top-k is a vscode-textfield: type into its input (in its open shadow root); leaving the field commits it
      await frame.fill('#top-k input', '2');
      await frame.press('#top-k input', 'Tab');
      await frame.click('#overlay');
      const best2 = [...sweep.trials]
        .sort((a, b) => a.rank! - b.rank!)
        .slice(0, 2)
        .map(x => x.runId!);
      const list = await waitUntil(
        'a dashboard overlaying the two best runs',
        async () =>
          (await dashboardRunLists(wb)).find(l => l.length === 2 && l.every(r => best2.includes(r.runId))) ?? null,
        30_000,
      );
      t.diagnostic(`overlaid: ${JSON.stringify(list)}`);
      const best = sweep.trials.find(x => x.rank === 1)!;
      const bestLabel = list.find(r => r.runId === best.runId)?.label ?? '';
      assert.match(bestLabel, new RegExp(`^sweep ${best.trial + 1}/4 · lr `), 'each run is labelled as its trial');
      await wb.screenshot('11-sweep-overlay');
    } finally {
      await stopQuietly(wb);
    }
  });
});

test('11b. Sweep is refused in Restricted Mode', async t => {
  await withWorkbench(t, browser(), restrictedWindow(), async wb => {
    await waitUntil(
      'the "Restricted Mode" status bar entry',
      async () => (await wb.statusBarText()).includes('Restricted Mode'),
      30_000,
    );
    const before = runIds(env.restrictedWorkspace);
    await wb.runCommand(SWEEP);
    const note = await wb.waitForNotification(/Restricted Mode/, 15_000);
    t.diagnostic(`notification: ${note}`);
    await new Promise(r => setTimeout(r, 1500));
    assert.deepEqual(runIds(env.restrictedWorkspace), before, 'no run started');
    assert.deepEqual(sweeps(env.restrictedWorkspace), [], 'no sweep started');
  });
});

test('11c. a sweep whose trials all fail: one summary notification naming the line, no notification per trial', async t => {
  const job = 'jobs/sweep-fails.ts';
  fs.writeFileSync(
    path.join(env.workspace, job),
    [
      "import * as tf from '@tensorflow/tfjs';",
      "import { hparams } from 'training-lens';",
      'const hp = hparams({ lr: 1e-3 }, { lr: [1e-4, 1e-2] });',
      'const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });',
      "model.compile({ optimizer: tf.train.sgd(hp.lr), loss: 'meanSquaredError' });",
      '// three features into a two-input model: every trial fails in fit',
      'await model.fit(tf.zeros([4, 3]), tf.zeros([4, 1]), { epochs: 1 });',
      '',
    ].join('\n'),
  );
  await withWorkbench(t, browser(), trustedWindow(), async wb => {
    try {
      await wb.clearNotifications();
      await wb.openFile(job);
      const sweepsBefore = sweeps(env.workspace).map(s => s.id);
      await wb.runCommand(SWEEP);
      await answerInputBox(wb, 'Training Lens: Sweep (1/4)', '3');
      await answerInputBox(wb, 'Training Lens: Sweep (2/4)', '1');
      await answerInputBox(wb, 'Training Lens: Sweep (3/4)', 'Random search');
      await answerInputBox(wb, 'Training Lens: Sweep (4/4)', '1');
      const sweep = await waitUntil(
        'the failing sweep to finish on disk',
        () => sweeps(env.workspace).find(s => !sweepsBefore.includes(s.id) && s.status !== 'running') ?? null,
        120_000,
        500,
      );
      assert.deepEqual(
        sweep.trials.map(x => x.status),
        ['error', 'error', 'error'],
      );
      const note = await wb.waitForNotification(/3 of 3 sweep trials failed/, 30_000);
      t.diagnostic(`notification: ${note}`);
      assert.match(note, /shape.* sweep-fails\.ts:7/, 'the first failure and its line (the fit call)');
      await new Promise(r => setTimeout(r, 1500)); // a per-trial notification would have shown by now
      const perTrial = (await wb.notifications()).filter(n => /^Training failed/.test(n));
      assert.deepEqual(perTrial, [], 'no "Training failed" notification per trial');
    } finally {
      await stopQuietly(wb);
    }
  });
});
