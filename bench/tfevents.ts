/**
 * `npm run bench:tfevents`: a synthetic TensorBoard logdir of 100,000 steps × 6 scalar tags (one event per tag and
 * step, as PyTorch's SummaryWriter writes them) + 10 histogram tags × 500 steps (30 bins), written in a temp folder.
 * Prints the time to the dashboard host's first replay message (what the dashboard draws its first charts from:
 * logdir found, every record read and checked, converted to Training Lens events, the first 10,000 encoded as
 * columns), the whole read, and — where TRAINING_LENS_TEST_PYTHON (or the first argument) has tensorboard —
 * TensorBoard's own EventAccumulator loading the same logdir, timed in the same run. BENCH_TFEVENTS_STEPS overrides
 * the step count.
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

const STEPS = Number(process.env.BENCH_TFEVENTS_STEPS ?? 100_000);
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

function tensorboardSeconds(python: string, dir: string): string {
  const code =
    'import sys, time\n' +
    'from tensorboard.backend.event_processing.event_accumulator import EventAccumulator\n' +
    't = time.perf_counter(); a = EventAccumulator(sys.argv[1]); a.Reload()\n' +
    'print(time.perf_counter() - t, len(a.Tags()["scalars"]), len(a.Tags()["histograms"]))\n';
  const r = spawnSync(python, ['-c', code, dir], { encoding: 'utf8' });
  if (r.status !== 0) return `not timed: ${r.stderr.trim().split('\n').at(-1)}`;
  const [secs, scalars, hists] = r.stdout.trim().split(' ');
  return `${(Number(secs) * 1000).toFixed(0)} ms (EventAccumulator.Reload, ${scalars} scalar + ${hists} histogram tags, default sampling)`;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-tfevents-'));
try {
  const t0 = performance.now();
  const bytes = writeLogdir(dir);
  console.log(
    `logdir: ${STEPS} steps × ${SCALARS.length} scalar tags + ${HISTOGRAMS.length} histogram tags × ${HIST_STEPS} steps, ` +
      `${(bytes / 2 ** 20).toFixed(1)} MB (written in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
  const start = performance.now();
  const [run] = findRuns(path.join(dir, 'run1'));
  // as the dashboard host reads a logdir run: a first budgeted poll, replayed at once, then the rest poll by poll
  const reader = new LogdirRunReader(run);
  const first = reader.poll(false, LOGDIR_FIRST_READ_BYTES);
  encodeHistory(first.slice(0, CHUNK));
  const firstReplay = performance.now() - start;
  let events = first.length;
  while (reader.more) events += reader.poll(false, LOGDIR_FIRST_READ_BYTES).length;
  events += reader.poll(true).length;
  const all = performance.now() - start;
  console.log(
    `Training Lens, to the first replay message: ${firstReplay.toFixed(0)} ms (${first.length} events from the first ${LOGDIR_FIRST_READ_BYTES >> 20} MB)`,
  );
  console.log(
    `Training Lens, the whole logdir read and converted, poll by poll: ${all.toFixed(0)} ms (${events} events)`,
  );
  const once = performance.now();
  const allAtOnce = new LogdirRunReader(findRuns(path.join(dir, 'run1'))[0]).poll(true);
  for (let i = 0; i < allAtOnce.length; i += CHUNK) encodeHistory(allAtOnce.slice(i, i + CHUNK));
  console.log(
    `Training Lens, read at once and every replay message encoded: ${(performance.now() - once).toFixed(0)} ms`,
  );
  const python = process.argv[2] ?? process.env.TRAINING_LENS_TEST_PYTHON;
  console.log(
    `TensorBoard: ${python ? tensorboardSeconds(python, path.join(dir, 'run1')) : 'not timed: set TRAINING_LENS_TEST_PYTHON to a Python with tensorboard'}`,
  );
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
