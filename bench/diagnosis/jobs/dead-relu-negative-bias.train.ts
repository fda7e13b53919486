import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: the ReLU layer's biases were initialized to -6 (meant as a "sparsity" trick) while the inputs are
// standardized. Every pre-activation is negative for every sample, so every unit outputs 0 from the first step on
// and, receiving no gradient, never comes back (DeepDiagnosis' dead nodes).
const { xs, ys } = blobs({ n: 480, dims: 8, classes: 3, spread: 1, noise: 1, seed: 1230 });

const model = tf.sequential();
model.add(tf.layers.dense({
  name: 'gate',
  inputShape: [8],
  units: 32,
  activation: 'relu',
  kernelInitializer: tf.initializers.heNormal({ seed: 3 }),
  biasInitializer: tf.initializers.constant({ value: -6 }),
}));
model.add(tf.layers.dense({ name: 'readout', units: 3, activation: 'softmax' }));
model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 8, batchSize: 32, validationSplit: 0.2 });
