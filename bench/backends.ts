/**
 * `npm run bench:backends [-- --rounds 5 --samples 640]`: the reference MLP (784-300-100-10, Adam, batch 32) on every
 * backend available here — tfjs-node (the workspace's, or the native build of "Set Up Native Backend": the
 * TRAINING_LENS_NATIVE_DIR variable, else ${XDG_CACHE_HOME:-~/.cache}/training-lens/native), wasm, cpu — plain `fit`
 * and `fit` with Training Lens's default probes. One worker process per backend (each holds its own tf instance and
 * models); the parent interleaves their measurements round by round (the machine's load drifts) and prints medians.
 * Then every example job (examples/*.train.ts, one epoch) trains through the real runner on each backend, as a user's
 * run would: the median ms/step comes from its batch events, and `auto` names the backend a run would pick.
 * `--examples none` skips that part; `--examples fashion-mlp,toolkit` picks some.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchRun } from '../src/runner/launch';
import { runnerEntry } from '../src/runner/entry';
import type { RunEvent } from '../src/protocol';
import { selectBackend, NATIVE_DIR_ENV, type BackendPreference } from '../src/runner/backend';
import { Instrumentation, DEFAULT_PROBES } from '../src/runner/instrument';
import { defaultNativeDir, readMarker } from '../src/native/setup';
import type { Tf } from '../src/tf/types';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const batchSize = 32;

type Measure = { plain: number; probed: number };
type WorkerMsg = { type: 'ready'; backend: string; notes: string[] } | { type: 'measure'; result: Measure } | { type: 'error'; message: string };

/** Worker: one backend, two identical models (plain and instrumented), synthetic data of the reference shape. */
async function worker(preference: BackendPreference, samples: number): Promise<void> {
  const send = (m: WorkerMsg) => process.send!(m);
  try {
    const choice = await selectBackend({ preference });
    const tf = choice.tf as Tf & typeof import('@tensorflow/tfjs');
    const build = (seed: number) => {
      const model = tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [784], units: 300, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
          tf.layers.dense({ units: 100, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
          tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }),
        ],
      });
      model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      return model;
    };
    const xs = tf.randomUniform([samples, 784], 0, 1, 'float32', 1);
    const ys = tf.oneHot(tf.randomUniform([samples], 0, 10, 'int32', 2) as import('@tensorflow/tfjs').Tensor1D, 10);
    const steps = Math.ceil(samples / batchSize);
    const plainModel = build(1), probedModel = build(1);
    const inst = new Instrumentation(tf, { emit: () => undefined, probes: DEFAULT_PROBES });
    const timeFit = async (model: ReturnType<typeof build>, instrumented: boolean) => {
      if (instrumented) inst.install();
      const t0 = performance.now();
      await model.fit(xs, ys, { epochs: 1, batchSize, shuffle: false, verbose: 0 });
      const ms = (performance.now() - t0) / steps;
      if (instrumented) inst.uninstall();
      return ms;
    };
    await timeFit(plainModel, false); await timeFit(probedModel, true); // warm-up: kernels, optimizer state
    let flip = false;
    process.on('message', async () => {
      flip = !flip; // alternate which goes first so drift does not favour one side
      let plain: number, probed: number;
      if (flip) { plain = await timeFit(plainModel, false); probed = await timeFit(probedModel, true); }
      else { probed = await timeFit(probedModel, true); plain = await timeFit(plainModel, false); }
      send({ type: 'measure', result: { plain, probed } });
    });
    send({ type: 'ready', backend: choice.name, notes: choice.notes });
  } catch (e) {
    send({ type: 'error', message: String((e as Error)?.message ?? e).split('\n')[0] });
    process.exit(0);
  }
}

interface Bench { preference: BackendPreference; child: ChildProcess; backend?: string; notes: string[]; error?: string; plain: number[]; probed: number[] }

function next(child: ChildProcess): Promise<WorkerMsg> {
  return new Promise((resolve) => {
    const onExit = () => resolve({ type: 'error', message: 'worker exited' });
    child.once('exit', onExit);
    child.once('message', m => { child.off('exit', onExit); resolve(m as WorkerMsg); });
  });
}

