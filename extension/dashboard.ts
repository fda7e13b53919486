/**
 * The dashboard panel host. The host owns the data; the webview is a view of it: on `ready` (first load, reload,
 * or re-creation after being hidden) the host replays every event of the shown runs (in columns: typed arrays that
 * VS Code transfers as binary, see src/protocol/history.ts), then streams live events coalesced to a few messages a
 * second (fewer for a fast run: src/runs/livePace.ts). Which runs are shown is kept in workspace state, so the
 * serializer can restore the panel after a window reload.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { PanelHost } from './panelHost';
import { parseWebviewMessage, type HostToWebview, type RunEvent, type RunInfo } from '../src/protocol';
import { encodeHistory } from '../src/protocol/history';
import { MIN_FLUSH_MS, nextFlushDelay } from '../src/runs/livePace';
import type { RunManager } from './runManager';

export const DASHBOARD_VIEW_TYPE = 'trainingLens.dashboard';
const SHOWN_KEY = 'trainingLens.dashboard.shownRuns';
/**
 * events per replay message (in columns: typed arrays). The webview draws between messages, so the first charts
 * show after the first message while the rest of a long run is still being read.
 */
const CHUNK = 10_000;

interface ShownRun {
  info: RunInfo;
  runDir?: string;
}

export class Dashboard extends PanelHost<HostToWebview> {
  private shown: ShownRun[] = [];
  private readonly pending = new Map<string, RunEvent[]>();
  private flushTimer: NodeJS.Timeout | undefined;
  private lastFlush = Date.now();
  private flushDelay = MIN_FLUSH_MS;

  constructor(
    context: vscode.ExtensionContext,
    private readonly runs: RunManager,
    private readonly output: vscode.LogOutputChannel,
  ) {
    super(context, DASHBOARD_VIEW_TYPE, { script: 'webview.js', style: 'webview.css' });
    this.shown = context.workspaceState.get<ShownRun[]>(SHOWN_KEY, []);
    this.disposables.push(
      runs.onEvent(({ runId, event }) => this.onLiveEvent(runId, event)),
      runs.onRunInfo(info => {
        const s = this.shown.find(r => r.info.runId === info.runId);
        if (!s) return;
        s.info = info;
        void this.persist();
        this.flush();
        this.post({ type: 'run-info', run: info });
      }),
    );
    this.registerSerializer(panel => this.attach(panel));
  }

  /** Shows these runs (replacing what was shown), creating or revealing the panel. */
  show(runs: ShownRun[]): void {
    this.shown = runs;
    void this.persist();
    this.pending.clear();
    if (this.panel) {
      this.panel.title = this.title();
      this.panel.reveal(undefined, true);
      this.replay();
    } else {
      this.openPanel(vscode.ViewColumn.Beside, true);
    }
  }

  /** Whether the open panel shows this run (a logdir run is followed only while it does). */
  shows(runId: string): boolean {
    return !!this.panel && this.shown.some(s => s.info.runId === runId);
  }

  protected title(): string {
    const first = this.shown[0]?.info;
    if (!first) return 'Training Lens';
    return `Training Lens: ${path.basename(first.jobFile)}${this.shown.length > 1 ? ` (+${this.shown.length - 1})` : ''}`;
  }

  protected onDetached(): void {
    this.pending.clear();
  }

  protected onMessage(raw: unknown): void {
    const r = parseWebviewMessage(raw);
    if (!r.ok) {
      this.output.warn(`Dashboard sent an invalid message: ${r.reason}`);
      return;
    }
    const msg = r.value;
    switch (msg.type) {
      case 'ready':
        this.replay();
        break;
      case 'open-source':
        void openSource(msg.file, msg.line);
        break;
      case 'stop-run':
        this.runs.stop(msg.runId);
        break;
      case 'error':
        this.output.error(`Dashboard: ${msg.message}`);
        break;
    }
  }

  /** Full state, as if the webview were new. */
  private replay(): void {
    this.pending.clear();
    this.post({ type: 'reset', runs: this.shown.map(s => this.runs.infoOf(s.info.runId) ?? s.info) });
    for (const s of this.shown) {
      let events: RunEvent[];
      try {
        events = this.runs.eventsOf(s.info.runId, s.runDir);
      } catch (e) {
        this.output.error(`Cannot read run ${s.info.runId}: ${(e as Error).message}`);
        continue;
      }
      for (let i = 0; i < events.length; i += CHUNK)
        this.post({ type: 'history', runId: s.info.runId, history: encodeHistory(events.slice(i, i + CHUNK)) });
    }
  }

  private onLiveEvent(runId: string, event: RunEvent): void {
    if (!this.panel || !this.shown.some(s => s.info.runId === runId)) return;
    let list = this.pending.get(runId);
    if (!list) this.pending.set(runId, (list = []));
    list.push(event);
    // the end of a run is shown at once: nothing comes after it to wait for
    if (event.kind === 'run-end') this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), this.flushDelay);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    let sent = 0;
    for (const [runId, events] of this.pending) {
      this.post({ type: 'events', runId, events });
      sent += events.length;
    }
    this.pending.clear();
    const now = Date.now();
    this.flushDelay = nextFlushDelay(sent, now - this.lastFlush);
    this.lastFlush = now;
  }

  private persist(): Thenable<void> {
    return this.context.workspaceState.update(SHOWN_KEY, this.shown);
  }

  dispose(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    super.dispose();
  }
}

export async function openSource(file: string, line: number, column = 1): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const pos = new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
  await vscode.window.showTextDocument(doc, {
    selection: new vscode.Range(pos, pos),
    viewColumn: vscode.ViewColumn.One,
  });
}
