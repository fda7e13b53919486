/**
 * The native backend built from Python's TensorFlow (src/native/setup.ts): detection and its clear errors (fake
 * interpreters on a temp PATH), a real build into a temp folder, a real job trained on it through the runner, and the
 * fallback when the build is broken. The tests needing TensorFlow skip, saying why, where no Python has it (CI
 * installs tensorflow-cpu into ~/.cache/training-lens/venv when pip can; TRAINING_LENS_TEST_PYTHON picks another).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  probePython,
  checkTensorflow,
  setupNative,
  pythonCandidates,
  defaultNativeDir,
  readMarker,
  NativeSetupError,
  NATIVE_DIR_ENV,
} from '../../src/native/setup';
import { NATIVE_DIR_ENV as RUNNER_NATIVE_DIR_ENV, selectBackend } from '../../src/runner/backend';
import { normReducer } from '../../src/probes/normReducer';
import { runJob, tempDir } from './helpers';

/** A folder with one executable `python3` that prints what the probe would (no real Python involved). */
function fakePython(probeOutput: object | string): string {
  const bin = tempDir('tl-fakepy-');
  const out = typeof probeOutput === 'string' ? probeOutput : JSON.stringify(probeOutput);
  // only shell builtins: PATH holds nothing but this folder
  fs.writeFileSync(path.join(bin, 'python3'), `#!/bin/sh\nprintf '%s\\n' '${out.replace(/'/g, "'\\''")}'\n`, {
    mode: 0o755,
  });
  return bin;
}

const onlyPath = (dir: string): NodeJS.ProcessEnv => ({ PATH: dir });

async function setupError(opts: Parameters<typeof setupNative>[0]): Promise<NativeSetupError> {
  try {
    await setupNative(opts);
  } catch (e) {
    if (e instanceof NativeSetupError) return e;
    throw e;
  }
  assert.fail('setup should have failed');
}

test('the two modules agree on the variable that names the native build', () => {
  assert.equal(NATIVE_DIR_ENV, RUNNER_NATIVE_DIR_ENV);
  assert.equal(defaultNativeDir({ XDG_CACHE_HOME: '/x/cache' }), path.join('/x/cache', 'training-lens', 'native'));
  assert.deepEqual(
    pythonCandidates('/opt/py/bin/python'),
    ['/opt/py/bin/python'],
    'an explicit interpreter is the only one tried',
  );
  assert.deepEqual(pythonCandidates(undefined, [undefined, '/sel/python']), ['/sel/python', 'python3']);
});

test('no Python on PATH: a clear no-python error', async () => {
  const e = await setupError({ pythons: ['python3'], dir: tempDir(), env: onlyPath(tempDir('tl-empty-')) });
  assert.equal(e.problem, 'no-python');
  assert.match(e.message, /No usable Python found .*No Python found at 'python3'.*trainingLens\.pythonPath/);
  assert.throws(
    () => probePython('/nonexistent/python3'),
    (err: NativeSetupError) => err.problem === 'no-python',
  );
});

test('a Python without TensorFlow: a clear no-tensorflow error naming the pip command', async () => {
  const bin = fakePython({
    pythonVersion: '3.12.1',
    tensorflowError: "ModuleNotFoundError: No module named 'tensorflow'",
  });
  const info = probePython('python3', onlyPath(bin));
  assert.equal(info.pythonVersion, '3.12.1');
  assert.equal(info.tensorflow, undefined);
  const e = await setupError({ pythons: ['python3'], dir: tempDir(), env: onlyPath(bin) });
  assert.equal(e.problem, 'no-tensorflow');
  assert.match(
    e.message,
    /python3 \(Python 3\.12\.1\) has no TensorFlow .*No module named 'tensorflow'.*pip install tensorflow-cpu==2\.21\.0/,
  );
});

