/**
 * `training-lens setup-native [--python <path>] [--dir <folder>] [--install-tensorflow] [--force]`: builds tfjs-node
 * against Python's TensorFlow into ${XDG_CACHE_HOME:-~/.cache}/training-lens/native (src/native/setup.ts).
 * Exit codes: 0 ready, 1 the build failed, 3 it cannot be set up here (no Python / TensorFlow / compiler: says why).
 */
import * as path from 'node:path';
import {
  setupNative,
  defaultNativeDir,
  readMarker,
  pythonCandidates,
  NativeSetupError,
  NATIVE_DIR_ENV,
  TENSORFLOW_PIP,
} from './setup';

export const SETUP_NATIVE_USAGE =
  '  training-lens setup-native [--python <path>] [--dir <folder>] [--install-tensorflow] [--force]\n';

/** problems that mean "not possible on this machine as it is", as opposed to "tried and broke" */
const UNAVAILABLE = new Set([
  'no-python',
  'bad-python',
  'no-tensorflow',
  'bad-tensorflow',
  'unsupported-platform',
  'no-compiler',
  'abi-mismatch',
]);

export async function setupNativeCommand(
  flags: Map<string, string | true>,
  io: { out: (l: string) => void; err: (l: string) => void },
): Promise<number> {
  const dir = path.resolve(String(flags.get('dir') ?? defaultNativeDir()));
  const python = flags.get('python');
  try {
    const r = await setupNative({
      pythons: pythonCandidates(typeof python === 'string' ? python : undefined, [process.env.TRAINING_LENS_PYTHON]),
      dir,
      installTensorflow: flags.has('install-tensorflow'),
      force: flags.has('force'),
      progress: io.out,
    });
    io.out(
      `${r.reused ? 'Reused' : 'Built'} the native backend in ${dir} (TensorFlow ${r.marker.tensorflow} from ${r.marker.python}).`,
    );
    io.out(
      '`training-lens train` now uses it; the extension uses its own copy (command "Training Lens: Set Up Native Backend").',
    );
    return 0;
  } catch (e) {
    if (!(e instanceof NativeSetupError)) throw e;
    io.err(`training-lens: native backend not set up: ${e.message}`);
    if (e.problem === 'no-tensorflow')
      io.err(`Rerun with --install-tensorflow to install ${TENSORFLOW_PIP} into a private environment under ${dir}.`);
    if (e.detail && process.env.TRAINING_LENS_VERBOSE) io.err(e.detail);
    return UNAVAILABLE.has(e.problem) ? 3 : 1;
  }
}

/** The env a CLI run needs to use the native build, when a verified one is in the cache (or the variable is set). */
export function nativeRunEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (env[NATIVE_DIR_ENV]) return {};
  const dir = defaultNativeDir(env);
  return readMarker(dir) ? { [NATIVE_DIR_ENV]: dir } : {};
}
