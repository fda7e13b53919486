import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: the samples are sorted by class (as many CSV exports are) and the job relies on validationSplit, which
// takes the LAST 20% of the arrays before any shuffling. The validation set is then one class the model never saw:
// training accuracy climbs while validation accuracy stays at zero.
const raw = blobs({ n: 750, dims: 10, classes: 5, spread: 1.5, noise: 1, seed: 1203 });
const order = raw.labels.map((c, i) => ({ c, i })).sort((a, b) => a.c - b.c).map(o => o.i);
const idx = tf.tensor1d(order, 'int32');
const xs = tf.gather(raw.xs, idx);
const ys = tf.gather(raw.ys, idx);

const model = tf.sequential({
  layers: [
    tf.layers.dense({ name: 'hidden', inputShape: [10], units: 32, activation: 'relu', kernelInitializer: 'heNormal' }),
    tf.layers.dense({ name: 'out', units: 5, activation: 'softmax' }),
  ],
});
model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 8, batchSize: 25, validationSplit: 0.2, shuffle: true });
