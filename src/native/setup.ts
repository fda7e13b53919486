/**
 * "Set Up Native Backend": build @tensorflow/tfjs-node against the TensorFlow a user already has for Python, instead
 * of tfjs-node's install script (which downloads libtensorflow from a bucket: fails offline, upstream reports 403).
 * The result is a self-contained folder (its own tfjs-node 4.22.0 and the exact tfjs it depends on) that the runner
 * loads via `TRAINING_LENS_NATIVE_DIR` (see src/runner/backend.ts). Never writes into the user's workspace.
 * Pure Node: used by the CLI (`training-lens setup-native`) and the extension (extension/native.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const TFJS_NODE_VERSION = '4.22.0';
export const TENSORFLOW_PIP = 'tensorflow-cpu==2.21.0';
/** the runner reads the built native folder from this variable */
export const NATIVE_DIR_ENV = 'TRAINING_LENS_NATIVE_DIR';
/** written last, once the build has trained a step: its presence means "usable" */
export const MARKER_FILE = 'native.json';

export type NativeProblem =
  | 'no-python'
  | 'bad-python'
  | 'no-tensorflow'
  | 'bad-tensorflow'
  | 'unsupported-platform'
  | 'no-compiler'
  | 'abi-mismatch'
  | 'npm-failed'
  | 'build-failed'
  | 'verify-failed'
  | 'install-failed';

export class NativeSetupError extends Error {
  constructor(
    readonly problem: NativeProblem,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

export interface PythonInfo {
  python: string;
  pythonVersion: string;
  /** absent when the interpreter has no importable tensorflow */
  tensorflow?: { version: string; dir: string; lib: string; framework: string; include: string };
  tensorflowError?: string;
}

export interface NativeMarker {
  tfjsNode: string;
  python: string;
  pythonVersion: string;
  tensorflow: string;
  tensorflowLib: string;
  builtAt: string;
  verifyMsPerStep: number;
}

/** The CLI's cache folder for the build: ${XDG_CACHE_HOME:-~/.cache}/training-lens/native. */
export function defaultNativeDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'training-lens', 'native');
}

/** The marker of a finished, verified build in `dir`, if any. */
export function readMarker(dir: string): NativeMarker | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, MARKER_FILE), 'utf8')) as NativeMarker;
  } catch {
    return undefined;
  }
}

const PROBE = String.raw`
import json, sys, os, glob
out = {"pythonVersion": "%d.%d.%d" % sys.version_info[:3]}
try:
    import importlib.util
    spec = importlib.util.find_spec("tensorflow")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("No module named 'tensorflow'")
    d = list(spec.submodule_search_locations)[0]
    ver = None
    for v in glob.glob(os.path.join(os.path.dirname(d), "tensorflow*.dist-info")) :
        for line in open(os.path.join(v, "METADATA"), encoding="utf-8"):
            if line.startswith("Version:"):
                ver = line.split(":", 1)[1].strip(); break
        if ver: break
    out["tensorflow"] = {"version": ver or "unknown", "dir": d}
except Exception as e:
    out["tensorflowError"] = "%s: %s" % (type(e).__name__, e)
print(json.dumps(out))
`;

/** Runs the interpreter and looks for tensorflow's files without importing it (an import takes seconds). */
export function probePython(python: string, env: NodeJS.ProcessEnv = process.env): PythonInfo {
  const r = spawnSync(python, ['-c', PROBE], { encoding: 'utf8', env, timeout: 60_000 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new NativeSetupError(
      'no-python',
      code === 'ENOENT'
        ? `No Python found at '${python}'.`
        : `Python '${python}' could not be started: ${r.error.message}`,
    );
  }
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  let parsed: { pythonVersion: string; tensorflow?: { version: string; dir: string }; tensorflowError?: string };
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new NativeSetupError(
      'bad-python',
      `'${python}' is not a usable Python 3 (exit ${r.status}): ${(r.stderr || r.stdout).trim().split('\n').at(-1) ?? ''}`,
    );
  }
  const [major] = parsed.pythonVersion.split('.').map(Number);
  if (major !== 3)
    throw new NativeSetupError(
      'bad-python',
      `'${python}' is Python ${parsed.pythonVersion}; TensorFlow needs Python 3.`,
    );
  const info: PythonInfo = { python, pythonVersion: parsed.pythonVersion, tensorflowError: parsed.tensorflowError };
  if (parsed.tensorflow) {
    const { dir, version } = parsed.tensorflow;
    const ext = process.platform === 'darwin' ? 'dylib' : 'so';
    const lib =
      [`libtensorflow_cc.${ext}.2`, `libtensorflow_cc.2.${ext}`]
        .map(f => path.join(dir, f))
        .find(f => fs.existsSync(f)) ?? path.join(dir, `libtensorflow_cc.${ext}.2`);
    const framework =
      [`libtensorflow_framework.${ext}.2`, `libtensorflow_framework.2.${ext}`]
        .map(f => path.join(dir, f))
        .find(f => fs.existsSync(f)) ?? path.join(dir, `libtensorflow_framework.${ext}.2`);
    info.tensorflow = { version, dir, lib, framework, include: path.join(dir, 'include') };
  }
  return info;
}

