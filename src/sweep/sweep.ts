/**
 * Runs a sweep: N trials of one job, each a normal run (its own log under .training-lens/runs, visible in the Runs
 * view and the dashboard) with sampled hyper-parameters and a per-trial epoch budget, a few at a time. A failed
 * trial is recorded and the sweep goes on; stop cancels what runs and what waits. The record is rewritten on every
 * change to `.training-lens/sweeps/<id>.json`, so an interrupted sweep still says what it found. With a scheduler
 * (scheduler.ts: ASHA, Hyperband) trials are drawn until the epoch budget is spent and the worst are stopped at rungs.
 */
import * as path from 'node:path';
import type { RunHandle } from '../runner/launch';
import { newRunId } from '../runs/store';
import type { RunEndEvent, SweepRecord, SweepTrial } from '../protocol';
import { readSweepSpaceFile } from './space';
import { randomSeed, trialSampler, type HparamValue } from './sample';
import { RungBook, bracketOf, rungsOf, type SchedulerPlan } from './scheduler';
import { foldEpoch, type MetricValue } from './rank';
import { writeSweepRecord } from './record';
import { prepareArtefactDir } from '../runs/ignore';
import { workKey, meanAndSpread, reopenRecord } from './work';
import { checkSweepOptions, initialRecord, pendingFolds, type SweepOptions } from './options';
import { foldedStatus, owedEpochs, scoreTrials } from './score';
import { CV_ENV } from '../toolkit/folds';

export { meanAndSpread };
export {
  SWEEPS_DIR,
  concurrencyFor,
  launchTrialsWith,
  sweepsDirOf,
  type SweepOptions,
  type TrialLaunch,
  type TrialLauncher,
} from './options';

export class Sweep {
  readonly id: string;
  readonly file: string;
  readonly done: Promise<SweepRecord>;
  private readonly record: SweepRecord;
  /** running runs by trial (and fold): workKey */
  private readonly handles = new Map<string, RunHandle>();
  /** per trial: best value of every metric it logged (the sweep's metric is chosen over all trials) */
  private readonly scores = new Map<string, Map<string, MetricValue>>();
  private readonly listeners: Array<(r: SweepRecord) => void> = [];
  private stopped = false;
  private writeError: Error | undefined;
  private next = 0;
  private resolveDone!: (r: SweepRecord) => void;
  private readonly plan: SchedulerPlan | undefined;
  private readonly rungBook: RungBook | undefined;
  private readonly draw: () => Record<string, HparamValue>;

  constructor(private readonly opts: SweepOptions) {
    this.plan = checkSweepOptions(opts);
    if (this.plan) this.rungBook = new RungBook(this.plan);
    const jobFile = path.resolve(opts.jobFile);
    const space = opts.space ?? readSweepSpaceFile(jobFile);
    const seed = opts.seed ?? randomSeed();
    this.id = opts.resumeFrom?.id ?? newRunId(jobFile);
    this.file = path.join(opts.sweepsDir, `${this.id}.json`);
    this.draw = trialSampler(space.space, seed);
    this.record = initialRecord(opts, { id: this.id, jobFile, seed, space, plan: this.plan });
    if (opts.resumeFrom) this.reopen(opts.resumeFrom);
    this.done = new Promise(r => {
      this.resolveDone = r;
    });
  }

  /** Takes up a record (work.ts): the sampler skips the trials already drawn, scores and rungs are replayed. */
  private reopen(from: SweepRecord): void {
    const { record, scores, rungs } = reopenRecord(from);
    for (let i = 0; i < record.trials.length; i++) this.draw();
    for (const [key, value] of scores) this.scores.set(key, new Map([[record.metric!.name, value]]));
    for (const r of rungs) this.rungBook?.enter(r.trial, r.bracket, r.rung, r.score);
    Object.assign(this.record, { ...record, status: 'running', concurrency: this.record.concurrency });
  }

  /** Starts the first trials; call once. */
  start(): this {
    prepareArtefactDir(this.opts.sweepsDir, 'Training Lens sweep records');
    this.changed();
    this.fillSlots();
    this.maybeFinish();
    return this;
  }

