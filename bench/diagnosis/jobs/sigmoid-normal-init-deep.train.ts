import * as tf from '@tensorflow/tfjs';
import { spirals } from '../lib/data';

// Problem: a deep sigmoid MLP whose kernels are drawn from N(0, 1), the "small random numbers" of old tutorials
// taken literally. With 256 inputs per unit the pre-activations spread over tens of units, most sigmoid outputs are
// pinned at 0 or 1 where the derivative vanishes, and accuracy crawls. Glorot initialization fixes it.
const { xs, ys } = spirals({ n: 640, classes: 4, noise: 0.1, seed: 1202, extraDims: 14 });

const input = tf.input({ shape: [16] });
let h = tf.layers.dense({ name: 'sig_a', units: 256, activation: 'sigmoid', kernelInitializer: tf.initializers.randomNormal({ stddev: 1, seed: 11 }) }).apply(input) as tf.SymbolicTensor;
h = tf.layers.dense({ name: 'sig_b', units: 256, activation: 'sigmoid', kernelInitializer: tf.initializers.randomNormal({ stddev: 1, seed: 12 }) }).apply(h) as tf.SymbolicTensor;
h = tf.layers.dense({ name: 'sig_c', units: 256, activation: 'sigmoid', kernelInitializer: tf.initializers.randomNormal({ stddev: 1, seed: 13 }) }).apply(h) as tf.SymbolicTensor;
h = tf.layers.dense({ name: 'sig_d', units: 256, activation: 'sigmoid', kernelInitializer: tf.initializers.randomNormal({ stddev: 1, seed: 14 }) }).apply(h) as tf.SymbolicTensor;
const out = tf.layers.dense({ name: 'classes', units: 4, activation: 'softmax' }).apply(h) as tf.SymbolicTensor;
const model = tf.model({ inputs: input, outputs: out });
model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 10, batchSize: 32, validationSplit: 0.2 });
