/**
 * `npm run bench:sweep [-- --seeds 10 --trials 16 --epochs 27]`: does early stopping of trials pay? For each seed,
 * random search (every trial trains all its epochs), Hyperband and ASHA (both η 3, from 1 epoch) get the same epoch
 * budget (trials × epochs) on a fast synthetic job where about half the sampled learning rates diverge
 * (bench/sweep-job.ts). All use the same seed, so they draw the same candidates in the same order: the question is
 * how many epochs each spends before it holds a trial at least as good as random search's best. Target: Hyperband
 * gets there in ≥ 8 of 10 seeds spending ≤ 50% of random search's epochs; ASHA's figure is printed beside it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Sweep } from '../src/sweep/sweep';
import { readSweepSpace } from '../src/sweep/space';
import type { SchedulerKind } from '../src/sweep/scheduler';
import type { SweepRecord } from '../src/protocol';
import { inProcessLauncher, SYNTHETIC_JOB } from './sweep-job';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

interface Outcome {
  record: SweepRecord;
  best: number;
  spent: number;
  /** epochs spent when the best-so-far first reached `target` */ reached: (target: number) => number | undefined;
}

async function runSweep(
  kind: SchedulerKind,
  seed: number,
  trials: number,
  epochs: number,
  work: string,
): Promise<Outcome> {
  const jobFile = path.join(work, 'synthetic.train.ts');
  const sweep = new Sweep({
    jobFile,
    sweepsDir: path.join(work, 'sweeps'),
    epochs,
    seed,
    metric: 'val_loss',
    space: readSweepSpace(SYNTHETIC_JOB, jobFile),
    ...(kind === 'none' ? { trials } : { budget: trials * epochs, scheduler: { kind, eta: 3, minEpochs: 1 } }),
    launch: inProcessLauncher(),
  });
  // (epochs spent, best val_loss so far) after every change, to find when a score was first reached
  const trace: Array<[number, number]> = [];
  sweep.onProgress(r => {
    const scores = r.trials.flatMap(t => (t.metric ? [t.metric.value] : []));
    trace.push([r.trials.reduce((n, t) => n + t.epochsDone, 0), scores.length ? Math.min(...scores) : Infinity]);
  });
  const record = await sweep.start().done;
  const best = Math.min(...record.trials.flatMap(t => (t.metric ? [t.metric.value] : [Infinity])));
  return {
    record,
    best,
    spent: record.trials.reduce((n, t) => n + t.epochsDone, 0),
    reached: target => trace.find(([, b]) => b <= target)?.[0],
  };
}

const SCHEDULED = ['hyperband', 'asha'] as const;
const NAMES: Record<(typeof SCHEDULED)[number], string> = { hyperband: 'Hyperband', asha: 'ASHA' };

function schedulerHeader(kind: (typeof SCHEDULED)[number]): string {
  const n = NAMES[kind];
  return `${`${n} best`.padStart(14)} ${'epochs'.padStart(6)} ${'trials (pruned)'.padStart(15)} ${'to reach'.padStart(8)} ${'share'.padStart(5)}`;
}

/** A scheduler's best, epochs spent, trials (pruned), epochs to reach random search's best, and their share. */
function schedulerCells(o: Outcome, reached: number | undefined, share: number | undefined): string {
  const pruned = o.record.trials.filter(t => t.status === 'pruned').length;
  return [
    o.best.toExponential(3).padStart(14),
    String(o.spent).padStart(6),
    `${o.record.trials.length} (${pruned})`.padStart(15),
    (reached === undefined ? 'never' : String(reached)).padStart(8),
    (share === undefined ? '-' : `${(100 * share).toFixed(0)}%`).padStart(5),
  ].join(' ');
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const seeds = arg('seeds', 10),
    trials = arg('trials', 16),
    epochs = arg('epochs', 27);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-sweep-'));
  const started = Date.now();
  console.log(
    `bench:sweep: random search (${trials} trials × ${epochs} epochs) vs Hyperband and ASHA (η 3, from 1 epoch) with the same budget of ${trials * epochs} epochs`,
  );
  console.log(
    `load average ${os
      .loadavg()
      .map(l => l.toFixed(1))
      .join(' ')} on ${os.availableParallelism()} cores (wall times are inflated on a shared machine)`,
  );
  console.log(
    `${'seed'.padEnd(6)} ${'random best'.padStart(11)} ${'epochs'.padStart(6)}  ${SCHEDULED.map(k => schedulerHeader(k)).join('  ')}`,
  );
  const tallies = new Map(SCHEDULED.map(k => [k, { atLeastAsGood: 0, better: 0, passes: 0, shares: [] as number[] }]));
  for (let i = 0; i < seeds; i++) {
    const seed = 1000 + i;
    const random = await runSweep('none', seed, trials, epochs, work);
    const cells: string[] = [];
    for (const kind of SCHEDULED) {
      const o = await runSweep(kind, seed, trials, epochs, work);
      const tally = tallies.get(kind)!;
      const reached = o.reached(random.best);
      const share = reached === undefined ? undefined : reached / random.spent;
      if (share !== undefined) {
        tally.atLeastAsGood++;
        tally.shares.push(share);
        if (share <= 0.5) tally.passes++;
      }
      if (o.best < random.best) tally.better++;
      cells.push(schedulerCells(o, reached, share));
    }
    console.log(
      `${String(seed).padEnd(6)} ${random.best.toExponential(3).padStart(11)} ${String(random.spent).padStart(6)}  ${cells.join('  ')}`,
    );
  }
  for (const kind of SCHEDULED) {
    const t = tallies.get(kind)!;
    const sorted = [...t.shares].sort((a, b) => a - b);
    const pct = (v: number | undefined) => (v === undefined ? '-' : `${(100 * v).toFixed(0)}%`);
    console.log(
      `${NAMES[kind]}: at least as good as random search's best in ${t.atLeastAsGood} of ${seeds} seeds (better in ${t.better}); ` +
        `there within ≤ 50% of its epochs in ${t.passes} of ${seeds} (median ${pct(sorted[Math.floor((sorted.length - 1) / 2)])}, worst ${pct(sorted.at(-1))})`,
    );
  }
  const passes = tallies.get('hyperband')!.passes;
  console.log(
    `target: Hyperband within ≤ 50% of random search's epochs in ≥ ${Math.ceil(seeds * 0.8)} of ${seeds} seeds: ${passes >= Math.ceil(seeds * 0.8) ? 'met' : 'MISSED'}; ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  fs.rmSync(work, { recursive: true, force: true });
  process.exitCode = passes >= Math.ceil(seeds * 0.8) ? 0 : 1;
}

void main();
