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
import { bestTable, importanceText } from './table';
import type { SchedulerKind } from './scheduler';
import { formatDimension, formatHparam } from '../protocol/format';

export const SWEEP_USAGE = '  training-lens sweep <job.ts> --epochs E (--trials N | --budget B) [--cv K] [--scheduler none|asha|hyperband] [--eta 3] [--min-epochs 1] [--concurrency C] [--metric val_loss] [--seed S] [--backend auto|node|wasm|cpu] [--runs-dir <dir>]\n';
export const SWEEP_FLAGS = ['trials', 'epochs', 'cv', 'budget', 'scheduler', 'eta', 'min-epochs', 'concurrency', 'metric', 'seed', 'backend', 'runs-dir'];
const SCHEDULERS: SchedulerKind[] = ['none', 'asha', 'hyperband'];

export interface SweepIo { out: (line: string) => void; err: (line: string) => void }

class SweepUsage extends Error {}

function wholeFlag(flags: Map<string, string | true>, name: string, min: number, fallback?: number): number | undefined {
  const raw = flags.get(name);
  if (raw === undefined) return fallback;
  if (raw === true) throw new SweepUsage(`--${name} needs a value`);
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) throw new SweepUsage(`--${name} must be a whole number ≥ ${min}`);
  return v;
}

export async function sweepCommand(positional: string[], flags: Map<string, string | true>, io: SweepIo,
  runner: RunnerEntry & { env?: NodeJS.ProcessEnv }): Promise<number> {
  let sweep: Sweep;
  try {
    const job = positional[0];
    if (!job) throw new SweepUsage('sweep needs a job file');
    if (!fs.existsSync(job)) throw new SweepUsage(`no such job file: ${job}`);
    const trials = wholeFlag(flags, 'trials', 1);
    const epochs = wholeFlag(flags, 'epochs', 1);
    const budget = wholeFlag(flags, 'budget', 1);
    if (epochs === undefined || (trials === undefined && budget === undefined)) {
      throw new SweepUsage('sweep needs --epochs E (the most one trial trains) and --trials N or --budget B (epochs over all trials)');
    }
    const scheduler = (flags.get('scheduler') ?? 'none') as SchedulerKind;
    if (!SCHEDULERS.includes(scheduler)) throw new SweepUsage(`--scheduler must be one of ${SCHEDULERS.join(', ')}`);
    const eta = wholeFlag(flags, 'eta', 2, 3)!;
    const cv = wholeFlag(flags, 'cv', 2);
    if (cv !== undefined && scheduler !== 'none') throw new SweepUsage('--cv and --scheduler cannot be combined yet: cross-validate with random search');
    const minEpochs = wholeFlag(flags, 'min-epochs', 1, 1)!;
    if (scheduler !== 'none' && minEpochs >= epochs) throw new SweepUsage(`--min-epochs (${minEpochs}) must be below --epochs (${epochs}) for a scheduler to stop anything`);
    const concurrency = wholeFlag(flags, 'concurrency', 1);
    const seed = wholeFlag(flags, 'seed', 0);
    const metric = flags.get('metric');
    if (metric === true) throw new SweepUsage('--metric needs a name, e.g. val_loss');
    const backend = (flags.get('backend') ?? 'auto') as BackendPreference;
    if (!BACKEND_PREFERENCES.includes(backend)) throw new SweepUsage(`--backend must be one of ${BACKEND_PREFERENCES.join(', ')}`);
    const root = process.cwd();
    const runsDirFlag = flags.get('runs-dir');
    if (runsDirFlag === true) throw new SweepUsage('--runs-dir needs a folder');
    const runsDir = path.resolve(runsDirFlag ?? runsDirOf(root));
    const space = readSweepSpaceFile(path.resolve(job));
    sweep = new Sweep({
      jobFile: job, sweepsDir: flags.has('runs-dir') ? path.join(path.dirname(runsDir), 'sweeps') : sweepsDirOf(root),
      trials, epochs, budget, cv, scheduler: { kind: scheduler, eta, minEpochs }, concurrency, seed, metric, space,
      launch: launchTrialsWith({ jobFile: job, runsDir, backend, ...runner }),
      onWriteError: message => io.err(message),
    });
  } catch (e) {
    if (e instanceof SweepUsage) { io.err(`training-lens: ${e.message}\nUsage:\n${SWEEP_USAGE}`); return 2; }
    if (e instanceof SpaceError) { io.err(`training-lens: ${e.message}`); return 1; }
    throw e;
  }

  const planned = sweep.snapshot;
  const names = Object.keys(planned.space);
  const jobName = path.relative(process.cwd(), planned.jobFile) || planned.jobFile;
  if (planned.scheduler) {
    io.out(`Sweep ${planned.id}: ${planned.scheduler.kind} over ${jobName}, budget ${planned.budget} epochs, up to ${planned.epochs} per trial ` +
      `(η ${planned.scheduler.eta}, from ${planned.scheduler.minEpochs}), ${planned.concurrency} at a time, seed ${planned.seed}`);
  } else {
    io.out(`Sweep ${planned.id}: ${planned.trials.length} trials of ${jobName}, ` +
      `${planned.epochs} epoch${planned.epochs > 1 ? 's' : ''} each, ${planned.cv ? `${planned.cv}-fold cross-validation, ` : ''}${planned.concurrency} at a time, seed ${planned.seed}`);
  }
  io.out(`space: ${names.map(n => `${n} ${formatDimension(planned.space[n])}`).join(', ')}`);
  const reported = new Set<number>();
  sweep.onProgress(r => {
    for (const t of r.trials) {
      if (reported.has(t.trial) || t.status === 'pending' || t.status === 'running') continue;
      reported.add(t.trial);
      const hp = names.map(n => `${n} ${formatHparam(t.hparams[n])}`).join(', ');
      const score = t.metric && r.metric
        ? ` ${r.metric.name} ${formatMetric(t.metric.value)}${t.spread !== undefined ? ` ± ${formatMetric(t.spread)} over ${t.folds!.filter(f => f.metric).length} folds` : ` (epoch ${t.metric.epoch})`}` : '';
      const why = t.error ? `: ${t.error.message}${t.error.file && !t.error.message.includes(t.error.file) ? ` (${t.error.file}:${t.error.line})` : ''}` : '';
      const of = r.scheduler ? '' : `/${r.trials.length}`;
      const status = t.pruned ? `pruned after epoch ${t.pruned.epoch} (${t.pruned.reason === 'diverged' ? 'diverged' : `lost at rung ${t.pruned.rung}`})` : t.status;
      io.out(`trial ${t.trial + 1}${of} ${status}${score} · ${hp}${why}`);
    }
  });
  const onSignal = () => { io.err('Stopping the sweep…'); sweep.stop(); };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  sweep.start();
  const record = await sweep.done;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  io.out('');
  for (const line of bestTable(record)) io.out(line);
  for (const line of importanceText(record)) io.out(line);
  io.out(`epochs spent: ${record.trials.reduce((n, t) => n + t.epochsDone, 0)} of ${record.budget ?? '-'} over ${record.trials.length} trials`);
  if (record.metric && record.trials.some(t => t.status === 'ok') && !record.trials.some(t => t.metric)) {
    io.err(`warning: no trial logged '${record.metric.name}' in its epoch logs: check --metric against what the job's fit reports (e.g. val_loss, val_acc)`);
  }
  io.out(`sweep record: ${sweep.file}`);
  if (record.status === 'cancelled') return 130;
  return record.trials.some(t => t.status === 'ok') ? 0 : 1;
}
