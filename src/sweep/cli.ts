/**
 * `training-lens sweep <job> --trials N --epochs E [--concurrency C] [--metric val_loss] [--seed S]`: log-uniform
 * random search over the space the job declares with `hparams()`; one line per finished trial, then the Best-N
 * table. Exit codes: 0 at least one trial trained, 1 none did (or the job's space is unusable), 2 bad usage,
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
import { bestTable } from './table';
import { formatDimension, formatHparam } from '../protocol/format';

export const SWEEP_USAGE = '  training-lens sweep <job.ts> --trials N --epochs E [--concurrency C] [--metric val_loss] [--seed S] [--backend auto|node|wasm|cpu] [--runs-dir <dir>]\n';
export const SWEEP_FLAGS = ['trials', 'epochs', 'concurrency', 'metric', 'seed', 'backend', 'runs-dir'];

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
    if (trials === undefined || epochs === undefined) throw new SweepUsage('sweep needs --trials N and --epochs E (the budget of each trial)');
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
      trials, epochs, concurrency, seed, metric, space,
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
  io.out(`Sweep ${planned.id}: ${planned.trials.length} trials of ${path.relative(process.cwd(), planned.jobFile) || planned.jobFile}, ` +
    `${planned.epochs} epoch${planned.epochs > 1 ? 's' : ''} each, ${planned.concurrency} at a time, seed ${planned.seed}`);
  io.out(`space: ${names.map(n => `${n} ${formatDimension(planned.space[n])}`).join(', ')}`);
  const reported = new Set<number>();
  sweep.onProgress(r => {
    for (const t of r.trials) {
      if (reported.has(t.trial) || t.status === 'pending' || t.status === 'running') continue;
      reported.add(t.trial);
      const hp = names.map(n => `${n} ${formatHparam(t.hparams[n])}`).join(', ');
      const score = t.metric && r.metric ? ` ${r.metric.name} ${formatMetric(t.metric.value)} (epoch ${t.metric.epoch})` : '';
      const why = t.error ? `: ${t.error.message}${t.error.file && !t.error.message.includes(t.error.file) ? ` (${t.error.file}:${t.error.line})` : ''}` : '';
      io.out(`trial ${t.trial + 1}/${r.trials.length} ${t.status}${score} · ${hp}${why}`);
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
  if (record.metric && record.trials.some(t => t.status === 'ok') && !record.trials.some(t => t.metric)) {
    io.err(`warning: no trial logged '${record.metric.name}' in its epoch logs: check --metric against what the job's fit reports (e.g. val_loss, val_acc)`);
  }
  io.out(`sweep record: ${sweep.file}`);
  if (record.status === 'cancelled') return 130;
  return record.trials.some(t => t.status === 'ok') ? 0 : 1;
}