/** Which interpreters to try, in order: the explicit one, else the given candidates (setting, Python extension), else python3. */
export function pythonCandidates(explicit: string | undefined, others: Array<string | undefined> = []): string[] {
  if (explicit) return [explicit];
  const out = others.filter((p): p is string => !!p);
  out.push(process.platform === 'win32' ? 'python' : 'python3');
  return [...new Set(out)];
}

/** Checks an interpreter's TensorFlow can back tfjs-node; throws a NativeSetupError saying why not. */
export function checkTensorflow(info: PythonInfo): NonNullable<PythonInfo['tensorflow']> {
  if (process.platform === 'win32')
    throw new NativeSetupError(
      'unsupported-platform',
      "Building the native backend from Python's TensorFlow is supported on Linux and macOS only.",
    );
  const tf = info.tensorflow;
  if (!tf)
    throw new NativeSetupError(
      'no-tensorflow',
      `${info.python} (Python ${info.pythonVersion}) has no TensorFlow (${info.tensorflowError ?? 'not importable'}). Install it with \`${info.python} -m pip install ${TENSORFLOW_PIP}\`, or let Training Lens install it into a private environment.`,
    );
  const [major, minor] = tf.version.split('.').map(Number);
  if (!(major === 2 && minor >= 9))
    throw new NativeSetupError(
      'bad-tensorflow',
      `TensorFlow ${tf.version} at ${tf.dir} is not supported: tfjs-node ${TFJS_NODE_VERSION} needs TensorFlow 2.9 or later (2.x).`,
    );
  if (!fs.existsSync(tf.lib))
    throw new NativeSetupError(
      'bad-tensorflow',
      `TensorFlow ${tf.version} at ${tf.dir} has no ${path.basename(tf.lib)} (the C API library tfjs-node links against).`,
    );
  if (!fs.existsSync(path.join(tf.include, 'tensorflow', 'c', 'c_api.h')))
    throw new NativeSetupError(
      'bad-tensorflow',
      `TensorFlow ${tf.version} at ${tf.dir} ships no C headers (include/tensorflow/c/c_api.h).`,
    );
  const arch = elfArch(tf.lib);
  const nodeArch = ({ x64: 'x86-64', arm64: 'aarch64' } as Record<string, string>)[process.arch];
  if (arch && nodeArch && arch !== nodeArch)
    throw new NativeSetupError(
      'abi-mismatch',
      `TensorFlow at ${tf.dir} is built for ${arch} but Node.js runs on ${process.arch}: the library cannot be loaded into this process.`,
    );
  return tf;
}

/** ELF machine of a shared library (Linux), undefined elsewhere or when unreadable. */
function elfArch(file: string): string | undefined {
  try {
    const fd = fs.openSync(file, 'r');
    const b = Buffer.alloc(20);
    fs.readSync(fd, b, 0, 20, 0);
    fs.closeSync(fd);
    if (b.readUInt32BE(0) !== 0x7f454c46) return undefined;
    return (
      ({ 0x3e: 'x86-64', 0xb7: 'aarch64' } as Record<number, string>)[b.readUInt16LE(18)] ??
      `machine ${b.readUInt16LE(18)}`
    );
  } catch {
    return undefined;
  }
}

function which(cmd: string, env: NodeJS.ProcessEnv): boolean {
  return spawnSync(cmd, ['--version'], { env, stdio: 'ignore' }).status === 0;
}

