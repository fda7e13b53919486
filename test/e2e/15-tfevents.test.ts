// Scenario 15: a TensorBoard logdir in the workspace (written by real Keras: train/ and validation/, histograms)
// is listed in the Runs view; shown in the dashboard it has its loss and val_loss curves, and the overfitting the
// model was made to show is a finding that names the tag and step and says a logdir has no source line.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Frame } from 'playwright-core';
import { waitUntil, withWorkbench } from './lib/workbench.ts';
import { env, trustedWindow, useBrowser } from './lib/training.ts';
import { paletteHasCommand } from './lib/editor.ts';

const browser = useBrowser();
const FIXTURE = path.resolve(import.meta.dirname, '..', 'fixtures', 'tfevents', 'keras');
const LABEL = 'TensorBoard: tb-logs/keras';

interface Shown {
  runs: string[];
  lossPoints: number;
  findings: string[];
}

async function shownOf(f: Frame): Promise<Shown | null> {
  return f
    .evaluate(() => {
      const list = document.querySelector<HTMLElement>('#run-list');
      const loss = document.querySelector<HTMLElement>('section.chart[data-chart="loss"]');
      if (!list || !loss) return null;
      return {
        runs: Array.from(list.querySelectorAll<HTMLElement>('li .run-label')).map(l => (l.textContent ?? '').trim()),
        lossPoints: Number(loss.dataset.points ?? 0),
        findings: Array.from(document.querySelectorAll<HTMLElement>('#findings .finding')).map(
          li => li.textContent ?? '',
        ),
      };
    })
    .catch(() => null);
}

test('15. a Keras logdir in the workspace: listed, its curves in the dashboard, a finding naming tag and step', async t => {
  fs.cpSync(FIXTURE, path.join(env.workspace, 'tb-logs', 'keras'), { recursive: true });
  await withWorkbench(t, browser(), trustedWindow(), async wb => {
    assert.ok(await paletteHasCommand(wb, 'Training Lens: Open TensorBoard Logdir'), 'the Open Logdir command');
    await wb.runCommand('Training Lens: Compare Runs');
    const labels = await wb.waitQuickPickLabels();
    t.diagnostic(`Compare Runs offers: ${JSON.stringify(labels.slice(0, 8))}`);
    const i = labels.findIndex(l => l.startsWith(LABEL));
    assert.ok(i >= 0, `the Runs listing offers the logdir run "${LABEL}": ${JSON.stringify(labels)}`);
    const row = wb.quickInput().locator('.monaco-list-row').nth(i);
    await row.locator('.quick-input-list-checkbox, input[type="checkbox"], .monaco-checkbox').first().click();
    await wb.page.keyboard.press('Enter');
    // 30 epochs of loss (train/epoch_loss) and val_loss (validation/epoch_loss)
    const { f, s } = await waitUntil(
      'the dashboard showing the logdir run with its curves and a finding',
      async () => {
        for (const f of wb.dashboardFrames()) {
          const s = await shownOf(f);
          if (s && s.runs.includes(LABEL) && s.lossPoints === 60 && s.findings.some(x => /overfitting/.test(x)))
            return { f, s };
        }
        return null;
      },
      60_000,
    );
    t.diagnostic(`shown: ${JSON.stringify(s)}`);
    const finding = s.findings.find(x => /overfitting/.test(x))!;
    assert.match(
      finding,
      /tag "validation\/epoch_loss", step \d+; a logdir has no source line/,
      'finding names tag, step',
    );
    await f.evaluate(() => document.querySelector('#findings')?.scrollIntoView({ block: 'center' }));
    await wb.afterPaint(f);
    await wb.screenshot('15-tfevents');
  });
});
