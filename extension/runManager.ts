/**
 * Owns the runs of this window: starts them (child process via src/runner/launch), keeps live event history in
 * memory, reads finished runs from disk, and tells listeners (status bar, dashboard, output) what happened.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { launchRun, type RunHandle } from '../src/runner/launch';
import { runnerEntry } from '../src/runner/entry';
import { runsDirOf, readRunLog, EVENTS_FILE, type RunRecord } from '../src/runs/store';
import { RunLister, byNewest } from '../src/runs/listing';
import type { EpochEvent, RunEvent, RunEndEvent, RunInfo } from '../src/protocol';
import { EpochLinePacer, type EpochLine } from '../src/runs/epochLines';
import type { BackendPreference } from '../src/runner/backend';
import { labelOf } from '../src/runs/label';
import type { RunVariant } from '../src/runner/config';
import { DEFAULT_DIAGNOSIS, type DiagnosisSettings } from '../src/detectors/settings';

/** `trainingLens.diagnosis.*` settings that differ from the published defaults. */
function diagnosisSettings(config: vscode.WorkspaceConfiguration): Partial<DiagnosisSettings> {
  const out: Partial<DiagnosisSettings> = {};
  for (const key of Object.keys(DEFAULT_DIAGNOSIS) as Array<keyof DiagnosisSettings>) {
    const v = config.get<unknown>(`diagnosis.${key}`);
    if (typeof v === 'number' && Number.isFinite(v)) (out as Record<string, number>)[key] = v;
  }
  return out;
}

/** A sweep trial's part of a run (extension/sweep.ts). */
export interface SweepTrialLaunch {
  hparams: Record<string, number | string | boolean>;
  sweep: { id: string; trial: number };
  epochs: number;
  label: string;
  env?: Record<string, string>;
}

export interface LiveRun {
  handle: RunHandle;
  events: RunEvent[];
  info: RunInfo;
  variant?: RunVariant;
  /** set when the run is a sweep trial */
  trial?: SweepTrialLaunch;
  /** paces its epoch lines in the Output channel */
  epochLines?: EpochLinePacer<EpochEvent>;
  /** its run-end, once it came: the run is over, though its process may take tens to hundreds of ms to exit */
  ended?: RunEndEvent;
}

const KEEP_FINISHED = 8;

export class RunManager implements vscode.Disposable {
  private readonly live = new Map<string, LiveRun>();
  private readonly eventEmitter = new vscode.EventEmitter<{ runId: string; event: RunEvent }>();
  private readonly infoEmitter = new vscode.EventEmitter<RunInfo>();
  /** every event of a live run, in order */
  readonly onEvent = this.eventEmitter.event;
  /** a run started or changed status */
  readonly onRunInfo = this.infoEmitter.event;

