// Scenario 1: a fixture workspace with a job file: "▶ Train with Training Lens" is visible above `fit(`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitUntil, withWorkbench } from './lib/workbench.ts';
import { LENS_TITLE, trustedWindow, useBrowser } from './lib/training.ts';

const browser = useBrowser();

test('1. code lens "▶ Train with Training Lens" shows above fit(', async t => {
  await withWorkbench(t, browser(), trustedWindow(), async wb => {
    await wb.openFile('jobs/long.ts');
    const lens = wb.page.locator('.monaco-editor .codelens-decoration a', { hasText: LENS_TITLE });
    await lens.first().waitFor({ state: 'visible', timeout: 60_000 });
    // one Train lens per fit( call (other lenses, e.g. guideline hints on layers, may show too)
    const titles = await wb.page.locator('.monaco-editor .codelens-decoration a').allInnerTexts();
    assert.equal(
      titles.filter(l => l.trim() === LENS_TITLE).length,
      1,
      `one Train lens for the one fit( call, got ${JSON.stringify(titles)}`,
    );

    // "above fit(": the lens sits directly on top of the editor line that holds `model.fit(`
    const fitLine = wb.page.locator('.monaco-editor .view-line', { hasText: 'model.fit(' }).first();
    await fitLine.waitFor({ state: 'visible' });
    const lensBox = await waitUntil('lens layout', () => lens.first().boundingBox());
    const lineBox = await waitUntil('fit line layout', () => fitLine.boundingBox());
    assert.ok(
      lensBox.y + lensBox.height <= lineBox.y + 1,
      `lens (y=${lensBox.y}) is above the fit( line (y=${lineBox.y})`,
    );
    assert.ok(
      lineBox.y - lensBox.y < 3 * lineBox.height,
      `lens is right above the fit( line, not elsewhere (${lineBox.y - lensBox.y}px)`,
    );
    await wb.screenshot('01-codelens');
  });
});