export function checkCompiler(env: NodeJS.ProcessEnv = process.env): void {
  const cxx = env.CXX || 'c++';
  if (!which(cxx, env) && !which('g++', env) && !which('clang++', env))
    throw new NativeSetupError(
      'no-compiler',
      `No C++ compiler found (tried ${cxx}, g++, clang++). Install one (Debian/Ubuntu: \`sudo apt-get install build-essential\`; macOS: \`xcode-select --install\`).`,
    );
  if (!which('make', env))
    throw new NativeSetupError(
      'no-compiler',
      'No `make` found. Install build tools (Debian/Ubuntu: `sudo apt-get install build-essential`; macOS: `xcode-select --install`).',
    );
}

export interface SetupOptions {
  /** interpreters to try in order (first with TensorFlow wins) */
  pythons: string[];
  /** where the build goes (global storage / cache dir) */
  dir: string;
  /** when no interpreter has TensorFlow: create `<dir>/venv` with the first usable Python and pip-install tensorflow-cpu */
  installTensorflow?: boolean;
  /** rebuild even when a verified build for the same TensorFlow exists */
  force?: boolean;
  progress?: (message: string) => void;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export interface SetupResult {
  dir: string;
  marker: NativeMarker;
  reused: boolean;
}

function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env: NodeJS.ProcessEnv; signal?: AbortSignal },
  problem: NativeProblem,
  what: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env,
      signal: opts.signal,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', d => {
      out = (out + d).slice(-20_000);
    });
    child.stderr.on('data', d => {
      out = (out + d).slice(-20_000);
    });
    child.on('error', e => reject(new NativeSetupError(problem, `${what} could not start: ${e.message}`)));
    child.on('close', code =>
      code === 0
        ? resolve(out)
        : reject(
            new NativeSetupError(
              problem,
              `${what} failed (exit ${code}): ${out.trim().split('\n').slice(-3).join(' | ')}`,
              out,
            ),
          ),
    );
  });
}

/** A real Node.js binary: this process's, unless it is Electron (the extension host), then `node` from PATH. */
function nodeBinary(env: NodeJS.ProcessEnv): string {
  if (!process.versions.electron) return process.execPath;
  const r = spawnSync(process.platform === 'win32' ? 'where' : 'which', ['node'], { encoding: 'utf8', env });
  const found = r.status === 0 ? r.stdout.trim().split('\n')[0] : '';
  if (!found)
    throw new NativeSetupError('no-compiler', 'Node.js (with npm) is needed on PATH to build the native backend.');
  return found;
}

