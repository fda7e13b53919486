/**
 * `npm run bench:backends [-- --rounds 5 --samples 640 --measure-ms 600 --models mlp,cnn,separable,embedding]`: reference models —
 * the MLP 784-300-100-10, the MNIST CNN of examples/mnist-cnn (conv 16 → pool → conv 32 → pool → dense 10), the
 * separable/depthwise net of examples/fashion-separable and the Embedding + Conv1D net of examples/embedding-reviews,
 * all Adam, batch 32, synthetic data of their shapes — on every
 * backend available here — tfjs-node (the workspace's, or the native build of "Set Up Native Backend": the
 * TRAINING_LENS_NATIVE_DIR variable, else ${XDG_CACHE_HOME:-~/.cache}/training-lens/native), wasm, cpu — plain `fit`
 * and `fit` with Training Lens's default probes. One worker process per backend (each holds its own tf instance and
 * models); a measurement alternates plain and instrumented fits until each side has run `--measure-ms`; the parent
 * interleaves the workers' measurements round by round (the machine's load drifts) and prints medians
 * of wall-clock and of CPU time per step (the worker's user + system time: steadier when other processes share the
 * cores).
 * Then every example job (examples/*.train.ts, one epoch) trains through the real runner on each backend, as a user's
 * run would: the median ms/step comes from its batch events, and `auto` names the backend a run would pick.
 * `--examples none` skips that part; `--examples fashion-mlp,toolkit` picks some. `--backends node,wasm` leaves cpu out.
 * `--every-step` measures the probes reading every step (no spacing); `--probes '<json>'` sets probe settings over the
 * defaults (ablations: `'{"histogramEvery":0}'`). `--control` measures the method itself: the
 * "instrumented" side is a second plain copy, so its overhead column shows what the method reads where there is
 * nothing to find (its bias and its spread on this machine).
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
import { median, medianInterval } from './stats';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** `--backends node,wasm` leaves cpu out (a CNN step there takes seconds) */
const BACKENDS = arg('backends', 'node,wasm,cpu')
  .split(',')
  .filter((b): b is 'node' | 'wasm' | 'cpu' => b === 'node' || b === 'wasm' || b === 'cpu');
const batchSize = 32;
/** `--measure-ms`: wall time each side of a measurement fills (whole fits, at least one) */
const MEASURE_MS = Number(arg('measure-ms', '600'));
/** `--every-step`: the probes read gradients and dead units on every step (no spacing: src/probes/schedule.ts) */
const EVERY_STEP = process.argv.includes('--every-step');
/** `--probes '{"histogramEvery":0}'`: probe settings over the defaults, for ablations (which probe costs what) */
const PROBE_OVERRIDES = JSON.parse(arg('probes', '{}')) as Partial<typeof DEFAULT_PROBES>;
/** `--control`: plain against an identical plain copy (an A/A measurement) */
const CONTROL = process.argv.includes('--control');

/** ms/step of wall-clock time, and of CPU time (user + system, every thread of the worker: steadier on a busy machine) */
type Measure = { plain: number; probed: number; plainCpu: number; probedCpu: number };
type WorkerMsg =
  | { type: 'ready'; backend: string; notes: string[] }
  | { type: 'measure'; results: Record<string, Measure> }
  | { type: 'error'; message: string };
type Tfjs = typeof import('@tensorflow/tfjs');

const MODEL_TITLES: Record<string, string> = {
  mlp: 'MLP 784-300-100-10',
  cnn: 'CNN conv16-pool-conv32-pool-dense10 (examples/mnist-cnn)',
  separable: 'separable + depthwise conv (examples/fashion-separable)',
  embedding: 'Embedding(500,16) + Conv1D (examples/embedding-reviews)',
};

