import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Healthy: six ReLU blocks (dense -> batch norm) built in a loop, He initialization, SGD with momentum.
const { xs, ys } = blobs({ n: 640, dims: 12, classes: 4, spread: 1, noise: 1, seed: 1305 });
const widths = [64, 64, 48, 48, 32, 32];

const model = tf.sequential();
widths.forEach((units, i) => {
  model.add(tf.layers.dense({ units, activation: 'relu', kernelInitializer: 'heNormal', ...(i === 0 && { inputShape: [12] }) }));
  model.add(tf.layers.batchNormalization());
});
model.add(tf.layers.dense({ units: 4, activation: 'softmax' }));
model.compile({ optimizer: tf.train.momentum(0.02, 0.9), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 10, batchSize: 32, validationSplit: 0.2 });
