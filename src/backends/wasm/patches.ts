/**
 * im2col on wasm kernels: the input windows a convolution reads, laid side by side so a filter gradient becomes one
 * matrix product (the usual lowering of a convolution's weight gradient, as in Caffe and cuDNN's GEMM algorithms).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { backend_util } from '@tensorflow/tfjs-core';
import type { WasmComposer } from './compose';

type ConvInfo = backend_util.Conv2DInfo;

/** x (NHWC) padded the way the forward pass padded it, cropped to what the windows reach */
export function paddedInput(c: WasmComposer, x: TensorInfo, info: ConvInfo): TensorInfo {
  const { top, left } = info.padInfo;
  const needH = (info.outHeight - 1) * info.strideHeight + info.effectiveFilterHeight;
  const needW = (info.outWidth - 1) * info.strideWidth + info.effectiveFilterWidth;
  return c.padOrCrop(x, [[0, 0], [top, needH - info.inHeight - top], [left, needW - info.inWidth - left], [0, 0]]);
}

/**
 * Windows of items [n0, n1) of the padded input: [n1-n0, outH, outW, kh*kw*C], the last axis ordered (i, j, c) as
 * a [kh, kw, C, ·] filter is.
 */
export function windows(c: WasmComposer, xp: TensorInfo, n0: number, n1: number, info: ConvInfo): TensorInfo {
  const channels = xp.shape[3];
  const parts: TensorInfo[] = [];
  for (let i = 0; i < info.filterHeight; i++) {
    for (let j = 0; j < info.filterWidth; j++) {
      parts.push(c.stridedSlice(xp,
        [n0, i * info.dilationHeight, j * info.dilationWidth, 0],
        [n1 - n0, info.outHeight, info.outWidth, channels],
        [1, info.strideHeight, info.strideWidth, 1]));
    }
  }
  return parts.length === 1 ? parts[0] : c.run('Concat', parts, { axis: 3 });
}
