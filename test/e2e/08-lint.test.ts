// Scenario 8 (guideline lint): a relu Dense layer without kernelInitializer (tfjs default glorotNormal) gets
// - a guideline code lens "relu → He (heNormal) recommended · now glorotNormal (default)" right above its line,
// - a Problems entry, source "Training Lens", code init-activation-mismatch, on that line,
// - a quick fix "Use heNormal (He initialization for relu)" that writes kernelInitializer: 'heNormal' into the layer
//   and makes the problem go away (the lens turns into the quiet confirmation "✓ relu → He (heNormal)").
// 8b: lenses and lint are parse-only, so both show in Restricted Mode too.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { waitUntil, withWorkbench, type Workbench } from './lib/workbench.ts';
import { env, lineOf, restrictedWindow, trustedWindow, useBrowser } from './lib/training.ts';
import {
  goToLine,
  openQuickFix,
  pickCodeAction,
  problemKey,
  problems,
  showProblems,
  visibleEditorLines,
  waitForProblem,
  type Problem,
} from './lib/editor.ts';

const browser = useBrowser();

const JOB = 'jobs/lint.ts';
const RELU_NEEDLE = "activation: 'relu'";
const LENS_PREFIX = 'relu → He (heNormal) recommended';
const CODE = 'init-activation-mismatch';
const FIX_TITLE = 'Use heNormal (He initialization for relu)';

const isMismatch = (line: number) => (p: Problem) =>
  p.file === 'lint.ts' && p.folder === 'jobs' && p.source === 'Training Lens' && p.code === CODE && p.line === line;

/** The guideline lens that starts with `prefix` is visible and sits right above the editor line holding `needle`. */
async function assertLensAbove(wb: Workbench, prefix: string, needle: string): Promise<string> {
  const lens = wb.page.locator('.monaco-editor .codelens-decoration a', { hasText: prefix }).first();
  await lens.waitFor({ state: 'visible', timeout: 60_000 });
  const title = (await lens.innerText()).trim();
  assert.ok(title.startsWith(prefix), `lens text starts with "${prefix}": ${title}`);
  const line = wb.page.locator('.monaco-editor .view-line', { hasText: needle.replace(/ /g, '\u00a0') }).first();
  const lineBox = await waitUntil(
    `the line holding ${needle}`,
    async () => {
      const b = await line.boundingBox().catch(() => null);
      if (b) return b;
      // Monaco may render the spaces as regular spaces (depends on the font / renderWhitespace): try that too
      return wb.page
        .locator('.monaco-editor .view-line', { hasText: needle })
        .first()
        .boundingBox()
        .catch(() => null);
    },
    15_000,
  );
  const lensBox = await waitUntil('lens layout', () => lens.boundingBox());
  assert.ok(
    lensBox.y + lensBox.height <= lineBox.y + 1,
    `lens (y=${lensBox.y}) is above the ${needle} line (y=${lineBox.y})`,
  );
  assert.ok(
    lineBox.y - lensBox.y < 2 * lineBox.height,
    `lens is directly above the ${needle} line (${lineBox.y - lensBox.y}px)`,
  );
  return title;
}

