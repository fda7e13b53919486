/**
 * TensorBoard logdirs in VS Code: **Open TensorBoard Logdir**, the logdir runs found in the workspace as Runs-view
 * items, and each shown logdir run followed live (polled every LOGDIR_POLL_MS: new records appear within a second)
 * and diagnosed by the same engine as a Training Lens run, after it is shown (src/tfevents/follow.ts). Its findings name the tag and step: a logdir has no
 * source line (src/tfevents/findings.ts). The reading itself is src/tfevents/.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { findRuns, type LogdirRun } from '../src/tfevents/logdir';
import { LogdirFollower } from '../src/tfevents/follow';
import { DiagnosisEngine } from '../src/detectors/engine';
import type { RunEvent, RunInfo } from '../src/protocol';
import type { RunRecord } from '../src/runs/store';
import { TOOL_DIR } from '../src/runs/layout';
import type { RunManager } from './runManager';
import type { Dashboard } from './dashboard';

export const LOGDIR_POLL_MS = 500;
const RUN_ID_PREFIX = 'tensorboard:';
/** logdirs opened with the command, kept in workspace state: the Runs view still lists them after a reload */
const OPENED_KEY = 'trainingLens.logdirs.opened';
const MAX_OPENED = 20;
const MAX_EVENT_FILES = 2000;

export class LogdirRuns implements vscode.Disposable {
  private readonly followed = new Map<string, LogdirFollower>();
  /** logdirs opened with the command (also outside the workspace), oldest first */
  private readonly opened: Set<string>;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly runs: RunManager,
    private readonly output: vscode.LogOutputChannel,
    private readonly state: vscode.Memento,
    /** whether the dashboard shows the run: one it no longer shows is forgotten (read again if shown again) */
    private readonly shown: (runId: string) => boolean,
  ) {
    const saved = state.get<unknown>(OPENED_KEY, []);
    this.opened = new Set(Array.isArray(saved) ? saved.filter((d): d is string => typeof d === 'string') : []);
    this.timer = setInterval(() => this.pollAll(), LOGDIR_POLL_MS);
  }

  static isLogdirRun(runId: string): boolean {
    return runId.startsWith(RUN_ID_PREFIX);
  }

  /**
   * Events of a logdir run, read (and then followed) on first use: the first read is returned (and replayed) at once,
   * its diagnosis follows in slices, its findings published as they are found (src/tfevents/follow.ts).
   */
  eventsOf(runId: string): RunEvent[] {
    const dir = runId.slice(RUN_ID_PREFIX.length);
    let f = this.followed.get(runId);
    if (!f) {
      const run = findRuns(dir).find(r => r.dir === dir) ?? { name: path.basename(dir), dir, parts: [] };
      f = new LogdirFollower(run, new DiagnosisEngine(), runId, {
        onEvent: e => this.runs.publish(runId, e),
        onWarning: m => this.output.warn(m),
      });
      this.followed.set(runId, f);
      f.poll(false);
    }
    return f.events;
  }

  /** Folders of the workspace (and opened logdirs) holding TensorBoard runs; Training Lens' own runs left out. */
  async records(): Promise<RunRecord[]> {
    const files = await vscode.workspace.findFiles(
      '**/*tfevents*',
      `{**/node_modules/**,**/${TOOL_DIR}/**}`,
      MAX_EVENT_FILES,
    );
    const roots = new Set<string>(this.opened);
    for (const f of files) {
      const dir = path.dirname(f.fsPath);
      roots.add(/^(train|training|validation|val|eval|test)$/.test(path.basename(dir)) ? path.dirname(dir) : dir);
    }
    const out = new Map<string, RunRecord>();
    for (const root of roots)
      for (const run of findRuns(root)) {
        const runId = RUN_ID_PREFIX + run.dir;
        const ws = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(run.dir));
        out.set(runId, {
          runId,
          dir: run.dir,
          jobFile: run.dir,
          startedAt: new Date(0).toISOString(),
          status: 'ok',
          steps: 0,
          backend: 'tensorboard',
          name: `TensorBoard: ${ws ? path.relative(ws.uri.fsPath, run.dir) || ws.name : run.dir}`,
        });
      }
    return [...out.values()];
  }

  /** Open TensorBoard Logdir: every run under the folder, shown together in the dashboard. */
  async open(dashboard: Dashboard, folder?: string): Promise<void> {
    const dir =
      folder ??
      (
        await vscode.window.showOpenDialog({
          canSelectFolders: true,
          canSelectFiles: false,
          openLabel: 'Open Logdir',
          title: 'Training Lens: Open TensorBoard Logdir',
        })
      )?.[0]?.fsPath;
    if (!dir) return;
    const runs = findRuns(dir);
    if (!runs.length) {
      void vscode.window.showWarningMessage(`Training Lens: no events.out.tfevents.* file under ${dir}.`);
      return;
    }
    this.opened.delete(dir);
    this.opened.add(dir);
    while (this.opened.size > MAX_OPENED) this.opened.delete(this.opened.values().next().value!);
    void this.state.update(OPENED_KEY, [...this.opened]);
    dashboard.show(runs.map(r => ({ info: this.infoOf(r) })));
    void vscode.commands.executeCommand('trainingLens.runs.refresh');
  }

  private infoOf(run: LogdirRun): RunInfo {
    const runId = RUN_ID_PREFIX + run.dir;
    const events = this.eventsOf(runId);
    const start = events.find(e => e.kind === 'run-start');
    return {
      runId,
      jobFile: run.dir,
      label: `TensorBoard: ${run.name}`,
      startedAt: start?.kind === 'run-start' ? start.startedAt : new Date().toISOString(),
      status: 'ok',
    };
  }

  private pollAll(): void {
    let more = false;
    for (const [runId, f] of this.followed) {
      if (!this.shown(runId)) {
        f.stop();
        this.followed.delete(runId);
        continue;
      }
      f.poll(true);
      more ||= f.more;
    }
    // a long logdir is read a few MB at a time: the rest right away, the extension host breathing in between
    if (more) setTimeout(() => this.pollAll(), 0);
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const f of this.followed.values()) f.stop();
  }
}

/** Open TensorBoard Logdir, and logdir runs in the Runs view and the dashboard (through the run manager). */
export function registerLogdirs(
  context: vscode.ExtensionContext,
  runs: RunManager,
  dashboard: Dashboard,
  output: vscode.LogOutputChannel,
): LogdirRuns {
  const logdirs = new LogdirRuns(runs, output, context.workspaceState, runId => dashboard.shows(runId));
  runs.external = {
    owns: LogdirRuns.isLogdirRun,
    eventsOf: runId => logdirs.eventsOf(runId),
    records: () => logdirs.records(),
  };
  context.subscriptions.push(
    logdirs,
    vscode.commands.registerCommand('trainingLens.openLogdir', (uri?: vscode.Uri) =>
      logdirs.open(dashboard, uri?.fsPath),
    ),
  );
  return logdirs;
}
