// Scenario 6: Restricted Mode (workspace trust not granted): Train is refused with an explanation; code lenses still show.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitUntil, withWorkbench } from './lib/workbench.ts';
import { CMD, LENS_TITLE, env, liveStatus, restrictedWindow, runIds, useBrowser } from './lib/training.ts';

const browser = useBrowser();

test('6. Restricted Mode: Train is refused with an explanation, code lenses still show', async (t) => {
  await withWorkbench(t, browser(), restrictedWindow(), async (wb) => {
    // the window really is restricted
    await waitUntil('the "Restricted Mode" status bar entry', async () => (await wb.statusBarText()).includes('Restricted Mode'), 30_000);

    await wb.openFile('jobs/long.ts');
    const lens = wb.page.locator('.monaco-editor .codelens-decoration a', { hasText: LENS_TITLE });
    await lens.first().waitFor({ state: 'visible', timeout: 60_000 });

    const before = runIds(env.restrictedWorkspace);
    await wb.runCommand(CMD.train);
    // either refused at once, or after the job pick
    const note = await waitUntil('a Restricted Mode explanation', async () => {
      const found = (await wb.notifications()).find((n) => n.includes('Restricted Mode'));
      if (found) return found;
      if (await wb.quickInput().isVisible()) {
        const labels = await wb.quickInput().locator('.monaco-list-row .label-name').allInnerTexts();
        if (labels.includes('jobs/long.ts')) await wb.pickQuickItem('jobs/long.ts', { exact: true });
      }
      return null;
    }, 30_000);
    t.diagnostic(`notification: ${note}`);
    const severity = await wb.page
      .locator('.notification-list-item', { hasText: 'Restricted Mode' })
      .first()
      .locator('.codicon-error, .codicon-notifications-error')
      .count();
    assert.ok(severity > 0, 'an error notification');

    // nothing started: no run folder, no status bar item — also not through the code lens
    await lens.first().click();
    const refusedAgain = await waitUntil('a second refusal (code lens)', async () =>
      (await wb.notifications()).filter((n) => n.includes('Restricted Mode')).length >= 1, 10_000);
    assert.ok(refusedAgain);
    // give a wrongly started run the time to show up before concluding that none did
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual(runIds(env.restrictedWorkspace), before, 'no run folder was created');
    assert.equal(await liveStatus(wb), null, 'no live status bar item');
    await wb.screenshot('06-restricted');
  });
});
