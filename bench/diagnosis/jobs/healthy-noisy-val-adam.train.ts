import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Healthy: a 60-sample validation split (15% of 400) with some label noise; the validation loss wobbles a little from
// epoch to epoch but falls with the training loss. Nothing to report.
const { xs, ys } = blobs({ n: 400, dims: 10, classes: 3, spread: 1, noise: 1, labelNoise: 0.1, seed: 1308 });

const model = tf.sequential();
model.add(tf.layers.dense({ inputShape: [10], units: 32, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(0.005), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 12, batchSize: 16, validationSplit: 0.15 });