/** npm's own node-gyp (shipped with npm next to node), with node's own headers when installed (no download). */
function nodeGyp(node: string, env: NodeJS.ProcessEnv): { cmd: string; args: string[] } {
  const prefix = path.resolve(path.dirname(fs.realpathSync(node)), '..');
  const nodedir = fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
  for (const p of [path.join(prefix, 'lib'), path.dirname(node)]) {
    const js = path.join(p, 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (fs.existsSync(js)) return { cmd: node, args: [js, ...nodedir] };
  }
  if (env.npm_config_node_gyp && fs.existsSync(env.npm_config_node_gyp))
    return { cmd: node, args: [env.npm_config_node_gyp, ...nodedir] };
  // the npm on PATH (e.g. when this process is an editor's bundled Node): its package holds node-gyp too
  const npm = spawnSync(process.platform === 'win32' ? 'where' : 'which', ['npm'], { encoding: 'utf8', env });
  if (npm.status === 0 && npm.stdout.trim()) {
    const js = path.join(
      path.dirname(fs.realpathSync(npm.stdout.trim().split('\n')[0])),
      '..',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    );
    if (fs.existsSync(js)) return { cmd: node, args: [js, ...nodedir] };
  }
  return { cmd: 'node-gyp', args: nodedir };
}

function npmCommand(node: string): { cmd: string; args: string[] } {
  const cli = path.resolve(
    path.dirname(fs.realpathSync(node)),
    '..',
    'lib',
    'node_modules',
    'npm',
    'bin',
    'npm-cli.js',
  );
  if (fs.existsSync(cli)) return { cmd: node, args: [cli] };
  return { cmd: process.platform === 'win32' ? 'npm.cmd' : 'npm', args: [] };
}

function forceSymlink(target: string, link: string): void {
  fs.rmSync(link, { force: true, recursive: true });
  fs.symlinkSync(target, link);
}

/** Finds a Python with TensorFlow (installing it privately when asked), builds tfjs-node against it, verifies it. */
export async function setupNative(opts: SetupOptions): Promise<SetupResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env, ELECTRON_RUN_AS_NODE: '1' };
  const say = opts.progress ?? (() => undefined);
  fs.mkdirSync(opts.dir, { recursive: true });

  // 1. a Python with TensorFlow
  let info: PythonInfo | undefined;
  const tried: string[] = [];
  const venvPython = path.join(opts.dir, 'venv', 'bin', 'python');
  for (const python of [...opts.pythons, ...(fs.existsSync(venvPython) ? [venvPython] : [])]) {
    say(`Checking ${python}…`);
    try {
      const i = probePython(python, env);
      info ??= i;
      if (i.tensorflow) {
        info = i;
        break;
      }
      tried.push(`${python}: Python ${i.pythonVersion}, no TensorFlow`);
    } catch (e) {
      if (!(e instanceof NativeSetupError)) throw e;
      tried.push(`${python}: ${e.message}`);
    }
  }
  if (!info)
    throw new NativeSetupError(
      'no-python',
      `No usable Python found (${tried.join(' ')}) Install Python 3 with TensorFlow, or set trainingLens.pythonPath (CLI: --python).`,
    );
  if (!info.tensorflow && opts.installTensorflow) {
    say(`Installing ${TENSORFLOW_PIP} into a private environment (${path.join(opts.dir, 'venv')})…`);
    if (!fs.existsSync(venvPython))
      await run(
        info.python,
        ['-m', 'venv', path.join(opts.dir, 'venv')],
        { env, signal: opts.signal },
        'install-failed',
        'Creating the virtual environment',
      );
    await run(
      venvPython,
      ['-m', 'pip', 'install', '--disable-pip-version-check', TENSORFLOW_PIP],
      { env, signal: opts.signal },
      'install-failed',
      `pip install ${TENSORFLOW_PIP}`,
    );
    info = probePython(venvPython, env);
  }
  if (!info.tensorflow && tried.length > 1) info.tensorflowError = `none of ${tried.join('; ')}`;
  const tf = checkTensorflow(info);
  say(`Using TensorFlow ${tf.version} from ${info.python} (Python ${info.pythonVersion})`);

  const prior = readMarker(opts.dir);
  const pkgDir = path.join(opts.dir, 'node_modules', '@tensorflow', 'tfjs-node');
  if (
    !opts.force &&
    prior &&
    prior.tensorflowLib === tf.lib &&
    prior.tfjsNode === TFJS_NODE_VERSION &&
    fs.existsSync(path.join(pkgDir, 'lib', 'napi-v8', 'tfjs_binding.node'))
  ) {
    say('A verified build for this TensorFlow exists; checking it still trains…');
    try {
      const ms = await verify(opts.dir, env, opts.signal);
      return { dir: opts.dir, marker: { ...prior, verifyMsPerStep: ms }, reused: true };
    } catch {
      say('The existing build no longer works; rebuilding.');
    }
  }
  fs.rmSync(path.join(opts.dir, MARKER_FILE), { force: true });
  checkCompiler(env);

  // 2. tfjs-node with its exact dependencies, without its download script
  const installed = (() => {
    try {
      return JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version as string;
    } catch {
      return undefined;
    }
  })();
  if (installed !== TFJS_NODE_VERSION) {
    say(`Installing @tensorflow/tfjs-node@${TFJS_NODE_VERSION} (without its libtensorflow download)…`);
    fs.writeFileSync(
      path.join(opts.dir, 'package.json'),
      JSON.stringify(
        { name: 'training-lens-native', private: true, description: 'Built by Training Lens: Set Up Native Backend' },
        null,
        2,
      ) + '\n',
    );
    const npm = npmCommand(nodeBinary(env));
    await run(
      npm.cmd,
      [
        ...npm.args,
        'install',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--no-save',
        '--omit=dev',
        `@tensorflow/tfjs-node@${TFJS_NODE_VERSION}`,
      ],
      { cwd: opts.dir, env, signal: opts.signal },
      'npm-failed',
      `npm install @tensorflow/tfjs-node@${TFJS_NODE_VERSION}`,
    );
  }

  // 3. point its deps/ at Python's TensorFlow and build the addon
  say("Linking TensorFlow's C library and headers…");
  const ext = process.platform === 'darwin' ? 'dylib' : 'so';
  const libDir = path.join(pkgDir, 'deps', 'lib');
  fs.mkdirSync(libDir, { recursive: true });
  for (const name of [`libtensorflow.${ext}`, `libtensorflow.${ext}.2`, `libtensorflow_cc.${ext}.2`])
    forceSymlink(tf.lib, path.join(libDir, name));
  for (const name of [`libtensorflow_framework.${ext}`, `libtensorflow_framework.${ext}.2`])
    forceSymlink(tf.framework, path.join(libDir, name));
  forceSymlink(tf.include, path.join(pkgDir, 'deps', 'include'));
  say('Compiling the tfjs-node addon (about 10 s)…');
  const gyp = nodeGyp(nodeBinary(env), env);
  const modulePath = path.join(pkgDir, 'lib', 'napi-v8');
  await run(
    gyp.cmd,
    [...gyp.args, 'rebuild', '--module_name=tfjs_binding', `--module_path=${modulePath}`, '--napi_build_version=8'],
    { cwd: pkgDir, env, signal: opts.signal },
    'build-failed',
    'Compiling the tfjs-node addon',
  );

  // 4. one real training step in a fresh process
  say('Verifying with a short training step…');
  const ms = await verify(opts.dir, env, opts.signal);
  const marker: NativeMarker = {
    tfjsNode: TFJS_NODE_VERSION,
    python: info.python,
    pythonVersion: info.pythonVersion,
    tensorflow: tf.version,
    tensorflowLib: tf.lib,
    builtAt: new Date().toISOString(),
    verifyMsPerStep: ms,
  };
  fs.writeFileSync(path.join(opts.dir, MARKER_FILE), JSON.stringify(marker, null, 2) + '\n');
  say(`Native backend ready: TensorFlow ${tf.version}, ${ms.toFixed(1)} ms for a verification step.`);
  return { dir: opts.dir, marker, reused: false };
}

