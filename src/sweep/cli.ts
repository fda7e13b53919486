/**
 * `training-lens sweep <job> --trials N --epochs E [--budget B] [--scheduler hyperband|asha|none] [--concurrency C]
 * [--metric val_loss] [--seed S]`: random search over the space the job declares with `hparams()`, optionally with
 * early stopping of trials; one line per finished trial, then the Best-N table. Exit codes: 0 at least one trial trained, 1 none did (or the job's space is unusable), 2 bad usage,
 * 130 stopped with Ctrl-C.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BackendPreference } from '../runner/backend';
import { BACKEND_PREFERENCES } from '../runner/backend';
import type { RunnerEntry } from '../runner/entry';
import { runsDirOf } from '../runs/store';
import { formatMetric } from '../protocol/format';
import { readSweepSpaceFile, SpaceError } from './space';
import { Sweep, launchTrialsWith, sweepsDirOf } from './sweep';
import { bestTable, earlyStopText, importanceText } from './table';
import { readSweepRecord } from './record';
import type { SchedulerKind } from './scheduler';
import { formatDimension, formatHparam } from '../protocol/format';

export const SWEEP_USAGE =
  '  training-lens sweep --resume <.training-lens/sweeps/<id>.json> [--concurrency C] [--backend …] [--runs-dir <dir>]\n  training-lens sweep <job.ts> --epochs E (--trials N | --budget B) [--cv K] [--scheduler none|asha|hyperband] [--eta 3] [--min-epochs 1] [--concurrency C] [--metric val_loss] [--seed S] [--backend auto|node|wasm|cpu] [--runs-dir <dir>]\n';
export const SWEEP_FLAGS = [
  'resume',
  'trials',
  'epochs',
  'cv',
  'budget',
  'scheduler',
  'eta',
  'min-epochs',
  'concurrency',
  'metric',
  'seed',
  'backend',
  'runs-dir',
];
const SCHEDULERS: SchedulerKind[] = ['none', 'asha', 'hyperband'];

export interface SweepIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

class SweepUsage extends Error {}
class ResumeError extends Error {}

function backendFlag(flags: Map<string, string | true>): BackendPreference {
  const backend = (flags.get('backend') ?? 'auto') as BackendPreference;
  if (!BACKEND_PREFERENCES.includes(backend))
    throw new SweepUsage(`--backend must be one of ${BACKEND_PREFERENCES.join(', ')}`);
  return backend;
}

/** A new sweep of the job, from the flags. */
function newSweep(
  positional: string[],
  flags: Map<string, string | true>,
  io: SweepIo,
  runner: RunnerEntry & { env?: NodeJS.ProcessEnv },
): Sweep {
  const job = positional[0];
  if (!job) throw new SweepUsage('sweep needs a job file');
  if (!fs.existsSync(job)) throw new SweepUsage(`no such job file: ${job}`);
  const trials = wholeFlag(flags, 'trials', 1);
  const epochs = wholeFlag(flags, 'epochs', 1);
  const budget = wholeFlag(flags, 'budget', 1);
  if (epochs === undefined || (trials === undefined && budget === undefined)) {
    throw new SweepUsage(
      'sweep needs --epochs E (the most one trial trains) and --trials N or --budget B (epochs over all trials)',
    );
  }
  const scheduler = (flags.get('scheduler') ?? 'none') as SchedulerKind;
  if (!SCHEDULERS.includes(scheduler)) throw new SweepUsage(`--scheduler must be one of ${SCHEDULERS.join(', ')}`);
  const eta = wholeFlag(flags, 'eta', 2, 3)!;
  const cv = wholeFlag(flags, 'cv', 2);
  const minEpochs = wholeFlag(flags, 'min-epochs', 1, 1)!;
  if (scheduler !== 'none' && minEpochs >= epochs)
    throw new SweepUsage(
      `--min-epochs (${minEpochs}) must be below --epochs (${epochs}) for a scheduler to stop anything`,
    );
  const concurrency = wholeFlag(flags, 'concurrency', 1);
  const seed = wholeFlag(flags, 'seed', 0);
  const metric = flags.get('metric');
  if (metric === true) throw new SweepUsage('--metric needs a name, e.g. val_loss');
  const backend = backendFlag(flags);
  const root = process.cwd();
  const runsDirFlag = flags.get('runs-dir');
  if (runsDirFlag === true) throw new SweepUsage('--runs-dir needs a folder');
  const runsDir = path.resolve(runsDirFlag ?? runsDirOf(root));
  const space = readSweepSpaceFile(path.resolve(job));
  return new Sweep({
    jobFile: job,
    sweepsDir: flags.has('runs-dir') ? path.join(path.dirname(runsDir), 'sweeps') : sweepsDirOf(root),
    trials,
    epochs,
    budget,
    cv,
    scheduler: { kind: scheduler, eta, minEpochs },
    concurrency,
    seed,
    metric,
    space,
    launch: launchTrialsWith({ jobFile: job, runsDir, backend, ...runner }),
    onWriteError: message => io.err(message),
  });
}

