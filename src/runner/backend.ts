/**
 * Backend choice, made at run time: an optional dependency may be absent, present but unbuilt, or built against
 * another tfjs-core copy, so "installed" never means "usable". Order: tfjs-node (workspace, then ours) -> wasm -> cpu.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as fs from 'node:fs';
import type { Tf } from './tfTypes';

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
}

/** Candidate locations of tfjs-node: the workspace's copy first, then the runner's own optional dependency. */
function nodeCandidates(opts: BackendOptions): string[] {
  const out: string[] = [];
  for (const base of [opts.resolveFrom, ...(opts.extraNodeSearchDirs ?? []), __dirname]) {
    if (!base) continue;
    try {
      const p = createRequire(path.join(base, 'noop.js')).resolve('@tensorflow/tfjs-node');
      if (!out.includes(p)) out.push(p);
    } catch { /* not installed there */ }
  }
  return out;
}

/**
 * tfjs-node re-exports the whole tfjs API on the tfjs copy it depends on and registers the 'tensorflow' backend
 * there, so when it loads, its module IS the run's tf instance (no second copy, no backend on another engine).
 */
async function tryNode(opts: BackendOptions, notes: string[]): Promise<BackendChoice | undefined> {
  const candidates = nodeCandidates(opts);
  if (candidates.length === 0) {
    notes.push('tfjs-node: not installed (optional dependency; its install downloads libtensorflow)');
    return undefined;
  }
  for (const file of candidates) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const tf = require(file) as Tf;
      if (!tf.findBackendFactory?.('tensorflow')) throw new Error('it did not register the tensorflow backend');
      if (!(await tf.setBackend('tensorflow'))) throw new Error('setBackend("tensorflow") returned false');
      return { tf, name: 'tensorflow', notes };
    } catch (e) {
      notes.push(`tfjs-node at ${file}: ${firstLine(e)}`);
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
    const dir = opts.wasmDir && fs.existsSync(path.join(opts.wasmDir, 'tfjs-backend-wasm-simd.wasm')) ? opts.wasmDir : defaultWasmDir();
    wasm.setWasmPaths(dir.endsWith(path.sep) ? dir : dir + path.sep);
    if (!(await tf.setBackend('wasm'))) throw new Error('setBackend("wasm") returned false');
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
  const notes: string[] = [];
  const pref = opts.preference;
  if (pref === 'auto' || pref === 'node') {
    const node = await tryNode(opts, notes);
    if (node) return node;
    if (pref === 'node') throw new Error(`The native backend (tfjs-node) is not available: ${notes.join('; ')}`);
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

/** The wasm backend lacks some gradient kernels (conv2d, depthwise conv, embedding): tfjs names the kernel. */
export function missingWasmKernel(error: unknown): string | undefined {
  const m = /Kernel '([^']+)' not registered for backend 'wasm'/.exec(String((error as Error)?.message ?? error));
  return m?.[1];
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}
