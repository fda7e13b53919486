/**
 * Backend choice, made at run time: an optional dependency may be absent, present but unbuilt, or built against
 * another tfjs-core copy, so "installed" never means "usable". Order: the workspace's tfjs-node -> the native build
 * made by "Set Up Native Backend" (a self-contained folder with its own tfjs-node and tfjs, src/native/setup.ts)
 * -> the runner's own optional tfjs-node -> wasm -> cpu. Every skipped candidate leaves its reason in the notes.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as fs from 'node:fs';
import type { Tf } from '../tf/types';
import { registerWasmGradients } from '../backends/wasm/register';

export type BackendPreference = 'auto' | 'node' | 'wasm' | 'cpu';
export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', 'node', 'wasm', 'cpu'];

export interface BackendChoice {
  /** the one tf instance of the run: tfjs-node's when the native backend is active, else the runner's own */
  tf: Tf;
  /** tfjs backend name: tensorflow | wasm | cpu */
  name: string;
  /** why earlier candidates were skipped, in order */
  notes: string[];
}

export interface BackendOptions {
  preference: BackendPreference;
  /** directory to resolve the workspace's own @tensorflow/tfjs-node from (the job file's folder) */
  resolveFrom?: string;
  /** directory holding tfjs-backend-wasm*.wasm (shipped in the build); defaults to the package's dist */
  wasmDir?: string;
  /** where to look for tfjs-node besides the workspace (the runner's own optional dependency) */
  extraNodeSearchDirs?: string[];
  /**
   * the folder built by "Set Up Native Backend" (holds node_modules/@tensorflow/tfjs-node); defaults to the
   * TRAINING_LENS_NATIVE_DIR environment variable, which the extension and the CLI set for the run's child
   */
  nativeDir?: string;
}

/** environment variable naming the native build folder (same name as src/native/setup.ts NATIVE_DIR_ENV) */
export const NATIVE_DIR_ENV = 'TRAINING_LENS_NATIVE_DIR';

interface NodeCandidate {
  file: string;
  label: string;
}

/** Candidate locations of tfjs-node: the workspace's copy, the native build, then the runner's own optional dependency. */
function nodeCandidates(opts: BackendOptions, notes: string[]): NodeCandidate[] {
  const out: NodeCandidate[] = [];
  const add = (file: string, label: string) => {
    if (!out.some(c => c.file === file)) out.push({ file, label });
  };
  const resolveIn = (base: string) => {
    try {
      return createRequire(path.join(base, 'noop.js')).resolve('@tensorflow/tfjs-node');
    } catch {
      return undefined;
    }
  };
  if (opts.resolveFrom) {
    const p = resolveIn(opts.resolveFrom);
    if (p) add(p, 'workspace tfjs-node');
  }
  const nativeDir = opts.nativeDir ?? process.env[NATIVE_DIR_ENV];
  if (nativeDir) {
    const pkg = path.join(nativeDir, 'node_modules', '@tensorflow', 'tfjs-node');
    if (fs.existsSync(path.join(pkg, 'package.json'))) add(pkg, `native build at ${nativeDir}`);
    else
      notes.push(
        `native build at ${nativeDir}: not found (run "Training Lens: Set Up Native Backend" or \`training-lens setup-native\`)`,
      );
  }
  for (const base of [...(opts.extraNodeSearchDirs ?? []), __dirname]) {
    const p = resolveIn(base);
    if (p) add(p, 'tfjs-node');
  }
  return out;
}

/**
 * tfjs-node re-exports the whole tfjs API on the tfjs copy it depends on and registers the 'tensorflow' backend
 * there, so when it loads, its module IS the run's tf instance (no second copy, no backend on another engine).
 * The native build carries its own tfjs for the same reason.
 */
async function tryNode(opts: BackendOptions, notes: string[]): Promise<BackendChoice | undefined> {
  const candidates = nodeCandidates(opts, notes);
  if (candidates.length === 0) {
    notes.push('tfjs-node: not installed (optional dependency; its install downloads libtensorflow)');
    return undefined;
  }
  for (const { file, label } of candidates) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const tf = require(file) as Tf;
      if (!tf.findBackendFactory?.('tensorflow')) throw new Error('it did not register the tensorflow backend');
      if (!(await tf.setBackend('tensorflow'))) throw new Error('setBackend("tensorflow") returned false');
      if (label !== 'workspace tfjs-node' && label !== 'tfjs-node') notes.push(`using the ${label}`);
      return { tf, name: 'tensorflow', notes };
    } catch (e) {
      notes.push(
        `${label === 'tfjs-node' || label === 'workspace tfjs-node' ? 'tfjs-node at ' + file : label}: ${firstLine(e)}`,
      );
    }
  }
  return undefined;
}

export function defaultWasmDir(): string {
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

async function tryWasm(tf: Tf, opts: BackendOptions, notes: string[]): Promise<BackendChoice | undefined> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    const dir =
      opts.wasmDir && fs.existsSync(path.join(opts.wasmDir, 'tfjs-backend-wasm-simd.wasm'))
        ? opts.wasmDir
        : defaultWasmDir();
    wasm.setWasmPaths(dir.endsWith(path.sep) ? dir : dir + path.sep);
    if (!(await tf.setBackend('wasm'))) throw new Error('setBackend("wasm") returned false');
    registerWasmGradients(tf); // conv, depthwise and embedding gradients, else such models move to cpu
    return { tf, name: 'wasm', notes };
  } catch (e) {
    notes.push(`wasm: ${firstLine(e)}`);
    return undefined;
  }
}

/** The runner's own tfjs (bundled into dist/runner.js; from node_modules under tsx). */
export function ownTf(): Tf {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@tensorflow/tfjs') as Tf;
}

export async function selectBackend(opts: BackendOptions): Promise<BackendChoice> {
  const choice = await pickBackend(opts);
  quietCpuBanner(choice.tf);
  return choice;
}

/**
 * tfjs' cpu backend prints "Hi, looks like you are running TensorFlow.js in Node.js…" on its first use (a cpu run, a
 * move to cpu): the run header already names the backend and why, so the banner is marked as shown.
 */
function quietCpuBanner(tf: Tf): void {
  try {
    const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
    if (cpu && typeof cpu.firstUse === 'boolean') cpu.firstUse = false;
  } catch {
    /* no cpu backend in this tfjs: nothing to quiet */
  }
}

async function pickBackend(opts: BackendOptions): Promise<BackendChoice> {
  const notes: string[] = [];
  const pref = opts.preference;
  if (pref === 'auto' || pref === 'node') {
    const node = await tryNode(opts, notes);
    if (node) return node;
    if (pref === 'node') {
      throw new Error(
        `--backend node: the native backend (tfjs-node) is not available: ${notes.join('; ')}. ` +
          'Use the backend auto, wasm or cpu, or install it (README: Getting tfjs-node; or Set Up Native Backend).',
      );
    }
  }
  const tf = ownTf();
  if (pref === 'auto' || pref === 'wasm') {
    const wasm = await tryWasm(tf, opts, notes);
    if (wasm) return wasm;
    if (pref === 'wasm') throw new Error(`The wasm backend is not available: ${notes.join('; ')}`);
  }
  await tf.setBackend('cpu');
  return { tf, name: 'cpu', notes };
}

/** A kernel the wasm backend still lacks (src/backends/wasm adds the conv/embedding gradients): tfjs names it. */
export function missingWasmKernel(error: unknown): string | undefined {
  const m = /Kernel '([^']+)' not registered for backend 'wasm'/.exec(String((error as Error)?.message ?? error));
  return m?.[1];
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}
