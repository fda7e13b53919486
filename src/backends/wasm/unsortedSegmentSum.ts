/**
 * UnsortedSegmentSum for wasm: the gradient of gather (so of an Embedding layer) sums dy rows into the rows they
 * were read from. wasm's ScatterNd adds updates that share an index, which is exactly that sum; ids outside
 * [0, numSegments) are dropped, as TensorFlow does.
 */
import type { KernelConfig, TensorInfo, KernelBackend } from '@tensorflow/tfjs-core';
import type { Tf } from '../../tf/types';
import { WasmComposer } from './compose';

export function unsortedSegmentSumConfig(tf: Tf): KernelConfig {
  return {
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
      const { numSegments } = attrs as unknown as { numSegments: number };
      const c = new WasmComposer(tf, backend as KernelBackend);
      try {
        return c.finish(segmentSum(c, x, segmentIds, numSegments));
      } catch (e) {
        c.abandon();
        throw e;
      }
    },
  };
}

function segmentSum(c: WasmComposer, x: TensorInfo, segmentIds: TensorInfo, numSegments: number): TensorInfo {
  const count = segmentIds.shape.reduce((a, b) => a * b, 1);
  const inner = x.shape.slice(segmentIds.shape.length);
  const outShape = [numSegments, ...inner];
  let updates = c.reshape(x, [count, ...inner]);
  let ids = segmentIds.dtype === 'int32' ? segmentIds : c.run('Cast', { x: segmentIds }, { dtype: 'int32' });
  const values = c.backend.readSync(ids.dataId) as Int32Array;
  const kept: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] >= 0 && values[i] < numSegments) kept.push(i);
  if (kept.length < values.length) {
    // ScatterNd must not see an index outside the output: keep only the rows whose id is in range
    const keepIdx = c.constant(Int32Array.from(kept), [kept.length]);
    updates = c.run('GatherV2', { x: updates, indices: keepIdx }, { axis: 0, batchDims: 0 });
    ids = c.run('GatherV2', { x: c.reshape(ids, [count]), indices: keepIdx }, { axis: 0, batchDims: 0 });
  }
  if (kept.length === 0) return c.run('Fill', {}, { shape: outShape, value: 0, dtype: x.dtype });
  return c.run('ScatterNd', { indices: c.reshape(ids, [kept.length, 1]), updates }, { shape: outShape });
}
