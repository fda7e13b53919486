/** Status-bar item of the live run: epoch/step, loss, ETA; click to stop. Hidden when nothing runs. */
import * as vscode from 'vscode';
import { ProgressTracker } from '../src/runs/progress';
import { formatClock, formatMetric } from '../src/protocol/format';
import type { RunManager } from './runManager';

export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('trainingLens.status', vscode.StatusBarAlignment.Left, 50);
  private readonly trackers = new Map<string, ProgressTracker>();
  private readonly disposables: vscode.Disposable[] = [];
  private current: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly runs: RunManager) {
    this.item.name = 'Training Lens';
    this.item.command = 'trainingLens.stop';
    this.disposables.push(
      runs.onEvent(({ runId, event }) => {
        // hidden at its run-end, not when its process has exited (tens to hundreds of ms later)
        if (event.kind === 'run-end') {
          this.trackers.delete(runId);
          return this.refresh();
        }
        let t = this.trackers.get(runId);
        if (!t) this.trackers.set(runId, (t = new ProgressTracker()));
        t.update(event);
        this.current = runId;
        this.schedule();
      }),
      runs.onRunInfo(info => {
        if (info.status !== 'running') this.trackers.delete(info.runId);
        else this.current = info.runId;
        this.refresh();
      }),
    );
  }

  /** At most a few updates a second: a fast run emits hundreds of batches per second. */
  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.refresh();
    }, 200);
  }

  private refresh(): void {
    const live = this.runs.trainingRuns;
    if (live.length === 0) {
      this.item.hide();
      return;
    }
    const runId = this.current && this.trackers.has(this.current) ? this.current : live[live.length - 1].handle.runId;
    const p = this.trackers.get(runId)?.current;
    const parts: string[] = [];
    if (p && p.step > 0) {
      parts.push(`epoch ${p.epoch}${p.epochs ? '/' + p.epochs : ''}`, `step ${p.step}`);
      parts.push(`loss ${p.loss == null ? 'NaN' : formatMetric(p.loss)}`);
      if (p.etaMs != null) parts.push(`ETA ${formatClock(p.etaMs)}`);
    } else parts.push('starting…');
    this.item.text = `$(pulse) ${parts.join(' · ')}${live.length > 1 ? ` (+${live.length - 1})` : ''}`;
    this.item.tooltip = new vscode.MarkdownString(
      `**Training Lens** — ${live.map(r => r.info.label).join(', ')}\n\nClick to stop training.`,
    );
    this.item.show();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.item.dispose();
    this.disposables.forEach(d => d.dispose());
  }
}
