// Training Lens specifics shared by the e2e scenarios: run folders on disk, starting/stopping runs through the UI.
import fs from 'node:fs';
import { after, before } from 'node:test';
import type { Browser, Frame } from 'playwright-core';
import { e2eEnv, launchBrowser, waitUntil, type Workbench } from './workbench.ts';
import { readRun, readRunEnd, runIds, runsDir, type RunEvent, type RunOnDisk } from '../../shared/runs.ts';

export const env = e2eEnv();

export const LENS_TITLE = '▶ Train with Training Lens';
export const CMD = {
  train: 'Training Lens: Train',
  stop: 'Training Lens: Stop',
  openDashboard: 'Training Lens: Open Dashboard',
} as const;

/** The fixture's model: 3 Dense layers (20-32-16-3), the first two with relu. */
export const FIXTURE_LAYERS = 3;
export const FIXTURE_RELU_LAYERS = 2;

export const trustedWindow = () => ({
  url: env.url,
  folder: env.workspace,
  userDataDir: env.userDataDir,
  artifacts: env.artifacts,
});
export const restrictedWindow = () => ({
  url: env.restrictedUrl,
  folder: env.restrictedWorkspace,
  userDataDir: env.restrictedUserDataDir,
  artifacts: env.artifacts,
});

/** One browser per test file; closed after the file. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  before(async () => {
    browser = await launchBrowser(env.chromium);
  });
  after(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('browser not launched');
    return browser;
  };
}

// ------------------------------------------------------------------------------------------------------ runs on disk
export { readRun, readRunEnd, runIds, runsDir, type RunEvent, type RunOnDisk };

/** Waits for a run folder that was not in `before` to appear and returns its id. */
export async function waitForNewRun(workspace: string, before: string[], timeoutMs = 30_000): Promise<string> {
  return waitUntil(
    'a new run folder under .training-lens/runs',
    () => runIds(workspace).find(id => !before.includes(id)) ?? null,
    timeoutMs,
  );
}

export async function waitForRunEnd(workspace: string, runId: string, timeoutMs = 60_000): Promise<RunEvent> {
  return waitUntil(`run ${runId} to end on disk`, () => readRunEnd(workspace, runId) ?? null, timeoutMs);
}

/** 1-based line of the first line of `file` containing `needle`. */
export function lineOf(file: string, needle: string): number {
  const i = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .findIndex(l => l.includes(needle));
  if (i < 0) throw new Error(`${needle} not found in ${file}`);
  return i + 1;
}

// ------------------------------------------------------------------------------------------------------ UI actions
/** Command palette -> "Training Lens: Train" -> pick the job by its workspace-relative path. */
export async function trainViaPalette(wb: Workbench, job: string): Promise<void> {
  await wb.runCommand(CMD.train);
  const labels = await wb.waitQuickPickLabels();
  if (!labels.includes(job)) throw new Error(`the Train quick pick does not list ${job}: ${JSON.stringify(labels)}`);
  await wb.pickQuickItem(job, { exact: true });
}

/** Opens the job, clicks "▶ Train with Training Lens" above its fit( and returns the new run's id. */
export async function trainViaLens(wb: Workbench, job: string): Promise<string> {
  await wb.openFile(job);
  const before = runIds(env.workspace);
  const lens = wb.page.locator('.monaco-editor .codelens-decoration a', { hasText: LENS_TITLE }).first();
  await lens.waitFor({ state: 'visible', timeout: 60_000 });
  await lens.click();
  return waitForNewRun(env.workspace, before);
}

/** The live status bar item's text, or null when none is shown. */
export async function liveStatus(wb: Workbench): Promise<string | null> {
  const items = await wb.trainingLensStatusItems();
  return items.find(t => /epoch|step|loss|starting|training/i.test(t)) ?? null;
}

/** Best effort: stop whatever runs in this window (used in `finally` blocks so that a failing test leaves no run). */
export async function stopQuietly(wb: Workbench): Promise<void> {
  try {
    await wb.closeQuickInput();
    if ((await wb.trainingLensStatusItems()).length) await wb.runCommand(CMD.stop);
  } catch {
    // the page may already be gone
  }
}

// ------------------------------------------------------------------------------------------------------ compared runs
export interface RunListEntry {
  label: string;
  status: string;
  runId: string;
}

/** The run list (`#run-list`) of one dashboard frame, or null when the frame shows none (a single run hides it). */
export async function runListOf(frame: Frame): Promise<RunListEntry[] | null> {
  return frame
    .evaluate(() => {
      const list = document.querySelector<HTMLElement>('#run-list');
      if (!list || list.hidden) return null;
      return Array.from(list.querySelectorAll<HTMLElement>('li')).map(li => ({
        label: (li.querySelector('.run-label')?.textContent ?? '').trim(),
        status: (li.querySelector('.status')?.textContent ?? '').trim(),
        runId: li.dataset.runId ?? '',
      }));
    })
    .catch(() => null); // frame detached while we read it
}

/** The visible run lists of every dashboard frame (see `runListOf`). */
export async function dashboardRunLists(wb: Workbench): Promise<RunListEntry[][]> {
  const lists = await Promise.all(wb.dashboardFrames().map(f => runListOf(f)));
  return lists.filter((l): l is RunListEntry[] => !!l && l.length > 0);
}
