// Editor-side helpers for the lint/diagnosis scenarios: the Problems panel, moving the cursor, the Quick Fix menu and
// the text an editor shows. Selectors are those of VS Code 1.100 (code-server 4.100.3).
import { waitUntil, type Workbench } from './workbench.ts';

/** One row of the Problems panel. */
export interface Problem {
  /** the resource row above it: its file name (e.g. `lint.ts`) and folder description (e.g. `jobs`) */
  file: string;
  folder: string;
  severity: 'error' | 'warning' | 'info' | '';
  message: string;
  /** "Training Lens", "ts", ... */
  source: string;
  /** the diagnostic's code, e.g. `init-activation-mismatch` */
  code: string;
  line: number;
  column: number;
}

export const problemKey = (p: Problem) => `${p.folder}/${p.file}:${p.line}:${p.column} ${p.source}(${p.code})`;

/** "View: Focus Problems": opens the Problems panel and focuses it. */
export async function showProblems(wb: Workbench): Promise<void> {
  await wb.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
  await wb.page.locator('.markers-panel').first().waitFor({ state: 'visible', timeout: 15_000 });
}

/**
 * The rows the Problems panel renders, in order (resource rows give the file of the marker rows under them).
 * The tree is virtualised: this reads what is rendered, which is every row while the list is short.
 */
export async function problems(wb: Workbench): Promise<Problem[]> {
  return wb.page.locator('.markers-panel .monaco-list-row').evaluateAll(rows => {
    const out: Problem[] = [];
    let file = '';
    let folder = '';
    // (no named helper functions in here: tsx's keepNames would wrap them in a __name() the page does not have)
    const sorted = [...rows].sort(
      (a, b) => Number((a as HTMLElement).dataset.index) - Number((b as HTMLElement).dataset.index),
    );
    for (const row of sorted) {
      if (row.querySelector('.resource-label-container')) {
        file = ((row.querySelector('.label-name') as HTMLElement | null)?.innerText ?? '').trim();
        folder = ((row.querySelector('.label-description') as HTMLElement | null)?.innerText ?? '').trim();
        continue;
      }
      if (!row.querySelector('.marker-message-details-container')) continue; // related information rows
      const icon = row.querySelector('.marker-icon');
      const severity = icon?.classList.contains('error')
        ? 'error'
        : icon?.classList.contains('warning')
          ? 'warning'
          : icon?.classList.contains('info')
            ? 'info'
            : '';
      const pos = /Ln (\d+), Col (\d+)/.exec(
        ((row.querySelector('.marker-line') as HTMLElement | null)?.innerText ?? '').trim(),
      );
      out.push({
        file,
        folder,
        severity,
        message: ((row.querySelector('.marker-message') as HTMLElement | null)?.innerText ?? '').trim(),
        source: ((row.querySelector('.marker-source') as HTMLElement | null)?.innerText ?? '').trim(),
        code: ((row.querySelector('.marker-code') as HTMLElement | null)?.innerText ?? '').trim(),
        line: Number(pos?.[1] ?? 0),
        column: Number(pos?.[2] ?? 0),
      });
    }
    return out;
  });
}

/** Waits until a Problems row satisfies `pred` (the panel must be shown: `showProblems`). */
export async function waitForProblem(
  wb: Workbench,
  what: string,
  pred: (p: Problem) => boolean,
  timeoutMs = 30_000,
): Promise<Problem> {
  return waitUntil(what, async () => (await problems(wb)).find(pred) ?? null, timeoutMs, 250);
}

/** "Go to Line/Column..." (Ctrl+G) with `line:column`; waits until the status bar shows the cursor there. */
export async function goToLine(wb: Workbench, line: number, column = 1): Promise<void> {
  await waitUntil(
    `the cursor at Ln ${line}, Col ${column}`,
    async () => {
      await wb.runCommand('Go to Line/Column...');
      await wb.quickInput().locator('input').fill(`:${line}:${column}`);
      await wb.page.keyboard.press('Enter');
      await wb
        .quickInput()
        .waitFor({ state: 'hidden', timeout: 5000 })
        .catch(() => undefined);
      const status = await wb.page
        .locator('.part.statusbar #status\\.editor\\.selection')
        .innerText({ timeout: 5000 })
        .catch(() => '');
      return status.includes(`Ln ${line}, Col ${column}`);
    },
    30_000,
    250,
  );
}