test('Python 2, garbage output, old or incomplete TensorFlow: each says what is wrong', () => {
  assert.throws(
    () => probePython('python3', onlyPath(fakePython({ pythonVersion: '2.7.18' }))),
    /Python 2\.7\.18; TensorFlow needs Python 3/,
  );
  assert.throws(
    () => probePython('python3', onlyPath(fakePython('Segmentation fault'))),
    (e: NativeSetupError) => e.problem === 'bad-python' && /not a usable Python 3/.test(e.message),
  );
  const tfDir = tempDir('tl-fake-tf-');
  const old = probePython(
    'python3',
    onlyPath(fakePython({ pythonVersion: '3.8.0', tensorflow: { version: '1.15.5', dir: tfDir } })),
  );
  assert.throws(
    () => checkTensorflow(old),
    (e: NativeSetupError) =>
      e.problem === 'bad-tensorflow' && /1\.15\.5 .* needs TensorFlow 2\.9 or later/.test(e.message),
  );
  const noLib = probePython(
    'python3',
    onlyPath(fakePython({ pythonVersion: '3.11.0', tensorflow: { version: '2.21.0', dir: tfDir } })),
  );
  assert.throws(
    () => checkTensorflow(noLib),
    (e: NativeSetupError) => e.problem === 'bad-tensorflow' && /has no libtensorflow_cc/.test(e.message),
  );
});

/** A real interpreter with TensorFlow, or why there is none. */
function findTensorflowPython(): { python?: string; reason: string } {
  const candidates = [
    process.env.TRAINING_LENS_TEST_PYTHON,
    path.join(path.dirname(defaultNativeDir()), 'venv', 'bin', 'python'),
    'python3',
  ].filter((p): p is string => !!p && (p === 'python3' || fs.existsSync(p)));
  const why: string[] = [];
  for (const python of candidates) {
    try {
      const info = probePython(python);
      checkTensorflow(info);
      return { python, reason: '' };
    } catch (e) {
      why.push((e as Error).message);
    }
  }
  return {
    reason: `no Python with TensorFlow here (${why.join(' | ')}); CI installs tensorflow-cpu into ~/.cache/training-lens/venv when pip can`,
  };
}

const tfPython = findTensorflowPython();
let builtDir: string | undefined;
// the temp build is ~300 MB: do not leave it behind
after(() => {
  if (builtDir) fs.rmSync(builtDir, { recursive: true, force: true });
});

test('with TensorFlow for Python: detection, build into a temp folder, verification', { timeout: 300_000 }, async t => {
  if (!tfPython.python) {
    t.skip(tfPython.reason);
    return;
  }
  const info = probePython(tfPython.python);
  const tf = checkTensorflow(info);
  assert.match(tf.version, /^2\.\d+/);
  const dir = tempDir('tl-native-');
  const steps: string[] = [];
  let r: Awaited<ReturnType<typeof setupNative>>;
  try {
    r = await setupNative({ pythons: [tfPython.python], dir, progress: m => steps.push(m) });
  } catch (e) {
    // not buildable on this machine as it is (no compiler): a skip with the reason, not a failure
    if (e instanceof NativeSetupError && (e.problem === 'no-compiler' || e.problem === 'unsupported-platform')) {
      t.skip(e.message);
      return;
    }
    throw e;
  }
  assert.equal(r.reused, false);
  assert.equal(r.marker.tensorflow, tf.version);
  assert.ok(
    fs.existsSync(path.join(dir, 'node_modules', '@tensorflow', 'tfjs-node', 'lib', 'napi-v8', 'tfjs_binding.node')),
  );
  assert.deepEqual(readMarker(dir), r.marker);
  assert.ok(
    steps.some(s => /Compiling/.test(s)),
    `a Compiling step: ${steps.join(' | ')}`,
  );
  assert.ok(
    steps.some(s => /Verifying/.test(s)),
    `a Verifying step: ${steps.join(' | ')}`,
  );
  // A second setup reuses the verified build.
  const again = await setupNative({ pythons: [tfPython.python], dir });
  assert.equal(again.reused, true);
  builtDir = dir;
});

test('a real job trains through the runner on the native build: backend tensorflow', { timeout: 120_000 }, async t => {
  const dir = builtDir ?? (readMarker(defaultNativeDir()) ? defaultNativeDir() : undefined);
  if (!dir) {
    t.skip(tfPython.python ? 'the native build failed (see the test above)' : tfPython.reason);
    return;
  }
  const { events, end } = await runJob('tiny.train.ts', { backend: 'auto', env: { [NATIVE_DIR_ENV]: dir } });
  assert.equal(end.status, 'ok', end.error?.message);
  const start = events[0];
  assert.ok(start.kind === 'run-start');
  assert.equal(start.backend, 'tensorflow', start.backendNotes.join('; '));
  assert.match(start.backendNotes.join('\n'), /using the native build at /);
  assert.equal(events.filter(e => e.kind === 'batch').length, 18);
  const last = events.filter(e => e.kind === 'epoch').at(-1);
  assert.ok(last?.kind === 'epoch', 'an epoch event');
  assert.ok(last.logs.loss! < 1.0, `it learns on tensorflow too (loss ${last.logs.loss})`);
  assert.ok(
    events.some(e => e.kind === 'grad-norms'),
    'probes work on the native backend',
  );
});