/** A reference model and synthetic data of its shape (same seeds on every backend). */
function referenceModel(tf: Tfjs, kind: string, samples: number, seed: number) {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: seed + s });
  const labels = (classes: number) =>
    tf.oneHot(tf.randomUniform([samples], 0, classes, 'int32', 2) as import('@tensorflow/tfjs').Tensor1D, classes);
  let layers: import('@tensorflow/tfjs').layers.Layer[];
  let xs: import('@tensorflow/tfjs').Tensor, ys: import('@tensorflow/tfjs').Tensor;
  if (kind === 'mlp') {
    layers = [
      tf.layers.dense({ inputShape: [784], units: 300, activation: 'relu', kernelInitializer: init(0) }),
      tf.layers.dense({ units: 100, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(2) }),
    ];
    xs = tf.randomUniform([samples, 784], 0, 1, 'float32', 1);
    ys = labels(10);
  } else if (kind === 'cnn') {
    layers = [
      tf.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 16,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: init(0),
      }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(2) }),
    ];
    xs = tf.randomUniform([samples, 28, 28, 1], 0, 1, 'float32', 1);
    ys = labels(10);
  } else if (kind === 'separable') {
    layers = [
      tf.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 16,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(0),
      }),
      tf.layers.separableConv2d({
        filters: 32,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        depthwiseInitializer: init(1),
        pointwiseInitializer: init(2),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.depthwiseConv2d({
        kernelSize: 3,
        depthMultiplier: 2,
        activation: 'relu',
        depthwiseInitializer: init(3),
      }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(4) }),
    ];
    xs = tf.randomUniform([samples, 28, 28, 1], 0, 1, 'float32', 1);
    ys = labels(10);
  } else if (kind === 'embedding') {
    layers = [
      tf.layers.embedding({
        inputDim: 500,
        outputDim: 16,
        inputLength: 24,
        embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed }),
      }),
      tf.layers.conv1d({ filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.globalAveragePooling1d({}),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: init(2) }),
    ];
    xs = tf.randomUniform([samples, 24], 1, 500, 'int32', 1);
    ys = labels(2);
  } else throw new Error(`unknown model ${kind} (mlp, cnn, separable, embedding)`);
  const model = tf.sequential({ layers });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return { model, xs, ys };
}

/** Worker: one backend; per reference model two identical copies (plain and instrumented). */
async function worker(preference: BackendPreference, samples: number, kinds: string[]): Promise<void> {
  const send = (m: WorkerMsg) => process.send!(m);
  try {
    const choice = await selectBackend({ preference });
    const tf = choice.tf as Tf & Tfjs;
    const steps = Math.ceil(samples / batchSize);
    const probes = { ...DEFAULT_PROBES, everyStep: process.argv.includes('--every-step'), ...PROBE_OVERRIDES };
    const inst = new Instrumentation(tf, { emit: () => undefined, probes });
    const timeFit = async (m: ReturnType<typeof referenceModel>, probed: boolean) => {
      const instrumented = probed && !CONTROL;
      if (instrumented) inst.install();
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      await m.model.fit(m.xs, m.ys, { epochs: 1, batchSize, shuffle: false, verbose: 0 });
      const cpu = process.cpuUsage(cpu0);
      const ms = (performance.now() - t0) / steps;
      if (instrumented) inst.uninstall();
      return { ms, cpu: (cpu.user + cpu.system) / 1000 / steps };
    };
    const pairs = kinds.map(kind => ({
      kind,
      plain: referenceModel(tf, kind, samples, 1),
      probed: referenceModel(tf, kind, samples, 1),
    }));
    for (const p of pairs) {
      await timeFit(p.plain, false);
      await timeFit(p.probed, true);
    } // warm-up: kernels, optimizer state
    let flip = false;
    process.on('message', async () => {
      flip = !flip; // alternate which goes first so drift does not favour one side
      const results: Record<string, Measure> = {};
      for (const p of pairs) {
        // A measurement is as many fit pairs as fill MEASURE_MS per side, each pair's order flipped: one 20-step fit of
        // a 3 ms model lasts 60 ms, and one garbage-collection pause then moves its figure by 10%.
        const plain = { ms: 0, cpu: 0 },
          probed = { ms: 0, cpu: 0 };
        let fits = 0;
        for (let first = flip; fits === 0 || (plain.ms + probed.ms) * steps < 2 * MEASURE_MS; first = !first) {
          for (const instrumented of first ? [false, true] : [true, false]) {
            const t = await timeFit(instrumented ? p.probed : p.plain, instrumented);
            const sum = instrumented ? probed : plain;
            sum.ms += t.ms;
            sum.cpu += t.cpu;
          }
          fits++;
        }
        results[p.kind] = {
          plain: plain.ms / fits,
          probed: probed.ms / fits,
          plainCpu: plain.cpu / fits,
          probedCpu: probed.cpu / fits,
        };
      }
      send({ type: 'measure', results });
    });
    send({ type: 'ready', backend: choice.name, notes: choice.notes });
  } catch (e) {
    send({ type: 'error', message: String((e as Error)?.message ?? e).split('\n')[0] });
    process.exit(0);
  }
}

