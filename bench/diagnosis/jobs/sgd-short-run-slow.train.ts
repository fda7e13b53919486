import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: plain SGD at its default learning rate (0.01) with batches of 128, for only 6 epochs (24 updates). The
// loss goes down a little every epoch, but at this pace the model ends the run far from what it could reach.
const { xs, ys } = blobs({ n: 640, dims: 16, classes: 4, spread: 1, noise: 1, seed: 2503 });
const he = (seed: number) => tf.initializers.heNormal({ seed });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'hidden1', inputShape: [16], units: 32, activation: 'relu', kernelInitializer: he(1) }));
model.add(tf.layers.dense({ name: 'hidden2', units: 32, activation: 'relu', kernelInitializer: he(2) }));
model.add(tf.layers.dense({ name: 'output', units: 4, activation: 'softmax' }));
model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 6, batchSize: 128, validationSplit: 0.2 });
