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
  const rows = wb.quickInput().locator('.monaco-list-row');
  const want = labels.flatMap((l, i) => (matches(l) ? [i] : []));
  for (const i of want) {
    await waitUntil(
      `row ${i} ("${labels[i]}") ticked`,
      async () => {
        const row = rows.nth(i);
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
    async () => (await wb.quickInput().locator(CHECKED).count()) >= want.length,
    5000,
  );
  await wb.page.keyboard.press('Enter');
  await wb.quickInput().waitFor({ state: 'hidden', timeout: 10_000 });
  return want.map(i => labels[i]);
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
  await wb.quickInput().locator('.monaco-button', { hasText: okLabel }).first().click();
  await wb.quickInput().waitFor({ state: 'hidden', timeout: 10_000 });
}
