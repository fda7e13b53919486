/**
 * The Sweep panel host. The host owns the sweep record (live from the running Sweep, or read back from
 * `.training-lens/sweeps/<id>.json` after a reload); the webview is a view of it and gets the whole record again
 * when it says `ready` and on every change. Rows open their run in the dashboard; "Overlay top K" opens the
 * dashboard with those runs overlaid, as Compare Runs does.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { PanelHost } from './panelHost';
import { readSweepRecord, settleInterrupted } from '../src/sweep/record';
import { trialLabel } from '../src/sweep/table';
import type { Sweep } from '../src/sweep/sweep';
import { describeRun } from '../src/runs/store';
import { parseSweepWebviewMessage, type SweepHostToWebview, type SweepRecord, type RunInfo } from '../src/protocol';
import { infoFromRecord, type RunManager } from './runManager';
import type { Dashboard } from './dashboard';

export const SWEEP_VIEW_TYPE = 'trainingLens.sweep';
const SHOWN_KEY = 'trainingLens.sweep.shownFile';

export class SweepPanel extends PanelHost<SweepHostToWebview> {
  private record: SweepRecord | undefined;
  private running: Sweep | undefined;
  /** the record file of what is shown (Continue resumes it) */
  private file: string | undefined;
  /** set by extension/sweep.ts: continue the sweep kept in this record file */
  onContinue: ((file: string) => void) | undefined;

  constructor(
    context: vscode.ExtensionContext,
    private readonly runs: RunManager,
    private readonly dashboard: Dashboard,
    private readonly output: vscode.LogOutputChannel,
  ) {
    // closing the panel does not stop the sweep: its trials are ordinary runs and keep going
    super(context, SWEEP_VIEW_TYPE, {
      script: 'sweep.js',
      style: 'sweep.css',
      placeholder: 'Waiting for the sweep\u2026',
    });
    this.registerSerializer(panel => {
      const file = context.workspaceState.get<string>(SHOWN_KEY);
      try {
        if (file) {
          this.record = settleInterrupted(readSweepRecord(file));
          this.file = file;
        }
      } catch (e) {
        this.output.warn(`Cannot restore the Sweep panel: ${(e as Error).message}`);
      }
      this.attach(panel);
    });
  }

  /** The sweep being run now, if any. */
  get active(): Sweep | undefined {
    return this.running;
  }

  /** Shows a sweep (replacing what was shown) and follows its progress. */
  show(sweep: Sweep): void {
    this.running = sweep;
    this.record = sweep.snapshot;
    this.file = sweep.file;
    void this.context.workspaceState.update(SHOWN_KEY, sweep.file);
    sweep.onProgress(r => {
      if (this.running !== sweep) return;
      this.record = r;
      this.postRecord();
    });
    void sweep.done.then(() => {
      if (this.running === sweep) this.running = undefined;
    });
    this.reveal();
  }

  reveal(): void {
    if (this.panel) {
      this.panel.title = this.title();
      this.panel.reveal(undefined, true);
      this.postRecord();
      return;
    }
    this.openPanel(vscode.ViewColumn.Beside, true);
  }

  protected title(): string {
    return this.record ? `Sweep: ${path.basename(this.record.jobFile)}` : 'Training Lens: Sweep';
  }

  protected onMessage(raw: unknown): void {
    const r = parseSweepWebviewMessage(raw);
    if (!r.ok) {
      this.output.warn(`Sweep panel sent an invalid message: ${r.reason}`);
      return;
    }
    const msg = r.value;
    switch (msg.type) {
      case 'ready':
        this.postRecord();
        break;
      case 'open-run':
        this.openRuns([msg.runId]);
        break;
      case 'overlay':
        this.openRuns(msg.runIds);
        break;
      case 'stop':
        this.running?.stop();
        break;
      case 'continue':
        if (this.file && !this.running) this.onContinue?.(this.file);
        break;
      case 'error':
        this.output.error(`Sweep panel: ${msg.message}`);
        break;
    }
  }

  /** Opens these trials' runs in the dashboard (several: overlaid, one colour per run). */
  private openRuns(runIds: string[]): void {
    const record = this.record;
    if (!record) return;
    const shown = runIds.flatMap(runId => {
      const trial = record.trials.find(t => t.runId === runId);
      if (!trial?.runDir) return [];
      const info: RunInfo | undefined =
        this.runs.infoOf(runId) ??
        (() => {
          const saved = describeRun(trial.runDir!);
          return saved && infoFromRecord(saved);
        })();
      if (!info) {
        this.output.warn(`Sweep: no run log for trial ${trial.trial + 1} (${runId})`);
        return [];
      }
      // the label the trial's run was started with (a live run's own info wins in the dashboard anyway)
      return [
        {
          info: { ...info, label: trialLabel(trial.trial, record.trials.length, trial.hparams) },
          runDir: trial.runDir,
        },
      ];
    });
    if (shown.length) this.dashboard.show(shown);
  }

  private postRecord(): void {
    if (this.record) this.post({ type: 'sweep', sweep: this.record });
  }
}
