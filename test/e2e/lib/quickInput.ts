// Quick inputs an extension opens: a multi-select pick ticked like a user does it, and code-server's simple file
// dialog (a quick input with a path in it: no native dialog in the browser).
import { waitUntil, type Workbench } from './workbench.ts';

const CHECKED =
  '.monaco-list-row[aria-checked="true"], .monaco-list-row .monaco-checkbox.checked, .monaco-list-row input[type="checkbox"]:checked';

/**
 * In an open multi-select quick pick: types `filter` (the list is virtualised: only visible rows exist), ticks every
 * row whose label `matches`, checks that VS Code took the ticks, and accepts. Returns the ticked labels.
 */
export async function tickAndAccept(
  wb: Workbench,
  filter: string,
  matches: (label: string) => boolean,
  /** tick at most this many (the first matching rows) */
  limit = Infinity,
): Promise<string[]> {
  await wb.waitQuickPickLabels();
  await wb.quickInput().locator('input').fill(filter);
  const labels = await waitUntil(
    `the pick narrowed to "${filter}"`,
    async () => {
      const l = await wb.waitQuickPickLabels();
      return l.some(matches) ? l : null;
    },
    10_000,
  );
  const want = labels.filter(matches).slice(0, limit);
  // rows found by their label each time: VS Code may reorder the filtered rows as they are ticked
  const rowOf = (label: string) => wb.quickInput().locator('.monaco-list-row').filter({ hasText: label }).first();
  for (const label of want) {
    await waitUntil(
      `"${label}" ticked`,
      async () => {
        const row = rowOf(label);
        if ((await row.getAttribute('aria-checked')) === 'true') return true;
        await row.locator('.quick-input-list-checkbox, input[type="checkbox"], .monaco-checkbox').first().click();
        return (await row.getAttribute('aria-checked')) === 'true' || null;
      },
      10_000,
      300,
    );
  }
  await waitUntil(
    `${want.length} rows ticked`,
    async () => {
      for (const label of want) if ((await rowOf(label).getAttribute('aria-checked')) !== 'true') return null;
      return (await wb.quickInput().locator(CHECKED).count()) >= want.length || null;
    },
    5000,
  );
  // the pick's own OK button (Enter goes to whatever row has focus)
  const ok = wb
    .quickInput()
    .locator('.quick-input-action a, .quick-input-action .monaco-button')
    .filter({ hasText: 'OK' });
  if (await ok.count()) await ok.first().click();
  else await wb.page.keyboard.press('Enter');
  await wb.quickInput().waitFor({ state: 'hidden', timeout: 10_000 });
  return want;
}

/**
 * In the simple file dialog a command opened: types the folder's path, waits until the dialog lists it, and presses
 * the dialog's accept button (`okLabel`, the command's `openLabel`).
 */
export async function answerFolderDialog(wb: Workbench, dir: string, okLabel: string): Promise<void> {
  const input = wb.quickInput().locator('input');
  const want = dir.endsWith('/') ? dir : `${dir}/`;
  // the dialog fills in its start folder once it has read it: typing before that is overwritten
  await waitUntil('the file dialog', async () => /^\/.+\/$/.test(await input.inputValue().catch(() => '')), 30_000);
  await waitUntil(
    `the file dialog in ${want}`,
    async () => {
      if ((await input.inputValue()) !== want) await input.fill(want);
      await wb.waitQuickPickLabels(5000);
      return (await input.inputValue()) === want;
    },
    15_000,
    500,
  );
  // the dialog checks the typed folder before it accepts, and a click while it does can be dropped (seen once in a
  // full-suite run: the dialog stayed open on the right folder): click again until it closes
  const accept = wb.quickInput().locator('.monaco-button', { hasText: okLabel }).first();
  await waitUntil(
    `the file dialog to accept ${want}`,
    async () => {
      if (!(await wb.quickInput().isVisible())) return true;
      await accept.click({ timeout: 2000 }).catch(() => undefined);
      return wb
        .quickInput()
        .waitFor({ state: 'hidden', timeout: 3000 })
        .then(
          () => true,
          () => false,
        );
    },
    15_000,
    0,
  );
}
