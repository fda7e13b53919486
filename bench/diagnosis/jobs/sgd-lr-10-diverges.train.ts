import * as tf from '@tensorflow/tfjs';
import { blobs, rng } from '../lib/data';

// Problem: plain SGD with a learning rate of 10 (TheDeepChecker's "too high learning rate") on a ReLU regression.
// Every step overshoots by more than the last: the weights and the squared error grow by orders of magnitude per
// step until they overflow, and the loss turns into NaN within the first epoch.
const { xs } = blobs({ n: 512, dims: 16, classes: 1, spread: 0, noise: 1, seed: 1211 });
const r = rng(12);
const ys = xs.matMul(tf.tensor2d(Array.from({ length: 16 }, () => r() - 0.5), [16, 1]));

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'l1', inputShape: [16], units: 64, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ name: 'l2', units: 64, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ name: 'l3', units: 1 }));
model.compile({ optimizer: tf.train.sgd(10), loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 6, batchSize: 32, validationSplit: 0.2 });
