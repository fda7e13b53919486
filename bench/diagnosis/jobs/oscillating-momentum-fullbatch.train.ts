import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: full-batch training (one update per epoch) with momentum 0.9 and a learning rate of 4. The steps are
// far too long for the curvature: each update overshoots, momentum carries it further, and the training accuracy
// rises and falls from epoch to epoch instead of settling (AUTOTRAINER's oscillating loss).
const { xs, ys } = blobs({ n: 480, dims: 10, classes: 3, spread: 0.7, noise: 1, seed: 1208 });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'dense_in', inputShape: [10], units: 32, activation: 'tanh' }));
model.add(tf.layers.dense({ name: 'dense_out', units: 3, activation: 'softmax' }));
model.compile({ optimizer: tf.train.momentum(4, 0.9), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 24, batchSize: 384, validationSplit: 0.2 });
