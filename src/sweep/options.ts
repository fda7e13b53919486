/**
 * What a sweep is started with: the options, their checks, the trial launcher, and the record a fresh sweep starts
 * from (random search draws its trials up front; a scheduler draws them as it goes).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { launchRun, type LaunchOptions, type RunHandle } from '../runner/launch';
import type { SweepRecord, SweepTrial } from '../protocol';
import type { SweepSpace } from './space';
import { sampleTrials } from './sample';
import { chooseMetric } from './rank';
import type { SchedulerKind, SchedulerPlan } from './scheduler';

/** What one trial is launched with. */
export interface TrialLaunch {
  hparams: Record<string, number | string | boolean>;
  sweep: { id: string; trial: number };
  epochs: number;
  /** cross-validation: the env that tells the job's cvSplit() its fold (TRAINING_LENS_CV) */
  env?: Record<string, string>;
}

export type TrialLauncher = (trial: TrialLaunch) => RunHandle;

/** The plain launcher (CLI, tests): `launchRun` with these options plus the trial's. */
export function launchTrialsWith(base: Omit<LaunchOptions, 'hparams' | 'sweep' | 'epochs'>): TrialLauncher {
  return t =>
    launchRun({ ...base, hparams: t.hparams, sweep: t.sweep, epochs: t.epochs, env: { ...base.env, ...t.env } });
}

export interface SweepOptions {
  jobFile: string;
  /** the sweep record goes here: `<workspace>/.training-lens/sweeps` */
  sweepsDir: string;
  /** how many trials (random search); with a scheduler, the most it may start (none: until the budget is spent) */
  trials?: number;
  /** per-trial epoch budget (overrides the job's own `epochs`) */
  epochs: number;
  /** total epochs over all trials; default trials × epochs */
  budget?: number;
  /** K-fold cross-validation: each trial trains K runs, one per fold (with a scheduler: the others once fold 0 has gone the distance) */
  cv?: number;
  /** continue this (stopped or interrupted) sweep: its id, file, trials and seed; what it did is kept */
  resumeFrom?: SweepRecord;
  /** early stopping of trials; default none (every trial trains `epochs`) */
  scheduler?: { kind: SchedulerKind; eta?: number; minEpochs?: number };
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

/** Checks the options; the scheduler's plan when one is asked for. */
export function checkSweepOptions(opts: SweepOptions): SchedulerPlan | undefined {
  if (opts.trials !== undefined) positiveInteger('trials', opts.trials);
  positiveInteger('epochs', opts.epochs);
  if (opts.budget !== undefined) positiveInteger('budget', opts.budget);
  if (opts.concurrency !== undefined) positiveInteger('concurrency', opts.concurrency);
  if (opts.cv !== undefined && (!Number.isInteger(opts.cv) || opts.cv < 2))
    throw new RangeError(`cv must be a whole number ≥ 2 (got ${opts.cv})`);
  if (opts.trials === undefined && opts.budget === undefined)
    throw new RangeError('a sweep needs a number of trials or an epoch budget');
  if (opts.seed !== undefined && (!Number.isInteger(opts.seed) || opts.seed < 0 || opts.seed > 0xffffffff))
    throw new RangeError(`seed must be a whole number from 0 to ${0xffffffff} (got ${opts.seed})`);
  if (!opts.scheduler || opts.scheduler.kind === 'none') return undefined;
  const eta = opts.scheduler.eta ?? 3,
    minEpochs = opts.scheduler.minEpochs ?? 1;
  if (!Number.isInteger(eta) || eta < 2) throw new RangeError(`eta must be a whole number ≥ 2 (got ${eta})`);
  positiveInteger('minEpochs', minEpochs);
  return { kind: opts.scheduler.kind, eta, minEpochs, maxEpochs: opts.epochs };
}

/** A new trial's folds under K-fold cross-validation (nothing without). */
export function pendingFolds(k: number | undefined): Pick<SweepTrial, 'folds'> {
  return k
    ? { folds: Array.from({ length: k }, (_, fold) => ({ fold, status: 'pending' as const, epochsDone: 0 })) }
    : {};
}

/** The record a fresh sweep starts from; random search's trials are all drawn here. */
export function initialRecord(
  opts: SweepOptions,
  init: { id: string; jobFile: string; seed: number; space: SweepSpace; plan: SchedulerPlan | undefined },
): SweepRecord {
  const { plan } = init;
  const trials = opts.trials ?? Math.max(1, Math.floor(opts.budget! / opts.epochs));
  return {
    version: 1,
    id: init.id,
    jobFile: init.jobFile,
    createdAt: new Date().toISOString(),
    status: 'running',
    seed: init.seed,
    epochs: opts.epochs,
    concurrency: concurrencyFor(plan ? (opts.trials ?? Infinity) : trials, opts.concurrency),
    metric: opts.metric ? chooseMetric([], opts.metric)! : null,
    ...(opts.metric ? { requestedMetric: opts.metric } : {}),
    ...(plan ? { scheduler: { kind: plan.kind, eta: plan.eta, minEpochs: plan.minEpochs } } : {}),
    budget: opts.budget ?? trials * opts.epochs * (opts.cv ?? 1),
    ...(opts.cv ? { cv: opts.cv } : {}),
    defaults: init.space.defaults,
    space: init.space.space,
    trials: plan
      ? []
      : sampleTrials(init.space.space, trials, init.seed).map((hparams, trial) => ({
          trial,
          hparams,
          status: 'pending',
          epochsDone: 0,
          rank: null,
          ...pendingFolds(opts.cv),
        })),
  };
}
