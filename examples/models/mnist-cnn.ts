/**
 * The small MNIST CNN of the TensorFlow.js tutorial "Handwritten digit recognition with CNNs": conv 16 → max-pool
 * → conv 32 → max-pool → dense 10. Seeded initializers, so two runs (or two backends) start from the same weights.
 */
import * as tf from '@tensorflow/tfjs';

export function mnistCnn(seed = 1): tf.Sequential {
  const he = (s: number) => tf.initializers.heNormal({ seed: seed + s });
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: he(0) }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: he(1) }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** flat 784-pixel rows as 28x28 single-channel images */
export function asImages(xs: tf.Tensor2D): tf.Tensor4D {
  return xs.reshape([xs.shape[0], 28, 28, 1]);
}
