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
  return c.padOrCrop(x, [
    [0, 0],
    [top, needH - info.inHeight - top],
    [left, needW - info.inWidth - left],
    [0, 0],
  ]);
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
      parts.push(
        c.stridedSlice(
          xp,
          [n0, i * info.dilationHeight, j * info.dilationWidth, 0],
          [n1 - n0, info.outHeight, info.outWidth, channels],
          [1, info.strideHeight, info.strideWidth, 1],
        ),
      );
    }
  }
  return parts.length === 1 ? parts[0] : c.run('Concat', parts, { axis: 3 });
}

/**
 * The input gradient of a convolution is a transposed convolution: dy spread out by the strides ((stride - 1)
 * zeros between rows and columns), padded by (effective filter - 1 - forward padding) before and whatever reaches
 * the input's end after, then correlated (stride 1, the forward dilation) with the spatially flipped filter.
 * Returns that padded dy, NHWC.
 */
export function spreadForInputGrad(c: WasmComposer, dy: TensorInfo, info: ConvInfo): TensorInfo {
  const spread = spreadByStrides(c, dy, info.strideHeight, info.strideWidth);
  const before = [info.effectiveFilterHeight - 1 - info.padInfo.top, info.effectiveFilterWidth - 1 - info.padInfo.left];
  const after = [
    info.inHeight + info.effectiveFilterHeight - 1 - before[0] - spread.shape[1],
    info.inWidth + info.effectiveFilterWidth - 1 - before[1] - spread.shape[2],
  ];
  return c.padOrCrop(spread, [
    [0, 0],
    [before[0], after[0]],
    [before[1], after[1]],
    [0, 0],
  ]);
}

/** t (NHWC) with (stride - 1) zeros between its rows and between its columns (rank-4 kernels only: see compose.ts) */
export function spreadByStrides(c: WasmComposer, t: TensorInfo, sh: number, sw: number): TensorInfo {
  if (sh === 1 && sw === 1) return t;
  const [n, h, w, ch] = t.shape;
  const cells = c.padOrCrop(c.reshape(t, [n * h, 1, w, ch]), [
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, (sw - 1) * ch],
  ]);
  return c.padOrCrop(c.reshape(cells, [n, h * sh, w * sw, ch]), [
    [0, 0],
    [0, 1 - sh],
    [0, 1 - sw],
    [0, 0],
  ]);
}