/** `--resume <record>`: the same job, space, seed and settings; the trials it did not finish run now. */
function resumeSweep(
  flags: Map<string, string | true>,
  io: SweepIo,
  runner: RunnerEntry & { env?: NodeJS.ProcessEnv },
): Sweep {
  const file = flags.get('resume');
  if (file === true || !file)
    throw new SweepUsage('--resume needs a sweep record, e.g. .training-lens/sweeps/<id>.json');
  for (const f of ['trials', 'epochs', 'budget', 'cv', 'scheduler', 'eta', 'min-epochs', 'seed', 'metric']) {
    if (flags.has(f))
      throw new SweepUsage(`--${f} cannot change a resumed sweep: it continues with the settings in its record`);
  }
  let record;
  try {
    record = readSweepRecord(path.resolve(file));
  } catch (e) {
    throw new ResumeError((e as Error).message);
  }
  if (record.status === 'done') throw new ResumeError(`${file}: this sweep is done; nothing to continue`);
  if (!fs.existsSync(record.jobFile)) throw new ResumeError(`${file}: its job ${record.jobFile} is gone`);
  const runsDirFlag = flags.get('runs-dir');
  if (runsDirFlag === true) throw new SweepUsage('--runs-dir needs a folder');
  const lastRun = record.trials.find(t => t.runDir)?.runDir;
  const runsDir = path.resolve(runsDirFlag ?? (lastRun ? path.dirname(lastRun) : runsDirOf(process.cwd())));
  return new Sweep({
    jobFile: record.jobFile,
    sweepsDir: path.dirname(path.resolve(file)),
    epochs: record.epochs,
    seed: record.seed,
    ...(record.scheduler ? { budget: record.budget, scheduler: record.scheduler } : { trials: record.trials.length }),
    cv: record.cv,
    metric: record.requestedMetric,
    concurrency: wholeFlag(flags, 'concurrency', 1),
    space: { file: record.jobFile, line: 1, defaults: record.defaults, space: record.space },
    launch: launchTrialsWith({ jobFile: record.jobFile, runsDir, backend: backendFlag(flags), ...runner }),
    onWriteError: message => io.err(message),
    resumeFrom: record,
  });
}

function wholeFlag(
  flags: Map<string, string | true>,
  name: string,
  min: number,
  fallback?: number,
): number | undefined {
  const raw = flags.get(name);
  if (raw === undefined) return fallback;
  if (raw === true) throw new SweepUsage(`--${name} needs a value`);
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) throw new SweepUsage(`--${name} must be a whole number ≥ ${min}`);
  return v;
}

