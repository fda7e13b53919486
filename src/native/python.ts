/**
 * Finding a Python whose TensorFlow can back tfjs-node: the interpreter is asked where tensorflow's files are
 * (without importing it), and the C library, headers, version and architecture are checked before any build.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NativeSetupError } from './errors';
import { TENSORFLOW_PIP, TFJS_NODE_VERSION } from './versions';

export interface PythonInfo {
  python: string;
  pythonVersion: string;
  /** absent when the interpreter has no importable tensorflow */
  tensorflow?: { version: string; dir: string; lib: string; framework: string; include: string };
  tensorflowError?: string;
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
