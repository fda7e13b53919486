/**
 * Failures that arrive in a form the user cannot act on, said plainly: V8's out-of-memory abort (a stack of native
 * frames on stderr), the wasm backend's bare `Aborted()`, a dynamic import() that failed inside the runner's
 * bundle of the job.
 */
import * as fs from 'node:fs';
import type { SourceLocation } from '../protocol';
import type { Tf } from '../tf/types';

/** V8's fatal line, e.g. "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory". */
const V8_FATAL = /^.*FATAL ERROR: (.*)$/m;
const HEAP_OOM = /heap out of memory|Allocation failed|Reached heap limit|invalid table size|invalid array length/i;

/** The run-end message for a child that died on its own stderr's V8 fatal error; undefined when it was not that. */
export function fatalErrorMessage(stderr: string): string | undefined {
  const fatal = V8_FATAL.exec(stderr)?.[1]?.trim();
  if (!fatal) return undefined;
  if (HEAP_OOM.test(fatal)) {
    return (
      `Out of memory: the training process reached its JavaScript heap limit (V8: ${fatal}). ` +
      'Use smaller batches or a smaller model, dispose tensors you no longer need (tf.tidy), or raise the limit ' +
      '(NODE_OPTIONS=--max-old-space-size=<MB>).'
    );
  }
  return `The training process aborted (V8: ${fatal})`;
}

/** stderr without V8's native stack frames ("1: 0x… node::Abort() …"), for a short crash message */
export function withoutNativeFrames(stderr: string): string {
  return stderr
    .split('\n')
    .filter(l => !/^\s*\d+: 0x[0-9a-f]+ /.test(l) && !/^\s*<--- (JS stacktrace|Last few GCs) --->/.test(l))
    .join('\n');
}

/** The wasm backend's abort (emscripten `Aborted()`) is almost always its heap failing to grow: say so, with the size. */
export function wasmAbortMessage(err: Error, backend: string | undefined, tf: Tf | undefined): string | undefined {
  const aborted = /\bAborted\(/.test(err.message);
  // a failed malloc in the backend's C++ also shows as an out-of-bounds access, once the heap is near its limit
  const outOfBounds = /memory access out of bounds/.test(err.message);
  if (backend !== 'wasm' || (!aborted && !outOfBounds)) return undefined;
  let heapMb: number | undefined;
  try {
    const wasm = (tf?.findBackend?.('wasm') as unknown as { wasm?: { HEAPU8?: Uint8Array } } | undefined)?.wasm;
    if (wasm?.HEAPU8) heapMb = Math.round(wasm.HEAPU8.length / 2 ** 20);
  } catch {
    /* backend gone */
  }
  if (outOfBounds && !(heapMb !== undefined && heapMb >= 1536)) return undefined;
  return (
    `Out of memory in the wasm backend (${err.message.split('.')[0]}): its memory could not grow any further` +
    `${heapMb !== undefined ? ` (${heapMb} MB in use; WebAssembly allows 4 GB at most)` : ' (WebAssembly allows 4 GB at most)'}. ` +
    'Use smaller batches or a smaller model, dispose tensors you no longer need (tf.tidy), or the tensorflow backend.'
  );
}

/**
 * A dynamic import() that fails at run time names the runner's bundle of the job and carries no frame of the job:
 * find the job's import() of that specifier instead (the first one, when there are several).
 */
export function importFailureLocation(err: Error, jobFile: string): SourceLocation | undefined {
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'ERR_UNSUPPORTED_DIR_IMPORT' && code !== 'MODULE_NOT_FOUND')
    return undefined;
  const specifier = /Cannot find (?:module|package) '([^']+)'/.exec(err.message)?.[1];
  let text: string;
  try {
    text = fs.readFileSync(jobFile, 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const base = specifier?.split(/[\\/]/).pop();
  const match = (l: string) => /\bimport\s*\(/.test(l) && (!base || l.includes(base));
  let index = lines.findIndex(match);
  if (index < 0) index = lines.findIndex(l => /\bimport\s*\(/.test(l));
  if (index < 0) return undefined;
  return { file: jobFile, line: index + 1, column: lines[index].search(/\bimport\s*\(/) + 1 };
}
