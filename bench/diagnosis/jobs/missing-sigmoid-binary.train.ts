import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: binary classification whose output layer has no activation (the sigmoid was forgotten) while the loss is
// binaryCrossentropy, which expects probabilities. tfjs clips the raw outputs to [1e-7, 1 - 1e-7]: any output below
// 0 or above 1 gives a constant loss and no gradient (TheDeepChecker's "missing softmax/sigmoid").
const { xs, labels } = blobs({ n: 500, dims: 6, classes: 2, spread: 1.2, noise: 1, seed: 1219 });
const ys = tf.tensor2d(labels, [labels.length, 1]);

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'trunk', inputShape: [6], units: 24, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ name: 'prob', units: 1 }));
model.compile({ optimizer: tf.train.adam(0.003), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 8, batchSize: 25, validationSplit: 0.2 });
