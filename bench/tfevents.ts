/**
 * `npm run bench:tfevents`: a synthetic TensorBoard logdir of 100,000 steps × 6 scalar tags (one event per tag and
 * step, as PyTorch's SummaryWriter writes them) + 10 histogram tags × 500 steps (30 bins), written in a temp folder.
 * Prints, as medians of BENCH_TFEVENTS_RUNS (3) runs with wall and CPU time (the machine is shared: CPU time is the
 * steadier figure):
 * - the time to the dashboard host's first replay message, what the dashboard draws its first charts from: the
 *   logdir found, the first LOGDIR_FIRST_READ_BYTES (4 MB) of each event file read, every record checked (CRC32C)
 *   and converted to Training Lens events, the first 10,000 encoded as columns. The first chart is the first part
 *   of the run, every scalar tag from step 0; the rest streams in poll by poll after it (not a downsample);
 * - the whole logdir read poll by poll as the host then reads it, and read at once with every replay message encoded;
 * - the dashboard host's own path (src/tfevents/follow.ts, what extension/logdirs.ts runs): the first replay
 *   message with the diagnosis scheduled (it runs after, in slices that yield to the event loop), the longest the
 *   event loop then waited for a turn, the first read diagnosed, and the whole logdir read poll by poll (as the
 *   host's poll timer does) and diagnosed;
 * - where TRAINING_LENS_TEST_PYTHON (or the first argument) has tensorboard, TensorBoard's own EventAccumulator
 *   loading the same logdir (Reload, default size guidance: reservoir sampling to 10,000 scalars per tag), timed in
 *   the same run, median of as many runs.
 * BENCH_TFEVENTS_STEPS overrides the step count.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { findRuns } from '../src/tfevents/logdir';
import { LogdirRunReader, LOGDIR_FIRST_READ_BYTES } from '../src/tfevents/convert';
import { encodeEvent, type SummaryValue } from '../src/tfevents/codec';
import { frameRecord } from '../src/tfevents/records';
import { encodeHistory } from '../src/protocol/history';
import { LogdirFollower } from '../src/tfevents/follow';
import { DiagnosisEngine } from '../src/detectors/engine';
import type { RunEvent } from '../src/protocol';

const STEPS = Number(process.env.BENCH_TFEVENTS_STEPS ?? 100_000);
const RUNS = Number(process.env.BENCH_TFEVENTS_RUNS ?? 3);
const SCALARS = ['Loss/train', 'Accuracy/train', 'lr', 'grad_norm/total', 'Loss/val', 'Accuracy/val'];
const HISTOGRAMS = Array.from({ length: 10 }, (_, i) => `weights/layer${i}.weight`);
const HIST_STEPS = 500;
const BINS = 30;
/** the dashboard host's replay chunk (extension/dashboard.ts) */
const CHUNK = 10_000;

function writeLogdir(dir: string): number {
  const file = path.join(dir, 'run1', 'events.out.tfevents.1700000000.bench');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  const buffers: Buffer[] = [];
  const flush = () => {
    fs.writeSync(fd, Buffer.concat(buffers.splice(0)));
  };
  const put = (step: number, value: SummaryValue) => {
    buffers.push(frameRecord(encodeEvent({ wall_time: 1.7e9 + step / 100, step, summary: { value: [value] } })));
    if (buffers.length >= 10_000) flush();
  };
  buffers.push(frameRecord(encodeEvent({ wall_time: 1.7e9, file_version: 'brain.Event:2' })));
  const histEvery = Math.max(1, Math.floor(STEPS / HIST_STEPS));
  for (let step = 0; step < STEPS; step++) {
    const loss = 2 * Math.exp(-step / 20_000) + 0.05 * Math.sin(step);
    put(step, { tag: SCALARS[0], simple_value: loss });
    put(step, { tag: SCALARS[1], simple_value: 1 - loss / 3 });
    put(step, { tag: SCALARS[2], simple_value: 1e-3 });
    put(step, { tag: SCALARS[3], simple_value: 1 + Math.cos(step) });
    put(step, { tag: SCALARS[4], simple_value: loss * 1.1 });
    put(step, { tag: SCALARS[5], simple_value: 1 - loss / 2.5 });
    if (step % histEvery === 0)
      for (const tag of HISTOGRAMS) {
        const limits = Array.from({ length: BINS }, (_, i) => -1 + (2 * (i + 1)) / BINS);
        const counts = limits.map((_, i) => Math.round(100 * Math.exp(-((i - BINS / 2) ** 2) / 40)));
        put(step, {
          tag,
          histo: { min: -1, max: 1, num: 0, sum: 0, sum_squares: 0, bucket_limit: limits, bucket: counts },
        });
      }
  }
  flush();
  fs.closeSync(fd);
  return fs.statSync(file).size;
}