const VERIFY = String.raw`
const tf = require(process.argv[1]);
(async () => {
  if (!(await tf.setBackend('tensorflow'))) throw new Error('setBackend("tensorflow") returned false');
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [8], units: 16, activation: 'relu' }), tf.layers.dense({ units: 2, activation: 'softmax' })] });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  const xs = tf.randomNormal([32, 8]), ys = tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 2), 'int32'), 2);
  await model.fit(xs, ys, { epochs: 1, batchSize: 32, verbose: 0 });
  const t0 = Date.now();
  const h = await model.fit(xs, ys, { epochs: 1, batchSize: 32, verbose: 0 });
  const loss = h.history.loss[0];
  if (!Number.isFinite(loss)) throw new Error('the training step gave a non-finite loss');
  process.stdout.write(JSON.stringify({ backend: tf.getBackend(), ms: Date.now() - t0 }) + '\n');
})().catch(e => { console.error(e && e.message || e); process.exit(1); });
`;

/** Loads the build in a fresh Node process and trains one step on the 'tensorflow' backend; ms of the step. */
export async function verify(dir: string, env: NodeJS.ProcessEnv = process.env, signal?: AbortSignal): Promise<number> {
  const pkg = path.join(dir, 'node_modules', '@tensorflow', 'tfjs-node');
  let out: string;
  try {
    out = await run(
      process.execPath,
      ['-e', VERIFY, pkg],
      { env: { ...env, TF_CPP_MIN_LOG_LEVEL: '2', ELECTRON_RUN_AS_NODE: '1' }, signal },
      'verify-failed',
      'Loading the build and training a step',
    );
  } catch (e) {
    const msg = (e as Error).message;
    if (/undefined symbol|wrong ELF class|cannot open shared object|incompatible architecture|GLIBC/.test(msg))
      throw new NativeSetupError(
        'abi-mismatch',
        `The built addon cannot load TensorFlow's library (ABI mismatch): ${msg}`,
      );
    throw e;
  }
  const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { backend?: string; ms?: number };
  if (r.backend !== 'tensorflow')
    throw new NativeSetupError('verify-failed', `The build loaded but trained on '${r.backend}', not 'tensorflow'.`);
  return r.ms ?? 0;
}
