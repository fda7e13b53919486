/**
 * Gradient kernels the wasm backend of tfjs 4.22 lacks, registered on the run's tfjs through its public kernel
 * registry (registerKernel) so that conv, depthwise/separable conv, conv-transpose, conv1d and embedding models
 * train on wasm instead of moving to the pure-JS cpu backend. Each is composed of kernels wasm has and accelerates
 * (XNNPACK convolutions, batched matrix products, pad/slice/transpose, scatter). A kernel wasm already has (a later
 * tfjs-backend-wasm may add them) is left alone.
 */
import type { KernelConfig } from '@tensorflow/tfjs-core';
import type { Tf } from '../../runner/tfTypes';
import { conv2dBackpropFilterConfig } from './conv2dBackpropFilter';
import { depthwiseBackpropInputConfig, depthwiseBackpropFilterConfig } from './depthwiseBackprop';
import { unsortedSegmentSumConfig } from './unsortedSegmentSum';

export function wasmGradientKernels(tf: Tf): KernelConfig[] {
  return [
    conv2dBackpropFilterConfig(tf),
    depthwiseBackpropInputConfig(tf),
    depthwiseBackpropFilterConfig(tf),
    unsortedSegmentSumConfig(tf),
  ];
}

/** Registers the missing ones; returns the names it registered. */
export function registerWasmGradients(tf: Tf): string[] {
  const added: string[] = [];
  for (const config of wasmGradientKernels(tf)) {
    if (tf.getKernel(config.kernelName, 'wasm')) continue;
    tf.registerKernel(config);
    added.push(config.kernelName);
  }
  return added;
}
