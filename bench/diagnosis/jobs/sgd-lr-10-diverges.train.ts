import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: plain SGD with a learning rate of 10 (TheDeepChecker's "too high learning rate"). The first updates make
// the ReLU activations and the weights grow by orders of magnitude per step until they overflow: the loss turns
// into NaN within the first epoch.
const { xs, ys } = blobs({ n: 512, dims: 16, classes: 4, spread: 1, noise: 1, seed: 1211 });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'l1', inputShape: [16], units: 64, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ name: 'l2', units: 64, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ name: 'l3', units: 4, activation: 'softmax' }));
model.compile({ optimizer: tf.train.sgd(10), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 6, batchSize: 32, validationSplit: 0.2 });