async function main(): Promise<void> {
  const rounds = Number(arg('rounds', '5'));
  const samples = Number(arg('samples', '640'));
  const env: NodeJS.ProcessEnv = { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' };
  if (!env[NATIVE_DIR_ENV] && readMarker(defaultNativeDir())) env[NATIVE_DIR_ENV] = defaultNativeDir();
  console.log(`Training Lens backends — reference MLP 784-300-100-10, Adam, batch ${batchSize}, ${Math.ceil(samples / batchSize)} steps per measurement, ${rounds} interleaved rounds after a warm-up`);
  console.log(`native build: ${env[NATIVE_DIR_ENV] ?? 'none (run `training-lens setup-native`)'}`);
  const benches: Bench[] = (['node', 'wasm', 'cpu'] as const).map(preference => ({
    preference, notes: [], plain: [], probed: [],
    child: fork(__filename, ['--worker', preference, '--samples', String(samples)], { env, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'pipe', 'ipc'] }),
  }));
  for (const b of benches) {
    const m = await next(b.child);
    if (m.type === 'ready') { b.backend = m.backend; b.notes = m.notes; } else b.error = m.type === 'error' ? m.message : 'unexpected message';
    console.log(`  ${b.preference}: ${b.backend ? 'backend ' + b.backend : 'unavailable: ' + b.error}`);
  }
  const live = benches.filter(b => b.backend);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? [...live].reverse() : live;
    for (const b of order) {
      b.child.send('measure');
      const m = await next(b.child);
      if (m.type !== 'measure') throw new Error(`${b.preference}: ${m.type === 'error' ? m.message : 'no measurement'}`);
      b.plain.push(m.result.plain); b.probed.push(m.result.probed);
    }
    console.log(`  round ${r + 1}: ${live.map(b => `${b.backend} ${b.plain.at(-1)!.toFixed(2)}/${b.probed.at(-1)!.toFixed(2)}`).join('  ')} ms/step (plain/instrumented)`);
  }
  console.log('\nbackend      plain ms/step   instrumented ms/step   overhead');
  for (const b of live) {
    const mp = median(b.plain), mi = median(b.probed);
    console.log(`${b.backend!.padEnd(12)} ${mp.toFixed(2).padStart(13)}   ${mi.toFixed(2).padStart(20)}   x${(mi / mp).toFixed(3)}`);
  }
  for (const b of benches) b.child.kill();
  await benchExamples(env);
}

/** One epoch of each example job on each backend, through the real runner (bundling, instrumentation, IPC). */
async function benchExamples(env: NodeJS.ProcessEnv): Promise<void> {
  const which = arg('examples', 'all');
  if (which === 'none') return;
  const root = path.resolve(__dirname, '..');
  const dir = path.join(root, 'examples');
  const jobs = fs.readdirSync(dir).filter(f => f.endsWith('.train.ts')).sort()
    .filter(f => which === 'all' || which.split(',').includes(f.replace(/\.train\.ts$/, '')));
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-backends-'));
  const entry = runnerEntry(path.join(root, 'src', 'runner'));
  console.log(`\nexamples, 1 epoch each through the runner (median ms/step from batch events, first step excluded)`);
  console.log(`${'example'.padEnd(22)} ${['node', 'wasm', 'cpu'].map(b => b.padStart(16)).join('')}   auto picks`);
  for (const job of jobs) {
    const cells: string[] = [];
    let auto = '';
    for (const preference of ['node', 'wasm', 'cpu'] as const) {
      const events: RunEvent[] = [];
      const handle = launchRun({ jobFile: path.join(dir, job), runsDir, backend: preference, epochs: 1, env, ...entry });
      handle.onEvent(e => events.push(e));
      const end = await handle.done;
      const start = events.find(e => e.kind === 'fit-start');
      const backend = start?.kind === 'fit-start' ? start.backend ?? '' : '';
      const times = events.filter(e => e.kind === 'batch').map(e => e.t);
      const steps = times.slice(1).map((t, i) => t - times[i]).slice(1);
      if (end.status !== 'ok' || steps.length === 0) {
        cells.push((end.status === 'ok' ? 'no steps' : 'unavailable').padStart(16));
        continue;
      }
      const fellBack = backend && backend !== (preference === 'node' ? 'tensorflow' : preference) ? ` (${backend})` : '';
      cells.push(`${median(steps).toFixed(1)}${fellBack}`.padStart(16));
      if (!auto) auto = backend; // auto tries node, then wasm, then cpu: the first that trains is its pick
    }
    console.log(`${job.replace(/\.train\.ts$/, '').padEnd(22)} ${cells.join('')}   ${auto || 'none'}`);
  }
  fs.rmSync(runsDir, { recursive: true, force: true });
}

const wi = process.argv.indexOf('--worker');
if (wi >= 0) void worker(process.argv[wi + 1] as BackendPreference, Number(arg('samples', '640')));
else main().catch(e => { console.error(e); process.exit(1); });