function tensorboardMs(python: string, dir: string): string {
  const code =
    'import sys, time\n' +
    'from tensorboard.backend.event_processing.event_accumulator import EventAccumulator\n' +
    // loaded before the clock starts: TensorFlow when installed (its C++ record reader), else TensorBoard's stub
    'from tensorboard.compat import tf\n' +
    'print("TensorFlow " + tf.__version__ if tf.__version__ != "stub" else "no TensorFlow: its pure-Python reader")\n' +
    'for _ in range(int(sys.argv[2])):\n' +
    '    t = time.perf_counter(); a = EventAccumulator(sys.argv[1]); a.Reload()\n' +
    '    print(time.perf_counter() - t, len(a.Tags()["scalars"]), len(a.Tags()["histograms"]))\n';
  const r = spawnSync(python, ['-c', code, dir, String(RUNS)], { encoding: 'utf8' });
  if (r.status !== 0) return `not timed: ${r.stderr.trim().split('\n').at(-1)}`;
  const [reader, ...lines] = r.stdout.trim().split('\n');
  const rows = lines.map(l => l.split(' '));
  const [, scalars, hists] = rows[0];
  const ms = rows.map(([secs]) => Number(secs) * 1000);
  return (
    `${median(ms).toFixed(0)} ms (runs ${ms.map(x => x.toFixed(0)).join(', ')}; EventAccumulator.Reload, ` +
    `${scalars} scalar + ${hists} histogram tags, default sampling; ${reader})`
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

interface Sample {
  ms: number;
  cpu: number;
}
function timed<T>(f: () => T): Sample & { value: T } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = f();
  return { ms: performance.now() - t0, cpu: cpuMs(c0), value };
}
const fmt = (xs: Sample[]) =>
  `${median(xs.map(x => x.ms)).toFixed(0)} ms (CPU ${median(xs.map(x => x.cpu)).toFixed(0)} ms; runs ${xs.map(x => x.ms.toFixed(0)).join(', ')})`;

interface HostRun {
  replay: Sample;
  firstDiagnosed: number;
  read: number;
  whole: Sample;
  lag: number;
  events: number;
  firstEvents: number;
  findings: string[];
}

/** Times the host's path: first replay, then reading on (setTimeout 0, as LogdirRuns.pollAll) while diagnosis slices run. */
async function hostPath(logdir: string): Promise<HostRun> {
  const c0 = process.cpuUsage();
  const start = performance.now();
  const follower = new LogdirFollower(findRuns(logdir)[0], new DiagnosisEngine());
  const first = follower.poll(false);
  encodeHistory(follower.events.slice(0, CHUNK));
  const replay = { ms: performance.now() - start, cpu: cpuMs(c0) };
  // the event loop's longest wait for a turn: what a click in the extension host would wait at worst
  let lag = 0;
  let last = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    lag = Math.max(lag, now - last - 5);
    last = now;
  }, 5);
  await follower.idle();
  const firstDiagnosed = performance.now() - start;
  while (follower.more) {
    follower.poll(true);
    await new Promise(resolve => setTimeout(resolve, 0));
  }
  const read = performance.now() - start;
  await follower.idle();
  const whole = { ms: performance.now() - start, cpu: cpuMs(c0) };
  clearInterval(probe);
  const findings = follower.events.flatMap(e => (e.kind === 'finding' ? [e.finding.code] : []));
  return {
    replay,
    firstDiagnosed,
    read,
    whole,
    lag,
    events: follower.events.length,
    firstEvents: first.length,
    findings,
  };
}

