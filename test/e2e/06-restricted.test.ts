// Scenario 6: Restricted Mode (workspace trust not granted): Train is refused with an explanation; code lenses still show.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitUntil, withWorkbench } from './lib/workbench.ts';
import { CMD, LENS_TITLE, env, liveStatus, restrictedWindow, runIds, useBrowser } from './lib/training.ts';

const browser = useBrowser();

test('6. Restricted Mode: Train is refused with an explanation, code lenses still show', async t => {
  await withWorkbench(t, browser(), restrictedWindow(), async wb => {
    // the window really is restricted
    await waitUntil(
      'the "Restricted Mode" status bar entry',
      async () => (await wb.statusBarText()).includes('Restricted Mode'),
      30_000,
    );

    await wb.openFile('jobs/long.ts');
    const lens = wb.page.locator('.monaco-editor .codelens-decoration a', { hasText: LENS_TITLE });
    await lens.first().waitFor({ state: 'visible', timeout: 60_000 });

    const before = runIds(env.restrictedWorkspace);
    await wb.runCommand(CMD.train);
    // either refused at once, or after the job pick
    const note = await waitUntil(
      'a Restricted Mode explanation',
      async () => {
        const found = (await wb.notifications()).find(n => n.includes('Restricted Mode'));
        if (found) return found;
        if (await wb.quickInput().isVisible()) {
          const labels = await wb.quickInput().locator('.monaco-list-row .label-name').allInnerTexts();
          if (labels.includes('jobs/long.ts')) await wb.pickQuickItem('jobs/long.ts', { exact: true });
        }
        return null;
      },
      30_000,
    );
    t.diagnostic(`notification: ${note}`);
    const severity = await wb.page
      .locator('.notification-list-item', { hasText: 'Restricted Mode' })
      .first()
      .locator('.codicon-error, .codicon-notifications-error')
      .count();
    assert.ok(severity > 0, 'an error notification');

    // the code lens (trainingLens.trainFile) is refused the same way
    await wb.clearNotifications();
    await waitUntil('notifications cleared', async () => (await wb.notifications()).length === 0, 10_000);
    await lens.first().click();
    const again = await wb.waitForNotification(/Restricted Mode/, 15_000);
    t.diagnostic(`code lens: ${again}`);

    // nothing started: a run creates its folder within a few hundred ms; allow far more before concluding none did
    await new Promise(r => setTimeout(r, 2000));
    assert.deepEqual(runIds(env.restrictedWorkspace), before, 'no run folder was created');
    assert.equal(await liveStatus(wb), null, 'no live status bar item');
    await wb.screenshot('06-restricted');
  });
});
