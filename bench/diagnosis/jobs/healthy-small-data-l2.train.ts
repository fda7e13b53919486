import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Healthy: only 80 samples (64 to train on), but well separated, a small net with L2 weight decay, 30 epochs.
const { xs, ys } = blobs({ n: 80, dims: 4, classes: 2, spread: 2, noise: 0.8, seed: 1307 });
const decay = tf.regularizers.l2({ l2: 0.01 });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'small_hidden', inputShape: [4], units: 8, activation: 'relu', kernelInitializer: 'heNormal', kernelRegularizer: decay }));
model.add(tf.layers.dense({ name: 'small_out', units: 2, activation: 'softmax', kernelRegularizer: decay }));
model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 30, batchSize: 8, validationSplit: 0.2 });
