// Helpers for the API-level suite (runs inside the VS Code extension host, mocha `tdd` UI).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { poll, sleep } from '../shared/poll.ts';
import {
  readRun as sharedReadRun,
  runIds as sharedRunIds,
  runsDir as sharedRunsDir,
  type RunEvent,
  type RunOnDisk,
} from '../shared/runs.ts';

export const EXTENSION_ID = 'training-lens.training-lens';
export const LENS_TITLE = '▶ Train with Training Lens';
export const DASHBOARD_VIEW_TYPE = 'trainingLens.dashboard';

export { sleep };

export const waitFor = <T>(
  what: string,
  fn: () => T | Promise<T>,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<NonNullable<T>> => poll(what, fn, timeoutMs, intervalMs);

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite needs the fixture workspace open (test/fixtures/e2e-workspace)');
  return folder.uri.fsPath;
}

export const jobUri = (rel: string) => vscode.Uri.file(path.join(workspaceRoot(), rel));

/** Activates Training Lens and returns its exports (whatever `activate` returned, may be undefined). */
export async function activateExtension(): Promise<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is installed`);
  return ext.activate();
}

// ------------------------------------------------------------------------------------------------------ runs on disk
export type { RunEvent, RunOnDisk };

export const runsDir = () => sharedRunsDir(workspaceRoot());
export const runIds = (): string[] => sharedRunIds(workspaceRoot());
export const readRun = (runId: string): RunOnDisk => sharedReadRun(workspaceRoot(), runId);

export const waitForNewRun = (before: string[], timeoutMs = 30_000) =>
  waitFor('a new run folder', () => runIds().find(id => !before.includes(id)) ?? null, timeoutMs);

export const waitForRunEnd = (runId: string, timeoutMs = 60_000) =>
  waitFor(`run ${runId} to end`, () => readRun(runId).end ?? null, timeoutMs);

export function lineOf(rel: string, needle: string): number {
  const i = fs
    .readFileSync(path.join(workspaceRoot(), rel), 'utf8')
    .split('\n')
    .findIndex(l => l.includes(needle));
  assert.ok(i >= 0, `${needle} in ${rel}`);
  return i + 1;
}

// ------------------------------------------------------------------------------------------------------ UI state
/** Tabs that hold the Training Lens dashboard webview. */
export function dashboardTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap(g => g.tabs)
    .filter(t => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes(DASHBOARD_VIEW_TYPE));
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Messages the host posts to the dashboard, if the extension exposes them for tests. */
export interface DashboardProbe {
  messages: { type: string; [k: string]: unknown }[];
  dispose(): void;
}

/**
 * Training Lens may return a test API from `activate`: `{ dashboard: { onDidPostMessage: vscode.Event<msg> } }`.
 * Returns null when it does not (the webview-message checks are then skipped with a note).
 */
export function probeDashboard(api: unknown): DashboardProbe | null {
  const ev = (api as { dashboard?: { onDidPostMessage?: vscode.Event<{ type: string }> } } | undefined)?.dashboard
    ?.onDidPostMessage;
  if (typeof ev !== 'function') return null;
  const messages: DashboardProbe['messages'] = [];
  const sub = ev(m => messages.push(m as DashboardProbe['messages'][number]));
  return { messages, dispose: () => sub.dispose() };
}