interface Bench {
  preference: BackendPreference;
  child: ChildProcess;
  backend?: string;
  notes: string[];
  error?: string;
  plain: Record<string, number[]>;
  probed: Record<string, number[]>;
  plainCpu: Record<string, number[]>;
  probedCpu: Record<string, number[]>;
}

function next(child: ChildProcess): Promise<WorkerMsg> {
  return new Promise(resolve => {
    const onExit = () => resolve({ type: 'error', message: 'worker exited' });
    child.once('exit', onExit);
    child.once('message', m => {
      child.off('exit', onExit);
      resolve(m as WorkerMsg);
    });
  });
}

async function main(): Promise<void> {
  const rounds = Number(arg('rounds', '5'));
  const samples = Number(arg('samples', '640'));
  const kinds = arg('models', 'mlp,cnn,separable,embedding').split(',').filter(Boolean);
  const env: NodeJS.ProcessEnv = { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' };
  if (!env[NATIVE_DIR_ENV] && readMarker(defaultNativeDir())) env[NATIVE_DIR_ENV] = defaultNativeDir();
  console.log(
    `Training Lens backends — reference models (${kinds.join(', ')}), Adam, batch ${batchSize}, ${Math.ceil(samples / batchSize)}-step fits, each measurement as many plain/instrumented fit pairs (order alternating) as fill ${MEASURE_MS} ms a side, ${rounds} interleaved rounds after a warm-up`,
  );
  console.log(`native build: ${env[NATIVE_DIR_ENV] ?? 'none (run `training-lens setup-native`)'}`);
  console.log(
    `probes: defaults, ${EVERY_STEP ? 'every step read (--every-step)' : `gradient and dead-unit readings spaced to a ${(DEFAULT_PROBES.budget ?? 0) * 100}% measured budget (--every-step: every step)`}`,
  );
  if (Object.keys(PROBE_OVERRIDES).length)
    console.log(`probe settings over the defaults (--probes): ${JSON.stringify(PROBE_OVERRIDES)}`);
  if (CONTROL)
    console.log(
      'CONTROL (--control): the "instrumented" side is an identical plain copy; its overhead is the method\'s bias and spread',
    );
  const benches: Bench[] = BACKENDS.map(preference => ({
    preference,
    notes: [],
    plain: {},
    probed: {},
    plainCpu: {},
    probedCpu: {},
    child: fork(
      __filename,
      [
        '--worker',
        preference,
        '--samples',
        String(samples),
        '--models',
        kinds.join(','),
        ...(EVERY_STEP ? ['--every-step'] : []),
        ...(CONTROL ? ['--control'] : []),
        '--probes',
        JSON.stringify(PROBE_OVERRIDES),
      ],
      {
        env,
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      },
    ),
  }));
  for (const b of benches) {
    const m = await next(b.child);
    if (m.type === 'ready') {
      b.backend = m.backend;
      b.notes = m.notes;
    } else b.error = m.type === 'error' ? m.message : 'unexpected message';
    console.log(`  ${b.preference}: ${b.backend ? 'backend ' + b.backend : 'unavailable: ' + b.error}`);
  }
  const live = benches.filter(b => b.backend);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? [...live].reverse() : live;
    for (const b of order) {
      b.child.send('measure');
      const m = await next(b.child);
      if (m.type !== 'measure')
        throw new Error(`${b.preference}: ${m.type === 'error' ? m.message : 'no measurement'}`);
      for (const [kind, res] of Object.entries(m.results)) {
        (b.plain[kind] ??= []).push(res.plain);
        (b.probed[kind] ??= []).push(res.probed);
        (b.plainCpu[kind] ??= []).push(res.plainCpu);
        (b.probedCpu[kind] ??= []).push(res.probedCpu);
      }
    }
    console.log(
      `  round ${r + 1}: ${kinds.map(k => `${k} ` + live.map(b => `${b.backend} ${b.plain[k].at(-1)!.toFixed(1)}/${b.probed[k].at(-1)!.toFixed(1)}`).join(' ')).join(' | ')} ms/step (plain/instrumented)`,
    );
  }
  for (const kind of kinds) {
    console.log(`\n${MODEL_TITLES[kind] ?? kind}`);
    // overhead: the median of each round's instrumented/plain ratio (the two sides of a round ran interleaved, under
    // the same load), beside the ratio of the medians
    console.log(
      'backend      plain ms/step   instrumented ms/step   overhead (paired / of medians)   paired, interval   CPU ms/step plain / instrumented   overhead',
    );
    for (const b of live) {
      const mp = median(b.plain[kind]),
        mi = median(b.probed[kind]);
      const cp = median(b.plainCpu[kind]),
        ci = median(b.probedCpu[kind]);
      const ratios = b.probed[kind].map((x, i) => x / b.plain[kind][i]);
      const paired = median(ratios);
      const interval = medianInterval(ratios);
      const range = interval ? `${interval.low.toFixed(3)}–${interval.high.toFixed(3)}` : 'too few rounds';
      console.log(
        `${b.backend!.padEnd(12)} ${mp.toFixed(2).padStart(13)}   ${mi.toFixed(2).padStart(20)}   x${paired.toFixed(3)} / x${(mi / mp).toFixed(3)}${' '.repeat(14)}${range.padStart(16)}   ${cp.toFixed(2).padStart(16)} / ${ci.toFixed(2).padEnd(15)}   x${(ci / cp).toFixed(3)}`,
      );
    }
    const wasm = live.find(b => b.backend === 'wasm'),
      native = live.find(b => b.backend === 'tensorflow');
    if (wasm && native) {
      console.log(`wasm / tensorflow (plain): x${(median(wasm.plain[kind]) / median(native.plain[kind])).toFixed(2)}`);
    } else {
      console.log(`wasm / tensorflow: not measured (${native ? 'wasm' : 'tensorflow'} backend unavailable here)`);
    }
  }
  console.log(
    "\ninterval: where the median of the paired overhead lies with at least 90% confidence (order statistics of the rounds' ratios: with 9 rounds the 2nd and the 8th, 96%)",
  );
  for (const b of benches) b.child.kill();
  await benchExamples(env);
}