  /** The current record (a copy). */
  get snapshot(): SweepRecord {
    return structuredClone(this.record);
  }

  /** Called with a fresh snapshot on every change: a trial started, finished an epoch, ended; the sweep ended. */
  onProgress(listener: (r: SweepRecord) => void): void {
    this.listeners.push(listener);
  }

  /** Cancels running trials and every trial not started yet. */
  stop(): void {
    if (this.stopped || this.record.status !== 'running') return;
    this.stopped = true;
    for (const t of this.record.trials) {
      if (t.status === 'pending') t.status = 'cancelled';
      for (const f of t.folds ?? []) if (f.status === 'pending') f.status = 'cancelled';
    }
    for (const h of this.handles.values()) h.stop();
    this.changed();
    this.maybeFinish();
  }

  /** Epochs trained so far over all trials. */
  get spent(): number {
    return this.record.trials.reduce((n, t) => n + t.epochsDone, 0);
  }

  private fillSlots(): void {
    while (!this.stopped && this.handles.size < this.record.concurrency && this.launchNext()) {
      /* next slot */
    }
  }

  /** A scheduler's next trial, if the budget (less what running trials may still need) and the cap allow one. */
  private drawTrial(): SweepTrial | undefined {
    if (!this.plan) return undefined;
    const index = this.record.trials.length;
    if (this.opts.trials !== undefined && index >= this.opts.trials) return undefined;
    // a new trial may train to R on every fold: draw it only if the budget pays for that
    const first = this.plan.maxEpochs * (this.record.cv ?? 1);
    if (this.spent + owedEpochs(this.plan, this.record.trials) + first > this.record.budget!) return undefined;
    const k = this.record.cv;
    const trial: SweepTrial = {
      trial: index,
      hparams: this.draw(),
      status: 'pending',
      epochsDone: 0,
      rank: null,
      bracket: bracketOf(this.plan, index),
      ...pendingFolds(k),
    };
    this.record.trials.push(trial);
    return trial;
  }

  /** The next (trial, fold) to run: trials in order, each one's folds in order (no fold without cross-validation). */
  private nextWork(): { trial: SweepTrial; fold?: number } | undefined {
    const k = this.record.cv;
    if (!k) {
      while (this.record.trials[this.next] && this.record.trials[this.next].status !== 'pending') this.next++;
      const trial = this.record.trials[this.next] ?? this.drawTrial();
      if (trial) this.next++;
      return trial && { trial };
    }
    if (this.plan) {
      // fold 0 runs under the scheduler; the other folds of a trial it kept come first, then new trials
      const kept = this.record.trials.find(
        t =>
          t.status !== 'error' &&
          t.status !== 'pruned' &&
          t.folds![0].status === 'ok' &&
          t.folds!.some(f => f.status === 'pending'),
      );
      if (kept) return { trial: kept, fold: kept.folds!.findIndex(f => f.status === 'pending') };
      const waiting =
        this.record.trials.find(t => t.status === 'pending' && t.folds![0].status === 'pending') ?? this.drawTrial();
      return waiting && { trial: waiting, fold: 0 };
    }
    for (;;) {
      const trial = this.record.trials[Math.floor(this.next / k)];
      if (!trial) return undefined;
      const fold = this.next++ % k;
      if (trial.folds![fold].status !== 'pending') continue;
      // a trial whose fold failed is not worth its other folds
      if (trial.status !== 'error') return { trial, fold };
      trial.folds![fold].status = 'cancelled';
    }
  }