function hostFigures(runs: HostRun[]): string {
  const ms = (xs: number[]) => `${median(xs).toFixed(0)} ms`;
  const r = runs[0];
  return (
    `first replay message ${fmt(runs.map(x => x.replay))} (${r.firstEvents} events, diagnosis after it); the first ` +
    `read diagnosed at ${ms(runs.map(x => x.firstDiagnosed))}; the whole logdir read at ${ms(runs.map(x => x.read))} ` +
    `and diagnosed at ${fmt(runs.map(x => x.whole))} (${r.events} events; findings: ${r.findings.join(', ') || 'none'}); ` +
    `the event loop waited at most ${ms(runs.map(x => x.lag))} for a turn (median of the runs' longest waits)`
  );
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-tfevents-'));
  try {
    const t0 = performance.now();
    const bytes = writeLogdir(dir);
    console.log(
      `logdir: ${STEPS} steps × ${SCALARS.length} scalar tags + ${HISTOGRAMS.length} histogram tags × ${HIST_STEPS} steps, ` +
        `${(bytes / 2 ** 20).toFixed(1)} MB (written in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
    console.log(`machine: ${os.cpus().length} cores, shared; load average ${os.loadavg()[0].toFixed(1)} at the start`);
    const logdir = path.join(dir, 'run1');
    const firsts: Sample[] = [];
    const wholes: Sample[] = [];
    const atOnces: Sample[] = [];
    let firstEvents: RunEvent[] = [];
    let firstTags = new Set<string>();
    let total = 0;
    let firstHists = 0;
    for (let run = 0; run < RUNS; run++) {
      // as the dashboard host reads a logdir run: a first budgeted poll, replayed at once, then the rest poll by poll
      const c0 = process.cpuUsage();
      const start = performance.now();
      const [found] = findRuns(logdir);
      const reader = new LogdirRunReader(found);
      const first = reader.poll(false, LOGDIR_FIRST_READ_BYTES);
      encodeHistory(first.slice(0, CHUNK));
      firsts.push({ ms: performance.now() - start, cpu: cpuMs(c0) });
      let events = first.length;
      while (reader.more) events += reader.poll(false, LOGDIR_FIRST_READ_BYTES).length;
      events += reader.poll(true).length;
      wholes.push({ ms: performance.now() - start, cpu: cpuMs(c0) });
      firstEvents = first;
      // the TensorBoard tags the first replay shows (grad_norm/<layer> becomes a grad-norms series, named by layer)
      firstTags = new Set(reader.tagOf.values());
      for (const e of first)
        if (e.kind === 'grad-norms') for (const l of Object.keys(e.layers)) firstTags.add(`grad_norm/${l}`);
      const hists = new Set(first.flatMap(e => (e.kind === 'histogram' ? [`${e.layer}/${e.variable}`] : [])));
      firstHists = hists.size;
      total = events;
      atOnces.push(
        timed(() => {
          const all = new LogdirRunReader(findRuns(logdir)[0]).poll(true);
          for (let i = 0; i < all.length; i += CHUNK) encodeHistory(all.slice(i, i + CHUNK));
        }),
      );
    }
    const batches = firstEvents.filter(e => e.kind === 'batch');
    console.log(
      `Training Lens, to the first replay message: ${fmt(firsts)}; the first part of the run, not a downsample: steps ` +
        `${batches.length ? `${batches[0].step}–${batches.at(-1)!.step}` : 'none'}, ${SCALARS.filter(t => firstTags.has(t)).length} of ` +
        `${SCALARS.length} scalar tags and ${firstHists} of ${HISTOGRAMS.length} histogram tags (${firstEvents.length} ` +
        `events from the first ${LOGDIR_FIRST_READ_BYTES >> 20} MB; the rest streams in after)`,
    );
    console.log(`Training Lens, the whole logdir read and converted, poll by poll: ${fmt(wholes)} (${total} events)`);
    console.log(`Training Lens, read at once and every replay message encoded: ${fmt(atOnces)}`);
    const host: HostRun[] = [];
    for (let run = 0; run < RUNS; run++) host.push(await hostPath(logdir));
    console.log(
      `Training Lens, the dashboard host's path, diagnosis included (src/tfevents/follow.ts): ${hostFigures(host)}`,
    );
    const python = process.argv[2] ?? process.env.TRAINING_LENS_TEST_PYTHON;
    console.log(
      `TensorBoard: ${python ? tensorboardMs(python, logdir) : 'not timed: set TRAINING_LENS_TEST_PYTHON to a Python with tensorboard'}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
