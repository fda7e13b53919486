/**
 * Conv2D's two gradients on wasm as XNNPACK convolutions (tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter, and
 * its Conv2DBackpropInput is a scalar loop ~10× slower than its forward conv).
 * Filter: dW[i,j,ci,co] = Σ_{n,y,x} x_pad[n, y·s + i, x·s + j, ci] · dy[n,y,x,co] is itself a convolution: x_pad
 * with batch and channels swapped ([Cin, H, W, N]) convolved with dy as the filter ([Ho, Wo, N, Cout]), dilated by
 * the forward stride; the [Cin, kh, kw, Cout] result transposed to the filter's layout.
 * Input: the transposed convolution (patches.ts spreadForInputGrad) with the flipped filter, in and out swapped.
 */
import type { KernelConfig, TensorInfo, KernelBackend, backend_util } from '@tensorflow/tfjs-core';
import type { Tf } from '../../tf/types';
import { WasmComposer } from './compose';
import { paddedInput, spreadForInputGrad } from './patches';

type Shape4 = [number, number, number, number];

interface Attrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | Array<[number, number]>;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape?: Shape4;
  inputShape?: Shape4;
}

const toNhwc = [0, 2, 3, 1],
  toNchw = [0, 3, 1, 2];

function composed(tf: Tf, backend: KernelBackend, body: (c: WasmComposer) => TensorInfo): TensorInfo {
  const c = new WasmComposer(tf, backend);
  try {
    return c.finish(body(c));
  } catch (e) {
    c.abandon();
    throw e;
  }
}

function convInfo(tf: Tf, inShape: Shape4, filterShape: Shape4, attrs: Attrs): backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    inShape,
    filterShape,
    attrs.strides,
    1,
    attrs.pad as never,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
}

export function conv2dBackpropFilterConfig(tf: Tf): KernelConfig {
  return {
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) =>
      composed(tf, backend as KernelBackend, c => {
        const a = attrs as unknown as Attrs;
        const channelsFirst = a.dataFormat === 'NCHW';
        let { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
        if (channelsFirst) {
          x = c.transpose(x, toNhwc);
          dy = c.transpose(dy, toNhwc);
        }
        const info = convInfo(tf, x.shape as Shape4, a.filterShape!, a);
        const xSwapped = c.transpose(paddedInput(c, x, info), [3, 1, 2, 0]);
        const dyFilter = c.transpose(dy, [1, 2, 0, 3]);
        const grad = c.run(
          'Conv2D',
          { x: xSwapped, filter: dyFilter },
          {
            strides: [1, 1],
            pad: 'valid',
            dataFormat: 'NHWC',
            dilations: [info.strideHeight, info.strideWidth],
          },
        );
        return c.transpose(grad, [1, 2, 0, 3]);
      }),
  };
}

export function conv2dBackpropInputConfig(tf: Tf): KernelConfig {
  return {
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) =>
      composed(tf, backend as KernelBackend, c => {
        const a = attrs as unknown as Attrs;
        const channelsFirst = a.dataFormat === 'NCHW';
        let { dy } = inputs as { dy: TensorInfo; filter: TensorInfo };
        const { filter } = inputs as { filter: TensorInfo };
        const inShape = (channelsFirst ? toNhwc.map(i => a.inputShape![i]) : a.inputShape!) as Shape4;
        if (channelsFirst) dy = c.transpose(dy, toNhwc);
        const info = convInfo(tf, inShape, filter.shape as Shape4, a);
        const flipped = c.transpose(c.run('Reverse', { x: filter }, { dims: [0, 1] }), [0, 1, 3, 2]);
        const dx = c.run(
          'Conv2D',
          { x: spreadForInputGrad(c, dy, info), filter: flipped },
          {
            strides: [1, 1],
            pad: 'valid',
            dataFormat: 'NHWC',
            dilations: [1, 1],
          },
        );
        return channelsFirst ? c.transpose(dx, toNchw) : dx;
      }),
  };
}
