import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: a learning rate of 1e-5 for plain SGD (TheDeepChecker's "too low learning rate"). Each step changes the
// weights by a hundred-thousandth of the gradient: over the whole run the loss barely moves.
const { xs, ys } = blobs({ n: 600, dims: 20, classes: 5, spread: 1, noise: 1, seed: 1210 });
const lr = 1e-5;

const model = tf.sequential();
model.add(tf.layers.dense({ inputShape: [20], units: 40, activation: 'elu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ units: 40, activation: 'elu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ units: 5, activation: 'softmax' }));
model.compile({ optimizer: tf.train.sgd(lr), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 14, batchSize: 96, validationSplit: 0.2 });
