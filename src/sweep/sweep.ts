/**
 * Runs a sweep: N trials of one job, each a normal run (its own log under .training-lens/runs, visible in the Runs
 * view and the dashboard) with sampled hyper-parameters and a per-trial epoch budget, a few at a time. A failed
 * trial is recorded and the sweep goes on; stop cancels what runs and what waits. The record is rewritten on every
 * change to `.training-lens/sweeps/<id>.json`, so an interrupted sweep still says what it found.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchRun, type LaunchOptions, type RunHandle } from '../runner/launch';
import { newRunId } from '../runs/store';
import type { RunEndEvent, SweepRecord, SweepTrial } from '../protocol';
import { readSweepSpaceFile, type SweepSpace } from './space';
import { sampleTrials, randomSeed } from './sample';
import { chooseMetric, foldEpoch, rankTrials, type MetricValue } from './rank';
import { writeSweepRecord } from './record';

/** What one trial is launched with. */
export interface TrialLaunch {
  hparams: Record<string, number | string | boolean>;
  sweep: { id: string; trial: number };
  epochs: number;
}

export type TrialLauncher = (trial: TrialLaunch) => RunHandle;

/** The plain launcher (CLI, tests): `launchRun` with these options plus the trial's. */
export function launchTrialsWith(base: Omit<LaunchOptions, 'hparams' | 'sweep' | 'epochs'>): TrialLauncher {
  return t => launchRun({ ...base, hparams: t.hparams, sweep: t.sweep, epochs: t.epochs });
}

export interface SweepOptions {
  jobFile: string;
  /** the sweep record goes here: `<workspace>/.training-lens/sweeps` */
  sweepsDir: string;
  trials: number;
  /** per-trial epoch budget (overrides the job's own `epochs`) */
  epochs: number;
  /** at most this many trials at once (never more than the machine's cores) */
  concurrency?: number;
  /** PRNG seed; a fresh one (kept in the record) when omitted */
  seed?: number;
  /** compare trials by this epoch metric; default val_loss, else val_acc/val_accuracy, else loss */
  metric?: string;
  /** already parsed (the extension parses before asking for trials); read from the job file otherwise */
  space?: SweepSpace;
  launch: TrialLauncher;
  /** the sweep record could not be written (the sweep goes on; said once per failure streak) */
  onWriteError?: (message: string) => void;
}

export const SWEEPS_DIR = path.join('.training-lens', 'sweeps');

export function sweepsDirOf(workspaceRoot: string): string {
  return path.join(workspaceRoot, SWEEPS_DIR);
}

export function concurrencyFor(trials: number, requested?: number): number {
  return Math.max(1, Math.min(os.availableParallelism(), requested ?? Infinity, trials));
}