/** One epoch of each example job on each backend, through the real runner (bundling, instrumentation, IPC). */
async function benchExamples(env: NodeJS.ProcessEnv): Promise<void> {
  const which = arg('examples', 'all');
  if (which === 'none') return;
  const root = path.resolve(__dirname, '..');
  const dir = path.join(root, 'examples');
  const jobs = fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.train.ts'))
    .sort()
    .filter(f => which === 'all' || which.split(',').includes(f.replace(/\.train\.ts$/, '')));
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-backends-'));
  const entry = runnerEntry(path.join(root, 'src', 'runner'));
  console.log(`\nexamples, 1 epoch each through the runner (median ms/step from batch events, first step excluded)`);
  console.log(`${'example'.padEnd(22)} ${BACKENDS.map(b => b.padStart(16)).join('')}   auto picks   wasm/tensorflow`);
  for (const job of jobs) {
    const cells: string[] = [];
    const ms: Record<string, number> = {};
    let auto = '';
    for (const preference of BACKENDS) {
      const events: RunEvent[] = [];
      const handle = launchRun({
        jobFile: path.join(dir, job),
        runsDir,
        backend: preference,
        epochs: 1,
        env,
        ...entry,
      });
      handle.onEvent(e => events.push(e));
      const end = await handle.done;
      const start = events.find(e => e.kind === 'fit-start');
      const backend = start?.kind === 'fit-start' ? (start.backend ?? '') : '';
      const times = events.filter(e => e.kind === 'batch').map(e => e.t);
      const steps = times
        .slice(1)
        .map((t, i) => t - times[i])
        .slice(1);
      if (end.status !== 'ok' || steps.length === 0) {
        cells.push((end.status === 'ok' ? 'no steps' : 'unavailable').padStart(16));
        continue;
      }
      const fellBack =
        backend && backend !== (preference === 'node' ? 'tensorflow' : preference) ? ` (${backend})` : '';
      cells.push(`${median(steps).toFixed(1)}${fellBack}`.padStart(16));
      if (!fellBack) ms[backend] = median(steps);
      if (!auto) auto = backend; // auto tries node, then wasm, then cpu: the first that trains is its pick
    }
    const ratio = ms.wasm && ms.tensorflow ? `x${(ms.wasm / ms.tensorflow).toFixed(2)}` : 'n/a';
    console.log(
      `${job.replace(/\.train\.ts$/, '').padEnd(22)} ${cells.join('')}   ${(auto || 'none').padEnd(10)}   ${ratio}`,
    );
  }
  fs.rmSync(runsDir, { recursive: true, force: true });
}

const wi = process.argv.indexOf('--worker');
if (wi >= 0)
  void worker(
    process.argv[wi + 1] as BackendPreference,
    Number(arg('samples', '640')),
    arg('models', 'mlp,cnn,separable,embedding').split(',').filter(Boolean),
  );
else
  main().catch(e => {
    console.error(e);
    process.exit(1);
  });
