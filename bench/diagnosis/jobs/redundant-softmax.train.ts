import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: softmax applied twice (TheDeepChecker's "redundant softmax"): the output layer already has a softmax and
// a separate Activation layer adds another. Softmax of values in [0, 1] can give the right class at most
// e / (e + 2) = 0.58 with three classes, so the loss stalls near -ln(0.58) = 0.55 however well the model ranks.
const { xs, ys } = blobs({ n: 600, dims: 10, classes: 3, spread: 1.5, noise: 1, seed: 1220 });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'body', inputShape: [10], units: 32, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ name: 'head', units: 3, activation: 'softmax' }));
model.add(tf.layers.activation({ name: 'again', activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 20, batchSize: 30, validationSplit: 0.2 });
