// The Sweep scenarios' helpers: sweep records on disk, the Sweep dialog's input boxes, the Sweep panel's frame.
import fs from 'node:fs';
import path from 'node:path';
import type { Frame } from 'playwright-core';
import { waitUntil, type Workbench } from './workbench.ts';

export const SWEEP = 'Training Lens: Sweep';

export interface SweepOnDisk {
  id: string;
  status: string;
  epochs: number;
  cv?: number;
  metric: { name: string } | null;
  space: Record<string, { scale: string; min?: number; max?: number; values?: unknown[] }>;
  trials: Array<{
    trial: number;
    status: string;
    runId?: string;
    rank: number | null;
    hparams: Record<string, number>;
    metric?: { value: number };
    spread?: number;
    epochsDone: number;
    folds?: Array<{ fold: number; status: string; runId?: string; epochsDone: number; metric?: { value: number } }>;
  }>;
}

/** Every sweep record of the workspace. */
export function sweeps(workspace: string): SweepOnDisk[] {
  const dir = path.join(workspace, '.training-lens', 'sweeps');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.json'))
    .map(f => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as SweepOnDisk);
}

/** Answers an extension's input box (or quick pick: the value filters its items): waits for its title, replaces the value, Enter. */
export async function answerInputBox(wb: Workbench, title: string, value: string): Promise<void> {
  await waitUntil(
    `the input box "${title}"`,
    async () =>
      (
        await wb
          .quickInput()
          .locator('.quick-input-title')
          .innerText()
          .catch(() => '')
      ).includes(title)
        ? true
        : null,
    30_000,
  );
  const input = wb.quickInput().locator('input');
  await input.fill(value);
  await input.press('Enter');
}

/** The Sweep panel's frame (the webview content lives two frames deep, like the dashboard's). */
export async function sweepFrame(wb: Workbench, rows: number): Promise<Frame> {
  return waitUntil(
    `a Sweep panel with ${rows} rows`,
    async () => {
      for (const f of wb.page.frames()) {
        const n = await f.evaluate(() => document.querySelectorAll('#best tbody tr').length).catch(() => 0);
        if (n === rows) return f;
      }
      return null;
    },
    60_000,
    250,
  );
}

/** The trials the Best-N table shows, in its order. */
export const rowTrials = (f: Frame) =>
  f.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('#best tbody tr')).map(r => Number(r.dataset.trial)),
  );