  /** Starts the next trial (or fold of one); false when there is none to start. */
  private launchNext(): boolean {
    if (this.stopped) return false;
    const work = this.nextWork();
    if (!work) return false;
    const { trial, fold } = work;
    const key = workKey(trial.trial, fold);
    const foldState = fold === undefined ? undefined : trial.folds![fold];
    let handle: RunHandle;
    try {
      handle = this.opts.launch({
        hparams: trial.hparams,
        sweep: { id: this.id, trial: trial.trial },
        epochs: this.record.epochs,
        ...(fold === undefined
          ? {}
          : { env: { [CV_ENV]: JSON.stringify({ k: this.record.cv, fold, seed: this.record.seed }) } }),
      });
    } catch (e) {
      trial.status = 'error';
      if (foldState) foldState.status = 'error';
      trial.error = { message: `could not start the trial: ${(e as Error).message}` };
      this.changed();
      return true;
    }
    this.handles.set(key, handle);
    // the trial's run is its first fold's (the panel opens and overlays it)
    if (!trial.runId) Object.assign(trial, { runId: handle.runId, runDir: handle.runDir });
    trial.status = 'running';
    if (foldState) Object.assign(foldState, { status: 'running', runId: handle.runId, runDir: handle.runDir });
    this.changed();
    handle.onEvent(e => {
      if (e.kind !== 'epoch') return;
      trial.epochsDone++;
      if (foldState) foldState.epochsDone++;
      const scores = this.scores.get(key) ?? new Map<string, MetricValue>();
      this.scores.set(key, scores);
      foldEpoch(scores, e.logs, foldState ? foldState.epochsDone : trial.epochsDone);
      this.rescore();
      if (fold === undefined || fold === 0) this.schedule(trial, e.logs, foldState);
      this.changed();
    });
    void handle.done.then(end => this.finishWork(trial, fold, end));
    return true;
  }

  /** The scheduler's word after an epoch: stop the trial at a rung it lost (or when it diverged). */
  private schedule(
    trial: SweepTrial,
    logs: Readonly<Record<string, number | null>>,
    fold0?: { epochsDone: number; metric?: MetricValue },
  ): void {
    const metric = this.record.metric;
    if (!this.rungBook || !metric || trial.pruned || this.stopped) return;
    const raw = logs[metric.name];
    const latest = raw === null ? NaN : raw;
    // under cross-validation the scheduler judges the trial by its first fold
    const epoch = fold0 ? fold0.epochsDone : trial.epochsDone;
    const score = fold0 ? fold0.metric : trial.metric;
    const best = score ? (metric.higherIsBetter ? -score.value : score.value) : undefined;
    const verdict = this.rungBook.afterEpoch(trial.trial, trial.bracket ?? 0, epoch, latest, best);
    if (rungsOf(this.plan!, trial.bracket ?? 0).includes(epoch))
      trial.rungs = { ...trial.rungs, [epoch]: best ?? null };
    if (!verdict || epoch >= this.record.epochs) return;
    trial.pruned = { epoch, rung: verdict.rung, reason: verdict.why };
    this.handles.get(workKey(trial.trial, fold0 ? 0 : undefined))?.stop();
  }

  private finishWork(trial: SweepTrial, fold: number | undefined, end: RunEndEvent): void {
    this.handles.delete(workKey(trial.trial, fold));
    const status = trial.pruned && end.status !== 'error' ? 'pruned' : end.status;
    trial.durationMs = (trial.durationMs ?? 0) + end.durationMs;
    if (end.error)
      trial.error = { message: end.error.message, file: end.error.location?.file, line: end.error.location?.line };
    if (fold === undefined) trial.status = status;
    else {
      trial.folds![fold].status = end.status;
      // a trial the scheduler stopped on its first fold never trains the others
      if (status === 'pruned') for (const f of trial.folds!) if (f.status === 'pending') f.status = 'cancelled';
      trial.status = foldedStatus(trial, status === 'pruned');
    }
    // The scores are already complete: launchRun hands every event to the listeners as it writes it to the log.
    this.rescore();
    this.changed();
    // A trial stopped from outside (the Stop command, the status bar, Ctrl-C) means: stop the sweep.
    if (end.status === 'cancelled' && !trial.pruned && !this.stopped) this.stop();
    this.fillSlots();
    this.maybeFinish();
  }

  private rescore(): void {
    scoreTrials(this.record, this.scores, this.opts.metric);
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
      if (!this.writeError)
        this.opts.onWriteError?.(`cannot write the sweep record ${this.file}: ${(e as Error).message}`);
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
