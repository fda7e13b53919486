import * as tf from '@tensorflow/tfjs';
import { blobs, permutation } from '../lib/data';

// Healthy: the data arrive sorted by class, but the job shuffles them (a seeded permutation) BEFORE validationSplit
// takes its last 20%: training and validation labels follow the same distribution.
const raw = blobs({ n: 600, dims: 10, classes: 4, spread: 1.2, noise: 1, seed: 1313 });
const sorted = raw.labels.map((c, i) => [c, i]).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
const shuffled = permutation(sorted.length, 4242).map(k => sorted[k]);
const take = tf.tensor1d(shuffled, 'int32');

const model = tf.sequential();
model.add(tf.layers.dense({ inputShape: [10], units: 32, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ units: 4, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(0.005), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(raw.xs.gather(take), raw.ys.gather(take), { epochs: 8, batchSize: 32, validationSplit: 0.2 });
