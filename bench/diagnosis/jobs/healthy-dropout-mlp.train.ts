import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Healthy: an MLP regularized with dropout 0.3 after each hidden layer, Adam at 0.002.
const { xs, ys } = blobs({ n: 600, dims: 20, classes: 4, spread: 0.8, noise: 1, seed: 1306 });

const model = tf.sequential({
  layers: [
    tf.layers.dense({ inputShape: [20], units: 64, activation: 'relu', kernelInitializer: 'heNormal' }),
    tf.layers.dropout({ rate: 0.3 }),
    tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: 'heNormal' }),
    tf.layers.dropout({ rate: 0.3 }),
    tf.layers.dense({ units: 4, activation: 'softmax' }),
  ],
});
model.compile({ optimizer: tf.train.adam(0.002), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 12, batchSize: 32, validationSplit: 0.2 });
