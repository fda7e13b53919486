import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Healthy: plain SGD in a short run (6 epochs), but at a learning rate of 0.1 with batches of 32: the model learns
// the blobs within the first epochs.
const { xs, ys } = blobs({ n: 640, dims: 16, classes: 4, spread: 1, noise: 1, seed: 2711 });
const he = (seed: number) => tf.initializers.heNormal({ seed });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'hidden1', inputShape: [16], units: 32, activation: 'relu', kernelInitializer: he(1) }));
model.add(tf.layers.dense({ name: 'hidden2', units: 32, activation: 'relu', kernelInitializer: he(2) }));
model.add(tf.layers.dense({ name: 'output', units: 4, activation: 'softmax' }));
model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 6, batchSize: 32, validationSplit: 0.2 });
