/**
 * wasm's BatchMatMul / _FusedMatMul run XNNPACK only when neither operand is transposed; with transposeA or
 * transposeB they take a scalar loop about 10× slower (measured: [21632×9]ᵀ·[21632×16] 13 ms vs 0.75 ms). Every
 * Dense layer's backward pass multiplies by a transposed operand, so the wrappers transpose it explicitly (a cheap
 * copy) and call the original kernel without the flag.
 */
import type { KernelConfig, TensorInfo, KernelBackend } from '@tensorflow/tfjs-core';
import type { Tf } from '../../tf/types';
import { WasmComposer, isOurs } from './compose';

const swapLastTwo = (rank: number) => [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];

export function untransposedMatMulConfigs(tf: Tf): KernelConfig[] {
  const out: KernelConfig[] = [];
  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    const original = tf.getKernel(name, 'wasm');
    if (!original || isOurs(original)) continue;
    const kernelFunc = (({ inputs, backend, attrs }) => {
      const { transposeA, transposeB } = attrs as { transposeA?: boolean; transposeB?: boolean };
      if (!transposeA && !transposeB) return original.kernelFunc({ inputs, backend, attrs });
      const c = new WasmComposer(tf, backend as KernelBackend);
      try {
        const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
        const rest = {
          ...inputs,
          a: transposeA ? c.transpose(a, swapLastTwo(a.shape.length)) : a,
          b: transposeB ? c.transpose(b, swapLastTwo(b.shape.length)) : b,
        };
        const result = original.kernelFunc({
          inputs: rest,
          backend,
          attrs: { ...attrs, transposeA: false, transposeB: false },
        }) as TensorInfo;
        c.finish(result);
        return result;
      } catch (e) {
        c.abandon();
        throw e;
      }
    }) as KernelConfig['kernelFunc'];
    out.push({
      kernelName: name,
      backendName: 'wasm',
      setupFunc: original.setupFunc,
      disposeFunc: original.disposeFunc,
      kernelFunc,
    });
  }
  return out;
}