test("gradient norms on the native backend: TF's fused EuclideanNorm agrees with sum of squares", async t => {
  const dir = builtDir ?? (readMarker(defaultNativeDir()) ? defaultNativeDir() : undefined);
  if (!dir) {
    t.skip(tfPython.python ? 'the native build failed (see the test above)' : tfPython.reason);
    return;
  }
  const { tf, name } = await selectBackend({ preference: 'node', nativeDir: dir });
  assert.equal(name, 'tensorflow');
  // count the fused op's runs through the backend's own executor (an own property over the prototype's method)
  const backend = tf.backend() as unknown as { executeSingleOutput: (name: string, ...rest: unknown[]) => unknown };
  const execute = backend.executeSingleOutput;
  let fusedRuns = 0;
  backend.executeSingleOutput = function (this: unknown, name: string, ...rest: unknown[]) {
    if (name === 'EuclideanNorm') fusedRuns++;
    return execute.call(this, name, ...rest);
  };
  const reducer = normReducer(tf);
  const grads = [[784, 64], [64], [3, 3, 8, 16], [5, 7, 3], []].map((shape, i) =>
    tf.randomNormal(shape, 0, 1 + i, 'float32', 7 + i),
  );
  const before = tf.memory().numTensors;
  const result = reducer.reduce(grads);
  assert.ok(!Array.isArray(result), 'a tensor of the norms, read after the step');
  const fused = Array.from(result.dataSync());
  result.dispose();
  reducer.dispose();
  delete (backend as { executeSingleOutput?: unknown }).executeSingleOutput;
  assert.equal(fusedRuns, grads.length - 1, 'the fused op reduced every non-scalar gradient');
  // the reduction's axes are kept between steps and released on dispose
  assert.equal(tf.memory().numTensors, before, 'no tensors leak');
  const expected = grads.map(g => Math.sqrt(tf.tidy(() => tf.sum(tf.square(g))).dataSync()[0]));
  fused.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= 1e-5 * expected[i], `${v} vs ${expected[i]}`));
});

test('a broken native build falls back to wasm with the reason in backendNotes', { timeout: 120_000 }, async () => {
  const dir = tempDir('tl-native-broken-');
  const pkg = path.join(dir, 'node_modules', '@tensorflow', 'tfjs-node');
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(
    path.join(pkg, 'package.json'),
    JSON.stringify({ name: '@tensorflow/tfjs-node', version: '4.22.0', main: 'index.js' }),
  );
  fs.writeFileSync(
    path.join(pkg, 'index.js'),
    "throw new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory');\n",
  );
  const { events, end } = await runJob('tiny.train.ts', { backend: 'auto', epochs: 1, env: { [NATIVE_DIR_ENV]: dir } });
  assert.equal(end.status, 'ok', end.error?.message);
  const start = events[0];
  assert.ok(start.kind === 'run-start');
  assert.equal(start.backend, 'wasm');
  assert.match(
    start.backendNotes.join('\n'),
    new RegExp(
      `native build at ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: libtensorflow\\.so\\.2: cannot open shared object file`,
    ),
  );
  // a folder without a build says so too
  const missing = path.join(tempDir(), 'nothing-here');
  const r = await runJob('tiny.train.ts', { backend: 'auto', epochs: 1, env: { [NATIVE_DIR_ENV]: missing } });
  const s = r.events[0];
  assert.ok(s.kind === 'run-start', 'the log starts with run-start');
  assert.equal(s.backend, 'wasm', 'a missing native build falls back to wasm');
  assert.match(
    s.backendNotes.join('\n'),
    /native build at .*nothing-here: not found \(run "Training Lens: Set Up Native Backend"/,
  );
});