test('8. guideline lint: relu lens, init-activation-mismatch in Problems, heNormal quick fix', async t => {
  const file = path.join(env.workspace, JOB);
  const line = lineOf(file, RELU_NEEDLE);
  const original = fs.readFileSync(file, 'utf8');
  const column = original.split('\n')[line - 1].indexOf('dense') + 1; // inside the diagnostic's range (the callee)
  await withWorkbench(t, browser(), trustedWindow(), async wb => {
    await wb.openFile(JOB);

    // (1) the lens on the relu layer
    const title = await assertLensAbove(wb, LENS_PREFIX, RELU_NEEDLE);
    t.diagnostic(`lens: ${title}`);
    assert.equal(title, `${LENS_PREFIX} · now glorotNormal (default)`);

    // (2) the Problems panel entry, on the layer's line
    await showProblems(wb);
    const problem = await waitForProblem(
      wb,
      `${CODE} on ${JOB}:${line} in the Problems panel`,
      isMismatch(line),
      30_000,
    );
    t.diagnostic(`problem: ${problemKey(problem)} ${problem.severity}: ${problem.message.slice(0, 100)}…`);
    assert.equal(problem.severity, 'warning');
    assert.match(problem.message, /relu/);
    assert.match(problem.message, /heNormal/);
    await wb.screenshot('08-lint-problem');

    // (3) the quick fix at the layer: Quick Fix... lists it, choosing it edits the layer
    await goToLine(wb, line, column);
    const titles = await openQuickFix(wb, FIX_TITLE);
    t.diagnostic(`quick fixes: ${JSON.stringify(titles)}`);
    await wb.screenshot('08-lint-quickfix');
    await pickCodeAction(wb, FIX_TITLE);

    // the editor shows the edited layer
    const edited = await waitUntil(
      "kernelInitializer: 'heNormal' in the editor",
      async () => {
        const lines = await visibleEditorLines(wb);
        return lines.find(l => l.includes(RELU_NEEDLE) && l.includes("kernelInitializer: 'heNormal'")) ?? null;
      },
      15_000,
    );
    t.diagnostic(`edited line: ${edited.trim()}`);

    // the problem disappears from the Problems panel (the lint reruns on change, debounced)
    await waitUntil(
      `${CODE} to leave the Problems panel`,
      async () => {
        const all = await problems(wb);
        return !all.some(p => p.file === 'lint.ts' && p.code === CODE);
      },
      15_000,
    );
    // and the lens turns into the confirmation
    // (a lens without a command renders as a <span>, not a link)
    await wb.page
      .locator('.monaco-editor .codelens-decoration :is(a, span)', { hasText: '✓ relu → He (heNormal)' })
      .first()
      .waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(
      await wb.page.locator('.monaco-editor .codelens-decoration a', { hasText: LENS_PREFIX }).count(),
      0,
      'the suggestion lens is gone',
    );
    await wb.screenshot('08-lint-fixed');

    // the edit is a normal (unsaved) editor change: save it, the file on disk has it on the same layer
    await wb.runCommand('File: Save');
    const saved = await waitUntil(
      'the saved file',
      () => {
        const text = fs.readFileSync(file, 'utf8');
        return text !== original ? text : null;
      },
      15_000,
    );
    const savedLine = saved.split('\n')[line - 1];
    assert.ok(
      savedLine.includes(RELU_NEEDLE) && savedLine.includes("kernelInitializer: 'heNormal'"),
      `line ${line} on disk: ${savedLine}`,
    );
    assert.equal(saved.split('\n').length, original.split('\n').length, 'only the layer line changed');
    assert.equal(
      saved.replace(/,?\s*kernelInitializer: 'heNormal'/, ''),
      original,
      'the fix only added kernelInitializer',
    );
  });
});

test('8b. Restricted Mode: guideline lens and lint still show', async t => {
  const file = path.join(env.restrictedWorkspace, JOB);
  const line = lineOf(file, RELU_NEEDLE);
  await withWorkbench(t, browser(), restrictedWindow(), async wb => {
    await waitUntil(
      'the "Restricted Mode" status bar entry',
      async () => (await wb.statusBarText()).includes('Restricted Mode'),
      30_000,
    );
    await wb.openFile(JOB);
    const title = await assertLensAbove(wb, LENS_PREFIX, RELU_NEEDLE);
    await showProblems(wb);
    const problem = await waitForProblem(
      wb,
      `${CODE} on ${JOB}:${line} in the Problems panel`,
      isMismatch(line),
      30_000,
    );
    t.diagnostic(`restricted: lens "${title}", problem ${problemKey(problem)}`);
    await wb.screenshot('08-lint-restricted');
  });
});