  constructor(
    private readonly extensionPath: string,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  get liveRuns(): LiveRun[] {
    return [...this.live.values()];
  }

  /** live runs whose run-end has not come yet: what the user sees as running */
  get trainingRuns(): LiveRun[] {
    return this.liveRuns.filter(r => !r.ended);
  }

  runsDirFor(jobFile: string): string {
    const folder =
      vscode.workspace.getWorkspaceFolder(vscode.Uri.file(jobFile)) ?? vscode.workspace.workspaceFolders?.[0];
    return runsDirOf(folder ? folder.uri.fsPath : path.dirname(jobFile));
  }

  /**
   * Starts a run of the job; with a variant, of a patched copy (the files themselves are never written); with
   * `trial`, as a sweep trial (its hparams, epoch budget and label).
   */
  start(jobFile: string, variant?: RunVariant, trial?: SweepTrialLaunch): LiveRun {
    const config = vscode.workspace.getConfiguration('trainingLens', vscode.Uri.file(jobFile));
    const epochs = trial?.epochs ?? (config.get<number>('epochs') || undefined);
    const handle = launchRun({
      jobFile,
      runsDir: this.runsDirFor(jobFile),
      backend: config.get<BackendPreference>('backend', 'auto'),
      epochs,
      seed: config.get<number | null>('seed') ?? undefined,
      probes: {
        gradNorms: config.get<boolean>('probes.gradientNorms', true),
        deadRelu: config.get<boolean>('probes.deadRelu', true),
        deadReluWindow: config.get<number>('probes.deadReluWindow', 20),
        histogramEvery: config.get<number>('probes.histogramEvery', 50),
        activationEvery: config.get<number>('probes.activationEvery', 25),
        everyStep: config.get<boolean>('probes.everyStep', false),
      },
      diagnosis: diagnosisSettings(config),
      tfevents: config.get<boolean>('tfevents.write', true),
      variant,
      hparams: trial?.hparams,
      sweep: trial?.sweep,
      env: trial?.env,
      ...runnerEntry(path.join(this.extensionPath, 'dist')),
    });
    const startedAt = new Date().toISOString();
    const info: RunInfo = {
      runId: handle.runId,
      jobFile,
      startedAt,
      status: 'running',
      label: trial?.label ?? (variant ? `try: ${variant.title}` : labelOf(jobFile, startedAt)),
    };
    const run: LiveRun = { handle, events: [], info, variant, trial };
    this.live.set(handle.runId, run);
    this.output.info(`Run ${handle.runId} started: ${jobFile}`);
    handle.onProblem(reason => this.output.warn(`Run ${handle.runId}: ${reason}`));
    handle.onEvent(event => {
      if (event.kind === 'run-end') run.ended = event;
      run.events.push(event);
      this.logEvent(run, event);
      this.eventEmitter.fire({ runId: handle.runId, event });
    });
    this.infoEmitter.fire(info);
    void handle.done.then(end => this.finish(run, end));
    return run;
  }

  stop(runId?: string): boolean {
    // a run whose run-end came is over: asking it to stop again would only log a request nobody acts on
    const targets = (runId ? [this.live.get(runId)].filter((r): r is LiveRun => !!r) : this.liveRuns).filter(
      r => !r.ended,
    );
    for (const r of targets) {
      // the Output channel's timestamp is when the request reached the extension (the e2e suite reads it too)
      this.output.info(`Run ${r.handle.runId}: stop requested`);
      r.handle.stop();
    }
    return targets.length > 0;
  }

  /** runs read from elsewhere than a run log (TensorBoard logdirs: extension/logdirs.ts), by run id */
  external:
    { owns(runId: string): boolean; eventsOf(runId: string): RunEvent[]; records(): Promise<RunRecord[]> } | undefined;

  /** An event of an external run, to every listener (the dashboard appends it like a live one). */
  publish(runId: string, event: RunEvent): void {
    this.eventEmitter.fire({ runId, event });
  }

  /** Events of a run: from memory while live (or just finished), otherwise from its log on disk. */
  eventsOf(runId: string, runDir?: string): RunEvent[] {
    if (this.external?.owns(runId)) return this.external.eventsOf(runId);
    const live = this.live.get(runId) ?? this.finished.get(runId);
    if (live) return live.events;
    if (!runDir) return [];
    let log: ReturnType<typeof readRunLog>;
    try {
      log = readRunLog(path.join(runDir, EVENTS_FILE));
    } catch (e) {
      // a link, FIFO, folder or oversized file in place of the log (run folders are untrusted input)
      this.output.error(`Cannot show run ${runId}: ${(e as Error).message}`);
      void vscode.window.showErrorMessage(`Training Lens: cannot show this run. ${(e as Error).message}`);
      return [];
    }
    for (const p of log.problems) this.output.warn(`${log.file}:${p.line}: skipped: ${p.reason}`);
    return log.events;
  }

  infoOf(runId: string): RunInfo | undefined {
    return (this.live.get(runId) ?? this.finished.get(runId))?.info;
  }

  runDirOf(runId: string): string | undefined {
    return (this.live.get(runId) ?? this.finished.get(runId))?.handle.runDir;
  }

  /** A sweep trial: its failure is reported in the Sweep panel, not as a notification per trial. */
  isSweepTrial(runId: string): boolean {
    return !!(this.live.get(runId) ?? this.finished.get(runId))?.trial;
  }

  /** A run of a patched copy ("try the fix"). */
  isVariant(runId: string): boolean {
    return !!(this.live.get(runId) ?? this.finished.get(runId))?.variant;
  }

  private readonly lister = new RunLister();
  /** why the last listing could not read a runs folder (e.g. a `.training-lens` that is a link) */
  listingProblems: string[] = [];

  /**
   * Saved runs of every workspace folder, newest first, damaged ones included. Asynchronous and incremental (a log
   * is glanced at, not parsed, and only again when it changed): the extension host never stalls on big logs.
   */
  async savedRuns(): Promise<RunRecord[]> {
    // a virtual folder's fsPath is no local path: its runs are not on this disk
    const dirs = (vscode.workspace.workspaceFolders ?? [])
      .filter(f => f.uri.scheme === 'file')
      .map(f => runsDirOf(f.uri.fsPath));
    const problems: string[] = [];
    const lists = await Promise.all(
      dirs.map(d =>
        this.lister.list(d).catch((e: Error) => {
          this.output.warn(`Runs: ${e.message}`);
          problems.push(e.message);
          return [];
        }),
      ),
    );
    this.listingProblems = problems;
    return lists.flat().sort(byNewest);
  }

  /** Finished runs of this session stay in memory: reopening the dashboard must not re-read a big log. */
  private readonly finished = new Map<string, LiveRun>();

  private finish(run: LiveRun, end: RunEndEvent): void {
    const lastEpoch = run.epochLines?.end();
    if (lastEpoch) this.logEpoch(run.handle.runId, lastEpoch);
    this.live.delete(run.handle.runId);
    this.finished.set(run.handle.runId, run);
    // Keep the most recent few in memory; older ones are read back from their logs when shown.
    while (this.finished.size > KEEP_FINISHED) this.finished.delete(this.finished.keys().next().value!);
    run.info = { ...run.info, status: end.status };
    const id = run.handle.runId;
    if (end.status === 'ok')
      this.output.info(`Run ${id} finished after ${end.steps} steps (${(end.durationMs / 1000).toFixed(1)} s)`);
    else if (end.status === 'cancelled') this.output.info(`Run ${id} cancelled after ${end.steps} steps`);
    else {
      const loc = end.error?.location;
      this.output.error(
        `Run ${id} failed: ${end.error?.message ?? 'unknown error'}${loc ? ` (${loc.file}:${loc.line})` : ''}`,
      );
      if (end.error?.stack) this.output.error(end.error.stack);
    }
    this.infoEmitter.fire(run.info);
  }

  private logEpoch(runId: string, { event: e, skipped }: EpochLine<EpochEvent>): void {
    const metrics = Object.entries(e.logs)
      .map(([k, v]) => `${k}=${v == null ? 'NaN' : v.toFixed(4)}`)
      .join(' ');
    const since =
      skipped > 0 ? ` (and ${skipped} earlier epoch${skipped > 1 ? 's' : ''} without a line: see the dashboard)` : '';
    this.output.info(`Run ${runId}: epoch ${e.epoch + 1} ${metrics}${since}`);
  }

  private logEvent(run: LiveRun, e: RunEvent): void {
    const runId = run.handle.runId;
    switch (e.kind) {
      case 'run-start':
        this.output.info(
          `Run ${runId}: backend ${e.backend}${e.backendNotes.length ? ` (${e.backendNotes.join('; ')})` : ''}`,
        );
        break;
      case 'fit-start':
        this.output.info(
          `Run ${runId}: ${e.method} ${e.layers.length} layers, ${e.totalParams} params, ${e.optimizer}, ${e.epochs} epochs${e.backend ? ' on ' + e.backend : ''}`,
        );
        break;
      case 'epoch': {
        run.epochLines ??= new EpochLinePacer<EpochEvent>();
        const line = run.epochLines.next(e, Date.now());
        if (line) this.logEpoch(runId, line);
        break;
      }
      case 'log':
        (e.level === 'error' ? this.output.error : e.level === 'warn' ? this.output.warn : this.output.info).call(
          this.output,
          `[${e.stream}] ${e.text}`,
        );
        break;
    }
  }

  dispose(): void {
    // every process still alive, including one that sent its run-end and has not exited yet
    for (const r of this.liveRuns) r.handle.stop();
    this.eventEmitter.dispose();
    this.infoEmitter.dispose();
  }
}

export function infoFromRecord(r: RunRecord): RunInfo {
  return {
    runId: r.runId,
    jobFile: r.jobFile,
    label: labelOf(r.jobFile, r.startedAt),
    startedAt: r.startedAt,
    status: r.status === 'interrupted' || r.status === 'damaged' ? 'error' : r.status,
  };
}
