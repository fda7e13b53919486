// Scenario 14 (data pitfalls): train jobs/class-sorted.ts (data sorted by class, fit's validationSplit 0.2 takes the
// LAST 20% before shuffling: only class 2) from its code lens ->
// - the Problems panel gets a runtime `label-distribution-shift` entry (source "Training Lens") on the fit( line,
//   naming the classes missing from the validation data; no `overfitting` entry (the shift explains the rising
//   validation loss);
// - the dashboard shows the per-class results panel: recall per class and the confusion matrix of the last epoch,
//   whose cells sum to the 72 validation samples, all in the class-2 row.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { waitUntil, withWorkbench } from './lib/workbench.ts';
import {
  env,
  lineOf,
  readRun,
  stopQuietly,
  trainViaLens,
  trustedWindow,
  useBrowser,
  waitForRunEnd,
} from './lib/training.ts';
import { problems, showProblems, waitForProblem } from './lib/editor.ts';

const browser = useBrowser();
const JOB = 'jobs/class-sorted.ts';

interface ClassesPanel {
  visible: boolean;
  title: string;
  bars: string[];
  matrix: number[][];
}

test('14. data pitfalls: label-distribution-shift on the fit line, per-class results in the dashboard', async t => {
  const file = path.join(env.workspace, JOB);
  const fitLine = lineOf(file, 'await model.fit(');
  await withWorkbench(t, browser(), trustedWindow(), async wb => {
    try {
      const runId = await trainViaLens(wb, JOB);
      const end = await waitForRunEnd(env.workspace, runId, 120_000);
      assert.equal(end.status, 'ok', `the class-sorted run ends normally: ${JSON.stringify(end)}`);
      const findings = readRun(env.workspace, runId)
        .events.filter(e => e.kind === 'finding')
        .map(e => (e.finding as { code?: string }).code);
      t.diagnostic(`run ${runId}: findings ${JSON.stringify(findings)}`);

      // the Problems panel: label-distribution-shift on the fit( line
      await showProblems(wb);
      const problem = await waitForProblem(
        wb,
        'a label-distribution-shift entry on the fit line in the Problems panel',
        p => p.file === 'class-sorted.ts' && p.source === 'Training Lens' && p.code === 'label-distribution-shift',
        30_000,
      );
      t.diagnostic(`problem: line ${problem.line} ${problem.severity}: ${problem.message.slice(0, 200)}…`);
      assert.equal(problem.line, fitLine, `on the fit( line (${fitLine})`);
      assert.match(problem.message, /classes 0, 1 are missing from the validation data/, 'names the missing classes');
      assert.ok(
        !(await problems(wb)).some(p => p.file === 'class-sorted.ts' && p.code === 'overfitting'),
        'no overfitting entry',
      );
      await wb.screenshot('14-label-shift-problem');

      // the dashboard's per-class panel, for the last epoch
      const frame = await wb.dashboardFrame(s => s.status === 'ok', 60_000);
      const panel = await waitUntil(
        'the per-class panel with the last epoch',
        async () => {
          const p = await frame.evaluate((): ClassesPanel | null => {
            const root = document.getElementById('classes');
            if (!root) return null;
            return {
              visible: !root.hidden && root.getBoundingClientRect().height > 0,
              title: document.getElementById('classes-title')?.textContent ?? '',
              bars: [...document.querySelectorAll('#class-recall li')].map(li => li.textContent ?? ''),
              matrix: [...document.querySelectorAll('#confusion-matrix tbody tr')].map(tr =>
                [...tr.querySelectorAll('td')].map(td => Number(td.textContent)),
              ),
            };
          });
          return p && p.visible && /epoch 4$/.test(p.title) ? p : null;
        },
        30_000,
      );
      t.diagnostic(`per-class panel: ${panel.title}; ${JSON.stringify(panel.matrix)}; ${JSON.stringify(panel.bars)}`);
      assert.equal(panel.matrix.length, 3, '3 x 3 matrix');
      assert.deepEqual(
        panel.matrix.map(r => r.reduce((a, b) => a + b, 0)),
        [0, 0, 72],
        'the 72 validation samples are all class 2',
      );
      assert.match(panel.bars[0], /no samples/, 'class 0 has no validation sample');
      await frame.evaluate(() => document.getElementById('classes')?.scrollIntoView({ block: 'center' }));
      await wb.afterPaint(frame);
      await wb.screenshot('14-per-class-panel');
    } finally {
      await stopQuietly(wb);
    }
  });
});
