/**
 * Gradient kernels the wasm backend of tfjs 4.22 lacks, registered on the run's tfjs through its public kernel
 * registry (registerKernel) so that conv, depthwise/separable conv, conv-transpose, conv1d and embedding models
 * train on wasm instead of moving to the pure-JS cpu backend. Each is composed of kernels wasm has and accelerates
 * (XNNPACK convolutions, batched matrix products, pad/slice/transpose, scatter). A kernel wasm already has (a later
 * tfjs-backend-wasm may add them) is left alone, except the slow ones replaced on purpose (REPLACED).
 */
import type { KernelConfig } from '@tensorflow/tfjs-core';
import type { Tf } from '../../tf/types';
import { conv2dBackpropFilterConfig, conv2dBackpropInputConfig } from './conv2dBackprop';
import { untransposedMatMulConfigs } from './matMul';
import { maxPoolGradConfig } from './maxPoolGrad';
import { markOurs, isOurs } from './compose';
import { depthwiseBackpropInputConfig, depthwiseBackpropFilterConfig } from './depthwiseBackprop';
import { unsortedSegmentSumConfig } from './unsortedSegmentSum';

/** wasm has these, but as scalar loops several times slower than the XNNPACK composition, or (MaxPoolGrad) routing
 * ties differently from TensorFlow */
const REPLACED = new Set(['Conv2DBackpropInput', 'BatchMatMul', '_FusedMatMul', 'MaxPoolGrad']);

export function wasmGradientKernels(tf: Tf): KernelConfig[] {
  return [
    conv2dBackpropFilterConfig(tf),
    conv2dBackpropInputConfig(tf),
    depthwiseBackpropInputConfig(tf),
    depthwiseBackpropFilterConfig(tf),
    unsortedSegmentSumConfig(tf),
    ...untransposedMatMulConfigs(tf),
    maxPoolGradConfig(tf),
  ];
}

/** Registers the missing and replaced kernels once per tfjs instance; returns the names it registered. */
export function registerWasmGradients(tf: Tf): string[] {
  const added: string[] = [];
  for (const config of wasmGradientKernels(tf)) {
    const existing = tf.getKernel(config.kernelName, 'wasm');
    if (existing && (isOurs(existing) || !REPLACED.has(config.kernelName))) continue;
    if (existing) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(markOurs(config));
    added.push(config.kernelName);
  }
  return added;
}
