// Scenario 16: from an empty folder (no package.json, no node_modules) to a first diagnosed run. "Training Lens:
// New Training Job" with a template and a generated sample writes the job, its data and the types-only tfjs and
// toolkit types; the TypeScript server then reports no error in the job (a control file with a deliberate type
// error proves the server checks against the real tfjs types); "Train" in the notification trains it and the
// dashboard draws its curves. Once for the CSV classifier, once for the CNN on a generated folder of PNGs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { withWorkbench, type Workbench } from './lib/workbench.ts';
import { showProblems, problems, waitForProblem } from './lib/editor.ts';
import { CMD, runIds, stopQuietly, trustedWindow, useBrowser, waitForNewRun, waitForRunEnd } from './lib/training.ts';

const browser = useBrowser();

/** A fresh empty folder next to the suite's workspaces (the instance serves any local folder). */
function emptyFolder(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tl-e2e-${name}-`));
}

/** The command's three prompts: template, data (generate a sample), file name (the proposed one). */
async function newJob(wb: Workbench, template: string, file: string): Promise<void> {
  await wb.runCommand('Training Lens: New Training Job');
  await wb.pickQuickItem(template, { exact: true });
  await wb.pickQuickItem('Generate a small sample', { exact: true });
  const input = wb.quickInput().locator('input');
  await wb.page.waitForFunction(
    name => (document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.value === name,
    file,
    { timeout: 15_000 },
  );
  await input.press('Enter');
}

/** No TypeScript error in the job; a control file's deliberate error shows the server checks with tfjs' types. */
async function assertJobTypeChecks(wb: Workbench, folder: string, job: string): Promise<void> {
  fs.writeFileSync(
    path.join(folder, 'control.ts'),
    "import * as tf from '@tensorflow/tfjs';\nexport const notANumber: number = tf.zeros([1]);\n",
  );
  await wb.openFile('control.ts');
  await showProblems(wb);
  const control = await waitForProblem(
    wb,
    "the TS server's error on control.ts (Tensor is not a number)",
    p => p.file === 'control.ts' && /2322/.test(`${p.code} ${p.message}`),
    180_000,
  );
  assert.match(control.message, /Tensor/, `the control error names tfjs' Tensor type: ${control.message}`);
  await wb.openFile(job);
  const inJob = (await problems(wb)).filter(p => p.file === job && p.severity === 'error');
  assert.deepEqual(inJob, [], `no TypeScript error in ${job}`);
  const unresolved = (await problems(wb)).filter(p => /2307|Cannot find module/.test(`${p.code} ${p.message}`));
  assert.deepEqual(unresolved, [], 'every import resolves');
}

async function trainFromNotification(wb: Workbench, folder: string, job: string): Promise<string> {
  const before = runIds(folder);
  const toast = wb.page.locator('.notification-list-item', { hasText: `wrote ${job}` });
  await toast.waitFor({ state: 'visible', timeout: 60_000 });
  const message = await toast.locator('.notification-list-item-message').innerText();
  assert.match(message, /types only, no npm install/, `the message says the types were added: ${message}`);
  await toast.locator('.monaco-button', { hasText: /^Train$/ }).click();
  return waitForNewRun(folder, before, 60_000);
}

for (const { template, file, data } of [
  { template: 'MLP classifier on a CSV file', file: 'csv-classifier.train.ts', data: 'data/flowers.csv' },
  { template: 'CNN on a folder of images', file: 'image-folder.train.ts', data: 'data/shapes/circle' },
]) {
  test(`16. empty folder → New Training Job (${file}) → 0 TypeScript errors → Train → curves`, async t => {
    const folder = emptyFolder(file.replace(/\..*/, ''));
    await withWorkbench(t, browser(), { ...trustedWindow(), folder }, async wb => {
      try {
        await newJob(wb, template, file);
        await wb.waitForNotification(new RegExp(`wrote ${file.replace(/\./g, '\\.')}`), 60_000);
        assert.ok(fs.existsSync(path.join(folder, file)), 'the job is written');
        assert.ok(fs.existsSync(path.join(folder, data)), `the sample data is written (${data})`);
        const tfjs = JSON.parse(
          fs.readFileSync(path.join(folder, 'node_modules/@tensorflow/tfjs/package.json'), 'utf8'),
        );
        assert.equal(tfjs.main, undefined, 'types only');
        assert.ok(!fs.existsSync(path.join(folder, 'package.json')), 'no package.json written');

        const runId = await trainFromNotification(wb, folder, file);
        t.diagnostic(`run ${runId}`);
        await assertJobTypeChecks(wb, folder, file);

        const shown = await wb.waitForDashboard(
          'loss and validation curves with two epochs',
          s => (s.charts.loss?.points ?? 0) > 2 && (s.charts.loss?.series ?? 0) >= 2,
          600_000,
        );
        t.diagnostic(`dashboard: ${JSON.stringify(shown.charts.loss)} status ${shown.status}`);
        await wb.screenshot(`16-new-job-${file.replace(/\..*/, '')}`);
        await wb.runCommand(CMD.stop).catch(() => undefined);
        const end = await waitForRunEnd(folder, runId, 120_000);
        assert.ok(
          end.kind === 'run-end' && (end.status === 'ok' || end.status === 'cancelled'),
          `the run ended ok or stopped: ${JSON.stringify(end)}`,
        );
      } finally {
        await stopQuietly(wb);
      }
    });
  });
}
