import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: ten tanh layers whose kernels start at N(0, 0.02^2). Each layer scales the signal by about
// 0.02 * sqrt(64) = 0.16 both forwards and backwards, so after ten layers the first block's gradient is about 1e-8
// of the last one's: the early layers do not learn (AUTOTRAINER's vanishing gradient).
const { xs, ys } = blobs({ n: 512, dims: 12, classes: 4, spread: 1, noise: 1, seed: 1206 });
const DEPTH = 10;

const model = tf.sequential();
for (let i = 0; i < DEPTH; i++) {
  model.add(tf.layers.dense({ name: `block${i}`, units: 64, activation: 'tanh', kernelInitializer: tf.initializers.randomNormal({ stddev: 0.02, seed: 100 + i }), ...(i === 0 ? { inputShape: [12] } : {}) }));
}
model.add(tf.layers.dense({ name: 'head', units: 4, activation: 'softmax' }));
model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 8, batchSize: 32, validationSplit: 0.25 });
