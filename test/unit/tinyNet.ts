/** The toolkit tests' smallest trainable model: 3 inputs, 4 He-initialized ReLU units, 1 linear output, seeded. */
import * as tf from '@tensorflow/tfjs';

export function tinyReluNet(seeds: { hidden: number; output: number }): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [3],
        units: 4,
        activation: 'relu',
        kernelInitializer: tf.initializers.heNormal({ seed: seeds.hidden }),
      }),
      tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotNormal({ seed: seeds.output }) }),
    ],
  });
}
