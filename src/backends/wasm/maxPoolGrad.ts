/**
 * MaxPoolGrad on wasm that routes each window's dy to its first maximum in scan order, padding excluded — what
 * TensorFlow and tfjs' cpu backend do. wasm's own kernel picks another element when a 'same'-padded window ties
 * (ReLU zeros make ties common), and its MaxPoolWithArgmax answers index 0 for all-zero windows, so neither is used.
 * Per window offset (i, j): the input under that offset equals the pooled max and no earlier offset took it → dy
 * goes there. Non-overlapping windows interleave the offsets' results; overlapping ones add them in place.
 */
import type { KernelConfig, TensorInfo, KernelBackend } from '@tensorflow/tfjs-core';
import type { Tf } from '../../tf/types';
import { WasmComposer } from './compose';
import { spreadByStrides } from './patches';

export function maxPoolGradConfig(tf: Tf): KernelConfig {
  return {
    kernelName: 'MaxPoolGrad',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, input, output } = inputs as { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
      const a = attrs as unknown as {
        filterSize: number | [number, number];
        strides: number | [number, number];
        pad: 'same' | 'valid' | number;
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
      };
      const info = tf.backend_util.computePool2DInfo(
        input.shape as [number, number, number, number],
        a.filterSize,
        a.strides,
        1,
        a.pad,
        a.dimRoundingMode,
      );
      const c = new WasmComposer(tf, backend as KernelBackend);
      try {
        return c.finish(maxPoolGrad(c, dy, input, output, info));
      } catch (e) {
        c.abandon();
        throw e;
      }
    },
  };
}

function maxPoolGrad(
  c: WasmComposer,
  dy: TensorInfo,
  x: TensorInfo,
  y: TensorInfo,
  info: import('@tensorflow/tfjs-core').backend_util.Conv2DInfo,
): TensorInfo {
  const {
    batchSize: n,
    inHeight: h,
    inWidth: w,
    inChannels: ch,
    outHeight: oh,
    outWidth: ow,
    strideHeight: sh,
    strideWidth: sw,
    filterHeight: kh,
    filterWidth: kw,
  } = info;
  const { top, left } = info.padInfo;
  const needH = (oh - 1) * sh + kh,
    needW = (ow - 1) * sw + kw;
  const xp = c.padOrCrop(
    x,
    [
      [0, 0],
      [top, needH - h - top],
      [left, needW - w - left],
      [0, 0],
    ],
    -Infinity,
  );
  // non-overlapping windows: x viewed as [n·oh, kh, ow, kw·c], offset (i, j) is one rank-4 slice, and the results
  // interleave back by concatenation (wasm's kernels above rank 4 are slow paths)
  const tiled = sh === kh && sw === kw;
  const view = tiled ? c.reshape(xp, [n * oh, kh, ow, kw * ch]) : xp;
  let taken: TensorInfo | undefined;
  let sum: TensorInfo | undefined;
  const rows: TensorInfo[] = [];
  for (let i = 0; i < kh; i++) {
    const cols: TensorInfo[] = [];
    for (let j = 0; j < kw; j++) {
      const under = tiled
        ? c.reshape(c.run('Slice', { x: view }, { begin: [0, i, 0, j * ch], size: [n * oh, 1, ow, ch] }), [
            n,
            oh,
            ow,
            ch,
          ])
        : c.stridedSlice(xp, [0, i, j, 0], [n, oh, ow, ch], [1, sh, sw, 1]);
      const isMax = c.run('Equal', { a: under, b: y });
      const first = taken ? c.run('LogicalAnd', { a: isMax, b: c.run('LogicalNot', { x: taken }) }) : isMax;
      taken = taken ? c.run('LogicalOr', { a: taken, b: isMax }) : isMax;
      const part = c.run('Multiply', { a: c.run('Cast', { x: first }, { dtype: 'float32' }), b: dy });
      if (tiled) {
        cols.push(c.reshape(part, [n * oh, 1, ow, ch]));
        continue;
      }
      const spread = spreadByStrides(c, part, sh, sw);
      const placed = c.padOrCrop(spread, [
        [0, 0],
        [i, needH - i - spread.shape[1]],
        [j, needW - j - spread.shape[2]],
        [0, 0],
      ]);
      sum = sum ? c.add(sum, placed) : placed;
    }
    if (tiled) rows.push(cols.length === 1 ? cols[0] : c.run('Concat', cols, { axis: 3 }));
  }
  if (tiled) sum = c.reshape(rows.length === 1 ? rows[0] : c.run('Concat', rows, { axis: 1 }), [n, needH, needW, ch]);
  return c.padOrCrop(sum!, [
    [0, 0],
    [-top, h + top - needH],
    [-left, w + left - needW],
    [0, 0],
  ]);
}