export async function sweepCommand(
  positional: string[],
  flags: Map<string, string | true>,
  io: SweepIo,
  runner: RunnerEntry & { env?: NodeJS.ProcessEnv },
): Promise<number> {
  let sweep: Sweep;
  try {
    if (flags.has('resume')) {
      sweep = resumeSweep(flags, io, runner);
    } else {
      sweep = newSweep(positional, flags, io, runner);
    }
  } catch (e) {
    if (e instanceof ResumeError) {
      io.err(`training-lens: ${e.message}`);
      return 1;
    }
    if (e instanceof SweepUsage) {
      io.err(`training-lens: ${e.message}\nUsage:\n${SWEEP_USAGE}`);
      return 2;
    }
    if (e instanceof SpaceError) {
      io.err(`training-lens: ${e.message}`);
      return 1;
    }
    throw e;
  }

  const planned = sweep.snapshot;
  const resumed = planned.trials.filter(t => t.status !== 'pending').length;
  if (flags.has('resume'))
    io.out(`Continuing sweep ${planned.id}: ${resumed} trials kept from its record, seed ${planned.seed}`);
  const names = Object.keys(planned.space);
  const jobName = path.relative(process.cwd(), planned.jobFile) || planned.jobFile;
  if (planned.scheduler) {
    io.out(
      `Sweep ${planned.id}: ${planned.scheduler.kind} over ${jobName}, budget ${planned.budget} epochs, up to ${planned.epochs} per trial ` +
        `(η ${planned.scheduler.eta}, from ${planned.scheduler.minEpochs}), ${planned.concurrency} at a time, seed ${planned.seed}`,
    );
  } else {
    io.out(
      `Sweep ${planned.id}: ${planned.trials.length} trials of ${jobName}, ` +
        `${planned.epochs} epoch${planned.epochs > 1 ? 's' : ''} each, ${planned.cv ? `${planned.cv}-fold cross-validation, ` : ''}${planned.concurrency} at a time, seed ${planned.seed}`,
    );
  }
  io.out(`space: ${names.map(n => `${n} ${formatDimension(planned.space[n])}`).join(', ')}`);
  const reported = new Set<number>();
  sweep.onProgress(r => {
    for (const t of r.trials) {
      if (reported.has(t.trial) || t.status === 'pending' || t.status === 'running') continue;
      if (planned.trials[t.trial] && planned.trials[t.trial].status !== 'pending' && flags.has('resume')) {
        reported.add(t.trial);
        continue;
      }
      reported.add(t.trial);
      const hp = names.map(n => `${n} ${formatHparam(t.hparams[n])}`).join(', ');
      const score =
        t.metric && r.metric
          ? ` ${r.metric.name} ${formatMetric(t.metric.value)}${t.spread !== undefined ? ` ± ${formatMetric(t.spread)} over ${t.folds!.filter(f => f.metric).length} folds` : ` (epoch ${t.metric.epoch})`}`
          : '';
      const why = t.error
        ? `: ${t.error.message}${t.error.file && !t.error.message.includes(t.error.file) ? ` (${t.error.file}:${t.error.line})` : ''}`
        : '';
      const of = r.scheduler ? '' : `/${r.trials.length}`;
      const status = t.pruned
        ? `pruned after epoch ${t.pruned.epoch} (${t.pruned.reason === 'diverged' ? 'diverged' : `lost at rung ${t.pruned.rung}`})`
        : t.status;
      io.out(`trial ${t.trial + 1}${of} ${status}${score}${earlyStopText(t, r.epochs)} · ${hp}${why}`);
    }
  });
  const onSignal = () => {
    io.err('Stopping the sweep…');
    sweep.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  sweep.start();
  const record = await sweep.done;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  io.out('');
  for (const line of bestTable(record)) io.out(line);
  for (const line of importanceText(record)) io.out(line);
  io.out(
    `epochs spent: ${record.trials.reduce((n, t) => n + t.epochsDone, 0)} of ${record.budget ?? '-'} over ${record.trials.length} trials`,
  );
  if (record.metric && record.trials.some(t => t.status === 'ok') && !record.trials.some(t => t.metric)) {
    io.err(
      `warning: no trial logged '${record.metric.name}' in its epoch logs: check --metric against what the job's fit reports (e.g. val_loss, val_acc)`,
    );
  }
  io.out(`sweep record: ${sweep.file}`);
  if (record.status === 'cancelled') return 130;
  return record.trials.some(t => t.status === 'ok') ? 0 : 1;
}
