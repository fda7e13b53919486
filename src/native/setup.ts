/**
 * "Set Up Native Backend": build @tensorflow/tfjs-node against the TensorFlow a user already has for Python, instead
 * of tfjs-node's install script (which downloads libtensorflow from a bucket: fails offline, upstream reports 403).
 * The result is a self-contained folder (its own tfjs-node 4.22.0 and the exact tfjs it depends on) that the runner
 * loads via `TRAINING_LENS_NATIVE_DIR` (see src/runner/backend.ts). Never writes into the user's workspace.
 * Pure Node: used by the CLI (`training-lens setup-native`) and the extension (extension/native.ts). This file runs
 * the steps; finding Python's TensorFlow is python.ts, the build tools toolchain.ts, the final check verify.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NativeSetupError } from './errors';
import { checkTensorflow, probePython, type PythonInfo } from './python';
import { checkCompiler, nodeBinary, nodeGyp, npmCommand, runTool } from './toolchain';
import { TENSORFLOW_PIP, TFJS_NODE_VERSION } from './versions';
import { verify } from './verify';

// what the CLI, the extension and the tests use, from one place
export { NativeSetupError } from './errors';
export { checkTensorflow, probePython, pythonCandidates } from './python';
export { TENSORFLOW_PIP } from './versions';

/** the runner reads the built native folder from this variable */
export const NATIVE_DIR_ENV = 'TRAINING_LENS_NATIVE_DIR';
/** written last, once the build has trained a step: its presence means "usable" */
export const MARKER_FILE = 'native.json';

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
      await runTool(
        info.python,
        ['-m', 'venv', path.join(opts.dir, 'venv')],
        { env, signal: opts.signal },
        'install-failed',
        'Creating the virtual environment',
      );
    await runTool(
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
    await runTool(
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
  await runTool(
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
