/**
 * The two gradients of DepthwiseConv2dNative for wasm (tfjs-backend-wasm 4.22 has only the forward kernel).
 * Input: the transposed depthwise convolution (patches.ts spreadForInputGrad) with the spatially flipped filter,
 * multiplier 1 per output channel, then the channel multiplier summed out.
 * Filter: dF[i,j,c,m] = Σ_{n,y,x} x_pad[n, y·s + i·d, x·s + j·d, c] · dy[n,y,x,c·M+m]: im2col windows times dy,
 * one matrix product per channel (BatchMatMul batched over channels).
 */
import type { KernelConfig, TensorInfo, KernelBackend, backend_util } from '@tensorflow/tfjs-core';
import type { Tf } from '../../tf/types';
import { WasmComposer, batchChunks } from './compose';
import { paddedInput, windows, spreadForInputGrad } from './patches';

interface Attrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | Array<[number, number]>;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape?: [number, number, number, number];
  filterShape?: [number, number, number, number];
}

type Shape4 = [number, number, number, number];

function convInfo(tf: Tf, inShape: Shape4, filterShape: Shape4, attrs: Attrs): backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    inShape,
    filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad as never,
    attrs.dimRoundingMode,
    true,
  );
}

function guarded(tf: Tf, backend: KernelBackend, body: (c: WasmComposer) => TensorInfo): TensorInfo {
  const c = new WasmComposer(tf, backend);
  try {
    return c.finish(body(c));
  } catch (e) {
    c.abandon();
    throw e;
  }
}

export function depthwiseBackpropInputConfig(tf: Tf): KernelConfig {
  return {
    kernelName: 'DepthwiseConv2dNativeBackpropInput',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
      const a = attrs as unknown as Attrs;
      return guarded(tf, backend as KernelBackend, c => backpropInput(tf, c, dy, filter, a));
    },
  };
}

function backpropInput(tf: Tf, c: WasmComposer, dy: TensorInfo, filter: TensorInfo, attrs: Attrs): TensorInfo {
  const info = convInfo(tf, attrs.inputShape!, filter.shape as Shape4, attrs);
  const [kh, kw, channels, multiplier] = filter.shape;
  const n = dy.shape[0];
  const padded = spreadForInputGrad(c, dy, info);
  const flipped = c.reshape(c.run('Reverse', { x: filter }, { dims: [0, 1] }), [kh, kw, channels * multiplier, 1]);
  const perChannel = c.run(
    'DepthwiseConv2dNative',
    { x: padded, filter: flipped },
    {
      strides: [1, 1],
      pad: 'valid',
      dilations: [info.dilationHeight, info.dilationWidth],
    },
  );
  if (multiplier === 1) return perChannel;
  const split = c.reshape(perChannel, [n, info.inHeight, info.inWidth, channels, multiplier]);
  return c.run('Sum', { x: split }, { axis: [4], keepDims: false });
}

export function depthwiseBackpropFilterConfig(tf: Tf): KernelConfig {
  return {
    kernelName: 'DepthwiseConv2dNativeBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      const a = attrs as unknown as Attrs;
      return guarded(tf, backend as KernelBackend, c => backpropFilter(tf, c, x, dy, a));
    },
  };
}

function backpropFilter(tf: Tf, c: WasmComposer, x: TensorInfo, dy: TensorInfo, attrs: Attrs): TensorInfo {
  const filterShape = attrs.filterShape!;
  const info = convInfo(tf, x.shape as Shape4, filterShape, attrs);
  const [kh, kw, channels, multiplier] = filterShape;
  const k = kh * kw;
  const xp = paddedInput(c, x, info);
  let sum: TensorInfo | undefined;
  for (const [n0, n1] of batchChunks(info.batchSize, info.outHeight * info.outWidth * k * channels)) {
    const rows = (n1 - n0) * info.outHeight * info.outWidth;
    // windows [rows, k, C] -> [C, k, rows];  dy [rows, C, M] -> [C, rows, M];  product [C, k, M]
    const cols = c.transpose(c.reshape(windows(c, xp, n0, n1, info), [rows, k, channels]), [2, 1, 0]);
    const dyPart =
      n0 === 0 && n1 === info.batchSize
        ? dy
        : c.run('Slice', { x: dy }, { begin: [n0, 0, 0, 0], size: [n1 - n0, ...dy.shape.slice(1)] });
    const dyT = c.transpose(c.reshape(dyPart, [rows, channels, multiplier]), [1, 0, 2]);
    const part = c.matMul(cols, dyT, false, false);
    sum = sum ? c.add(sum, part) : part;
  }
  return c.reshape(c.transpose(sum!, [1, 0, 2]), filterShape);
}
