/**
 * A float32 tensor's values read where they already are, without a kernel: the wasm backend keeps tensors in its
 * WebAssembly heap, the cpu backend in plain typed arrays, both readable from JavaScript. A kernel call costs 5–10 µs of
 * dispatch and bookkeeping before any arithmetic (and clones and sums allocate tensors to track), so on a small net a
 * probe's statistics are far cheaper summed in JavaScript. The tensorflow backend keeps tensors in native memory: no
 * reader there.
 */
import type { Tf, Tensor } from '../tf/types';

/** Gives `t`'s values; throws when they are not in memory as expected (the caller then falls back to kernels). */
export type HostReader = (t: Tensor) => Float32Array;

/** The slices of the wasm and cpu backends read here (duck-typed: internal to tfjs, checked on every read). */
interface WasmBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
}
interface CpuBackend {
  readSync(dataId: object): unknown;
}

export function hostReader(tf: Tf): HostReader | undefined {
  const name = tf.getBackend();
  const backend = tf.backend() as unknown;
  if (name === 'wasm') {
    const wasm = backend as Partial<WasmBackend>;
    if (wasm.wasm?.HEAPU8 && typeof wasm.dataIdMap?.get === 'function') {
      const b = wasm as WasmBackend;
      return t => checked(t, wasmView(b, t));
    }
  }
  if (name === 'cpu') {
    const cpu = backend as Partial<CpuBackend>;
    if (typeof cpu.readSync === 'function') return t => checked(t, cpu.readSync!(t.dataId));
  }
  return undefined;
}

/**
 * `t`'s values in place, or undefined: then the caller measures with kernels, now and for the rest of the run (a
 * reader that failed once is not tried again, so a backend whose internals moved costs one exception, not one a step).
 */
export type InPlaceReader = (t: Tensor) => Float32Array | undefined;

export function inPlaceReader(tf: Tf): InPlaceReader {
  let read = hostReader(tf);
  return t => {
    if (!read) return undefined;
    try {
      return read(t);
    } catch {
      read = undefined;
      return undefined;
    }
  };
}

/**
 * The values in the wasm heap, viewed (not copied). Valid until the heap next grows (any allocation may): read them
 * at once, before another tfjs call.
 */
function wasmView(backend: WasmBackend, t: Tensor): Float32Array {
  const data = backend.dataIdMap.get(t.dataId);
  if (!data) throw new Error('a tensor the wasm backend does not hold');
  return new Float32Array(backend.wasm.HEAPU8.buffer, data.memoryOffset, t.size);
}

function checked(t: Tensor, values: unknown): Float32Array {
  if (t.dtype !== 'float32' || !(values instanceof Float32Array) || values.length !== t.size)
    throw new Error(`no float32 values in memory for a ${t.dtype} tensor`);
  return values;
}
