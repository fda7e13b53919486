// Helpers for the API-level suite (runs inside the VS Code extension host, mocha `tdd` UI).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { poll, sleep } from '../shared/poll.ts';

export const EXTENSION_ID = 'training-lens.training-lens';
export const LENS_TITLE = '▶ Train with Training Lens';
export const DASHBOARD_VIEW_TYPE = 'trainingLens.dashboard';

export { sleep };

export const waitFor = <T>(what: string, fn: () => T | Promise<T>, timeoutMs = 30_000, intervalMs = 100): Promise<NonNullable<T>> =>
  poll(what, fn, timeoutMs, intervalMs);

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
export interface RunEvent {
  kind: string;
  runId: string;
  seq: number;
  t: number;
  status?: string;
  [k: string]: unknown;
}
export interface RunOnDisk {
  runId: string;
  events: RunEvent[];
  end?: RunEvent;
}

export const runsDir = () => path.join(workspaceRoot(), '.training-lens', 'runs');

export function runIds(): string[] {
  try {
    return fs.readdirSync(runsDir()).filter((d) => fs.existsSync(path.join(runsDir(), d, 'events.ndjson')));
  } catch {
    return [];
  }
}

export function readRun(runId: string): RunOnDisk {
  const file = path.join(runsDir(), runId, 'events.ndjson');
  const events: RunEvent[] = [];
  for (const line of (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '').split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as RunEvent);
    } catch {
      // half-written last line of a live run
    }
  }
  const last = events.at(-1);
  return { runId, events, end: last?.kind === 'run-end' ? last : undefined };
}

export const waitForNewRun = (before: string[], timeoutMs = 30_000) =>
  waitFor('a new run folder', () => runIds().find((id) => !before.includes(id)) ?? null, timeoutMs);

export const waitForRunEnd = (runId: string, timeoutMs = 60_000) => waitFor(`run ${runId} to end`, () => readRun(runId).end ?? null, timeoutMs);

export function lineOf(rel: string, needle: string): number {
  const i = fs.readFileSync(path.join(workspaceRoot(), rel), 'utf8').split('\n').findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} in ${rel}`);
  return i + 1;
}

// ------------------------------------------------------------------------------------------------------ UI state
/** Tabs that hold the Training Lens dashboard webview. */
export function dashboardTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes(DASHBOARD_VIEW_TYPE));
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
  const ev = (api as { dashboard?: { onDidPostMessage?: vscode.Event<{ type: string }> } } | undefined)?.dashboard?.onDidPostMessage;
  if (typeof ev !== 'function') return null;
  const messages: DashboardProbe['messages'] = [];
  const sub = ev((m) => messages.push(m as DashboardProbe['messages'][number]));
  return { messages, dispose: () => sub.dispose() };
}