/** Titles of the actions in the open Quick Fix / code action menu (group headers left out). */
export async function codeActionTitles(wb: Workbench): Promise<string[]> {
  return wb.page.locator('.action-widget .monaco-list-row.action .title').allInnerTexts();
}

/**
 * "Quick Fix..." (Ctrl+.) at the cursor; waits for an action whose title matches `title`, returns every title the
 * menu shows. The menu is left open (pick with `pickCodeAction`, or Escape).
 * The menu is computed once when it opens: a provider that had nothing yet is asked again by reopening it.
 */
export async function openQuickFix(wb: Workbench, title: string | RegExp, timeoutMs = 30_000): Promise<string[]> {
  const match = (t: string) => (typeof title === 'string' ? t.trim() === title : title.test(t));
  let opened = 0;
  return waitUntil(
    `quick fix "${String(title)}"`,
    async () => {
      await wb.assertNoDialog();
      const widget = wb.page.locator('.action-widget');
      if (!(await widget.isVisible().catch(() => false)) || Date.now() - opened > 4000) {
        if (await widget.isVisible().catch(() => false)) await wb.page.keyboard.press('Escape');
        await wb.runCommand('Quick Fix...');
        opened = Date.now();
        await widget.waitFor({ state: 'visible', timeout: 3000 }).catch(() => undefined);
      }
      const titles = await codeActionTitles(wb);
      return titles.some(match) ? titles : null;
    },
    timeoutMs,
    250,
  );
}

/**
 * Chooses the action with exactly this title in the open Quick Fix menu with the keyboard (arrow keys to it, Enter),
 * as a user does after Ctrl+. (the menu's pointer block swallows clicks until the mouse has moved); waits for the
 * menu to close.
 */
export async function pickCodeAction(wb: Workbench, title: string): Promise<void> {
  const widget = wb.page.locator('.action-widget');
  const focused = widget.locator('.monaco-list-row.action.focused .title');
  const n = await widget.locator('.monaco-list-row.action').count();
  await waitUntil(
    `the quick fix "${title}" focused`,
    async () => {
      if ((await focused.innerText({ timeout: 1000 }).catch(() => '')).trim() === title) return true;
      await wb.page.keyboard.press('ArrowDown');
      return false;
    },
    5000 + 500 * n,
    100,
  );
  await wb.page.keyboard.press('Enter');
  await widget.waitFor({ state: 'hidden', timeout: 10_000 });
}

/**
 * The text the active editor shows, one entry per rendered line, in line order (Monaco renders spaces as
 * U+00A0: normalised). Only the lines in view are rendered: meant for short files.
 */
export async function visibleEditorLines(wb: Workbench): Promise<string[]> {
  return wb.page
    .locator('.editor-instance .monaco-editor .view-lines')
    .first()
    .evaluate(el =>
      [...el.querySelectorAll<HTMLElement>('.view-line')]
        .map(l => ({ top: parseFloat(l.style.top || '0'), text: l.innerText.replace(/\u00a0/g, ' ') }))
        .sort((a, b) => a.top - b.top)
        .map(l => l.text),
    );
}

/**
 * Whether the command palette lists a command with exactly this title (without running it). Like `runCommand`,
 * retries with a fresh palette while the extension host is still registering commands.
 */
export async function paletteHasCommand(wb: Workbench, title: string, timeoutMs = 30_000): Promise<boolean> {
  let opened = 0;
  const found = await waitUntil(
    `command "${title}" in the command palette`,
    async () => {
      if (!(await wb.quickInput().isVisible()) || Date.now() - opened > 5000) {
        await wb.closeQuickInput();
        await wb.openCommandPalette();
        await wb.quickInput().locator('input').fill(`>${title}`);
        opened = Date.now();
      }
      const names = await wb
        .quickInput()
        .locator('.monaco-list-row')
        .evaluateAll(rows =>
          rows.map(r => ((r.querySelector('.label-name') as HTMLElement | null)?.innerText ?? '').trim()),
        );
      return names.includes(title);
    },
    timeoutMs,
  ).catch(() => false);
  await wb.closeQuickInput();
  return found;
}
