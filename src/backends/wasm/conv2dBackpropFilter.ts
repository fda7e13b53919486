/**
 * Conv2DBackpropFilter for wasm (tfjs-backend-wasm 4.22 has the forward conv and the input gradient, not this):
 * dW[i,j,ci,co] = Σ_{n,y,x} x_pad[n, y·s + i, x·s + j, ci] · dy[n,y,x,co], computed as im2col windows times dy, one
 * batched matrix product per batch chunk.
 */
import type { KernelConfig, TensorInfo, KernelBackend } from '@tensorflow/tfjs-core';
import type { Tf } from '../../runner/tfTypes';
import { WasmComposer, batchChunks } from './compose';
import { paddedInput, windows } from './patches';

interface Attrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | Array<[number, number]>;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

export function conv2dBackpropFilterConfig(tf: Tf): KernelConfig {
  return {
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      return conv2dBackpropFilter(tf, backend as KernelBackend, x, dy, attrs as unknown as Attrs);
    },
  };
}

function conv2dBackpropFilter(tf: Tf, backend: KernelBackend, x: TensorInfo, dy: TensorInfo, attrs: Attrs): TensorInfo {
  const c = new WasmComposer(tf, backend);
  try {
    const channelsFirst = attrs.dataFormat === 'NCHW';
    const xl = channelsFirst ? c.transpose(x, [0, 2, 3, 1]) : x;
    const dyl = channelsFirst ? c.transpose(dy, [0, 2, 3, 1]) : dy;
    const info = tf.backend_util.computeConv2DInfo(xl.shape as [number, number, number, number], attrs.filterShape,
      attrs.strides, 1, attrs.pad as never, attrs.dimRoundingMode, false, 'channelsLast');
    const [kh, kw, inC, outC] = attrs.filterShape;
    const k = kh * kw * inC;
    const xp = paddedInput(c, xl, info);
    let sum: TensorInfo | undefined;
    for (const [n0, n1] of batchChunks(info.batchSize, info.outHeight * info.outWidth * k)) {
      const rows = (n1 - n0) * info.outHeight * info.outWidth;
      const cols = c.reshape(windows(c, xp, n0, n1, info), [1, rows, k]);
      const dyPart = n0 === 0 && n1 === info.batchSize ? dyl : c.run('Slice', { x: dyl }, { begin: [n0, 0, 0, 0], size: [n1 - n0, ...dyl.shape.slice(1)] });
      const part = c.matMul(cols, c.reshape(dyPart, [1, rows, outC]), true, false);
      sum = sum ? c.add(sum, part) : part;
    }
    return c.finish(c.reshape(sum!, attrs.filterShape));
  } catch (e) {
    c.abandon();
    throw e;
  }
}
