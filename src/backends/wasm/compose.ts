/**
 * Composes a kernel out of other wasm kernels, the way tfjs' own backends build one kernel from others: each step
 * calls a registered wasm kernel function directly (no engine, no tape, no tensors counted in tf.memory()), and
 * every intermediate buffer is released when the composed kernel returns.
 */
import type { TensorInfo, KernelBackend, NamedAttrMap, KernelConfig } from '@tensorflow/tfjs-core';
import type { Tf } from '../../tf/types';

export type Shape = number[];

const OURS = Symbol.for('training-lens.wasm-kernel');

/** marks a kernel as registered by Training Lens (so registering twice, or wrapping a wrapper, is a no-op) */
export function markOurs(config: KernelConfig): KernelConfig {
  (config.kernelFunc as unknown as Record<symbol, boolean>)[OURS] = true;
  return config;
}

export function isOurs(config: KernelConfig | undefined): boolean {
  return !!config && !!(config.kernelFunc as unknown as Record<symbol, boolean>)[OURS];
}

export class WasmComposer {
  private readonly temps: TensorInfo[] = [];

  constructor(
    private readonly tf: Tf,
    readonly backend: KernelBackend,
  ) {}

  /** runs the wasm kernel `name`; its output is freed by finish() unless it is the result */
  run(
    name: string,
    inputs: Record<string, TensorInfo> | TensorInfo[],
    attrs: Record<string, unknown> = {},
  ): TensorInfo {
    const kernel = this.tf.getKernel(name, 'wasm');
    if (!kernel) throw new Error(`Kernel '${name}' not registered for backend 'wasm'`);
    const out = kernel.kernelFunc({ inputs: inputs as never, backend: this.backend, attrs: attrs as NamedAttrMap }) as
      TensorInfo | TensorInfo[];
    if (Array.isArray(out)) out.forEach(t => this.temps.push(t));
    else this.temps.push(out);
    return out as TensorInfo;
  }

  /** frees `t` with the intermediates (for the extra outputs of a kernel with several) */
  track(t: TensorInfo): void {
    if (!this.temps.includes(t)) this.temps.push(t);
  }

  /** a tensor of known values on the wasm backend, freed like the other intermediates */
  constant(values: Int32Array | Float32Array, shape: Shape): TensorInfo {
    const dtype = values instanceof Int32Array ? 'int32' : 'float32';
    const out = { dataId: this.backend.write(values, shape, dtype), shape, dtype } as TensorInfo;
    this.temps.push(out);
    return out;
  }

  reshape(x: TensorInfo, shape: Shape): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /** pads by the positive amounts and crops by the negative ones, per axis ([before, after]) */
  padOrCrop(x: TensorInfo, amounts: Array<[number, number]>, value = 0): TensorInfo {
    let out = x;
    if (amounts.some(([a, b]) => a > 0 || b > 0)) {
      out = this.run(
        'PadV2',
        { x: out },
        { paddings: amounts.map(([a, b]) => [Math.max(0, a), Math.max(0, b)]), constantValue: value },
      );
    }
    if (amounts.some(([a, b]) => a < 0 || b < 0)) {
      const begin = amounts.map(([a]) => Math.max(0, -a));
      const size = out.shape.map((d, i) => d - begin[i] - Math.max(0, -amounts[i][1]));
      out = this.run('Slice', { x: out }, { begin, size });
    }
    return out;
  }

  /**
   * x[begin : begin + (count-1)*step + 1 : step] on every axis. wasm's StridedSlice is a scalar loop (24 ms for a
   * 32×13×13×16 result, Slice 3 ms) and its kernels above rank 4 fall back to slow paths, so a step on the
   * height/width of an NHWC tensor is two rank-4 Slices: the rows, then x viewed as [n·rows, sh, w/sw, sw·c].
   */
  stridedSlice(x: TensorInfo, begin: number[], count: number[], step: number[]): TensorInfo {
    if (step.every(s => s === 1)) return this.run('Slice', { x }, { begin, size: count });
    if (x.shape.length !== 4 || step[0] !== 1 || step[3] !== 1) {
      const end = begin.map((b, i) => b + (count[i] - 1) * step[i] + 1);
      return this.run(
        'StridedSlice',
        { x },
        { begin, end, strides: step, beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 },
      );
    }
    const [, h, w, ch] = x.shape;
    const [sh, sw] = [step[1], step[2]];
    const [n, rows, cols, depth] = count;
    // rows begin[1] .. begin[1] + rows·sh (padded with zeros past the end: never picked), whole width steps
    const rowsTaken = this.padOrCrop(x, [
      [-begin[0], begin[0] + n - x.shape[0]],
      [-begin[1], begin[1] + rows * sh - h],
      [0, Math.ceil(w / sw) * sw - w],
      [0, 0],
    ]);
    const view = this.reshape(rowsTaken, [n * rows, sh, rowsTaken.shape[2] / sw, sw * ch]);
    const picked = this.run(
      'Slice',
      { x: view },
      {
        begin: [0, 0, Math.floor(begin[2] / sw), (begin[2] % sw) * ch + begin[3]],
        size: [n * rows, 1, cols, depth],
      },
    );
    return this.reshape(picked, count);
  }

  /** a [.., M, K]ᵀ·[.., M, N] style product, rank 3 in and out */
  matMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
    return this.run('BatchMatMul', { a, b }, { transposeA, transposeB });
  }

  add(a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.run('Add', { a, b });
  }

  /** frees every intermediate except `result` (a reshape of an intermediate shares its buffer by reference count) */
  finish(result: TensorInfo): TensorInfo {
    for (const t of this.temps) if (t !== result) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
    return result;
  }

  /** frees every intermediate (when the composed kernel throws) */
  abandon(): void {
    for (const t of this.temps) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
  }
}

/** Batch ranges whose im2col buffer stays under `limit` elements (a large image batch is done in parts). */
export function batchChunks(batch: number, elementsPerItem: number, limit = 1 << 23): Array<[number, number]> {
  const per = Math.max(1, Math.floor(limit / Math.max(1, elementsPerItem)));
  const out: Array<[number, number]> = [];
  for (let b = 0; b < batch; b += per) out.push([b, Math.min(batch, b + per)]);
  return out;
}