function positiveInteger(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive whole number (got ${v})`);
}

export class Sweep {
  readonly id: string;
  readonly file: string;
  readonly done: Promise<SweepRecord>;
  private readonly record: SweepRecord;
  private readonly handles = new Map<number, RunHandle>();
  /** per trial: best value of every metric it logged (the sweep's metric is chosen over all trials) */
  private readonly scores = new Map<number, Map<string, MetricValue>>();
  private readonly listeners: Array<(r: SweepRecord) => void> = [];
  private stopped = false;
  private writeError: Error | undefined;
  private next = 0;
  private resolveDone!: (r: SweepRecord) => void;

  constructor(private readonly opts: SweepOptions) {
    positiveInteger('trials', opts.trials);
    positiveInteger('epochs', opts.epochs);
    if (opts.concurrency !== undefined) positiveInteger('concurrency', opts.concurrency);
    const jobFile = path.resolve(opts.jobFile);
    const space = opts.space ?? readSweepSpaceFile(jobFile);
    const seed = opts.seed ?? randomSeed();
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be a whole number from 0 to ${0xffffffff} (got ${seed})`);
    this.id = newRunId(jobFile);
    this.file = path.join(opts.sweepsDir, `${this.id}.json`);
    this.record = {
      version: 1, id: this.id, jobFile, createdAt: new Date().toISOString(), status: 'running', seed,
      epochs: opts.epochs, concurrency: concurrencyFor(opts.trials, opts.concurrency),
      metric: opts.metric ? chooseMetric([], opts.metric)! : null,
      ...(opts.metric ? { requestedMetric: opts.metric } : {}), defaults: space.defaults, space: space.space,
      trials: sampleTrials(space.space, opts.trials, seed).map((hparams, trial) => ({ trial, hparams, status: 'pending', epochsDone: 0, rank: null })),
    };
    this.done = new Promise(r => { this.resolveDone = r; });
  }

  /** Starts the first trials; call once. */
  start(): this {
    fs.mkdirSync(this.opts.sweepsDir, { recursive: true });
    const ignore = path.join(this.opts.sweepsDir, '.gitignore');
    if (!fs.existsSync(ignore)) fs.writeFileSync(ignore, '# Training Lens sweep records\n*\n');
    this.changed();
    for (let i = 0; i < this.record.concurrency; i++) this.launchNext();
    return this;
  }

  /** The current record (a copy). */
  get snapshot(): SweepRecord { return structuredClone(this.record); }

  /** Called with a fresh snapshot on every change: a trial started, finished an epoch, ended; the sweep ended. */
  onProgress(listener: (r: SweepRecord) => void): void { this.listeners.push(listener); }

  /** Cancels running trials and every trial not started yet. */
  stop(): void {
    if (this.stopped || this.record.status !== 'running') return;
    this.stopped = true;
    for (const t of this.record.trials) if (t.status === 'pending') t.status = 'cancelled';
    for (const h of this.handles.values()) h.stop();
    this.changed();
    this.maybeFinish();
  }

  private launchNext(): void {
    if (this.stopped) return;
    const trial = this.record.trials[this.next];
    if (!trial) return;
    this.next++;
    let handle: RunHandle;
    try {
      handle = this.opts.launch({ hparams: trial.hparams, sweep: { id: this.id, trial: trial.trial }, epochs: this.record.epochs });
    } catch (e) {
      trial.status = 'error';
      trial.error = { message: `could not start the trial: ${(e as Error).message}` };
      this.changed();
      this.launchNext();
      this.maybeFinish();
      return;
    }
    this.handles.set(trial.trial, handle);
    Object.assign(trial, { status: 'running', runId: handle.runId, runDir: handle.runDir });
    this.changed();
    handle.onEvent(e => {
      if (e.kind !== 'epoch') return;
      trial.epochsDone++;
      const scores = this.scores.get(trial.trial) ?? new Map<string, MetricValue>();
      this.scores.set(trial.trial, scores);
      foldEpoch(scores, e.logs, trial.epochsDone);
      this.rescore();
      this.changed();
    });
    void handle.done.then(end => this.finishTrial(trial, end));
  }

  private finishTrial(trial: SweepTrial, end: RunEndEvent): void {
    this.handles.delete(trial.trial);
    trial.status = end.status;
    trial.durationMs = end.durationMs;
    if (end.error) trial.error = { message: end.error.message, file: end.error.location?.file, line: end.error.location?.line };
    // The scores are already complete: launchRun hands every event to the listeners as it writes it to the log.
    this.rescore();
    this.changed();
    // A trial stopped from outside (the Stop command, the status bar, Ctrl-C) means: stop the sweep.
    if (end.status === 'cancelled' && !this.stopped) this.stop();
    this.launchNext();
    this.maybeFinish();
  }

  /** Picks the metric (over every trial's logs) and ranks. */
  private rescore(): void {
    if (!this.opts.metric) {
      this.record.metric = chooseMetric([...this.scores.values()].flatMap(s => [...s.keys()])) ?? null;
    }
    const metric = this.record.metric ?? undefined;
    for (const t of this.record.trials) {
      const s = metric && this.scores.get(t.trial)?.get(metric.name);
      if (s) t.metric = s; else delete t.metric;
    }
    const ranked = rankTrials(this.record.trials, metric);
    for (const r of ranked) this.record.trials[r.trial].rank = r.rank;
  }

  private maybeFinish(): void {
    if (this.record.status !== 'running') return;
    if (this.record.trials.some(t => t.status === 'pending' || t.status === 'running')) return;
    this.record.status = this.stopped ? 'cancelled' : 'done';
    this.changed();
    this.resolveDone(this.snapshot);
  }

  private changed(): void {
    try {
      writeSweepRecord(this.file, this.record);
      this.writeError = undefined;
    } catch (e) {
      // the sweep goes on (its trials are runs with their own logs); say it once per failure streak
      if (!this.writeError) this.opts.onWriteError?.(`cannot write the sweep record ${this.file}: ${(e as Error).message}`);
      this.writeError = e as Error;
    }
    const snap = this.snapshot;
    for (const l of this.listeners) l(snap);
  }
}

/** Convenience: plan and start a sweep. */
export function startSweep(opts: SweepOptions): Sweep {
  return new Sweep(opts).start();
}
