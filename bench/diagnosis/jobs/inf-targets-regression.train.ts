import * as tf from '@tensorflow/tfjs';
import { rng } from '../lib/data';

// Problem: a regression whose target is a rate, 1 / duration, where a few durations were recorded as 0. Those
// targets are Infinity before training starts; the loss of any batch holding one is Infinity or NaN.
const r = rng(1214);
const n = 500;
const duration = Array.from({ length: n }, (_, i) => (i % 97 === 13 ? 0 : Math.round(1 + r() * 9)));
const load = Array.from({ length: n }, () => r());
const xs = tf.tensor2d(duration.map((d, i) => [d / 10, load[i]]));
const ys = tf.tensor2d(duration.map(d => [1 / d]));

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'fit1', inputShape: [2], units: 16, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ name: 'rate', units: 1 }));
model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 6, batchSize: 25, validationSplit: 0.2 });
