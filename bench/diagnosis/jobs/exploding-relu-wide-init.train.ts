import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: twelve ReLU layers initialized from N(0, 0.35^2) with 32 units each, where He would use
// sqrt(2/32) = 0.25. Each layer doubles the signal's variance, forwards and backwards, so the first layer's
// gradient is hundreds of times the last layer's (AUTOTRAINER's exploding gradient).
const { xs, ys } = blobs({ n: 512, dims: 8, classes: 4, spread: 1, noise: 1, seed: 1207 });
const wide = (seed: number) => tf.initializers.randomNormal({ mean: 0, stddev: 0.35, seed });

const layers: tf.layers.Layer[] = [tf.layers.dense({ name: 'r01', inputShape: [8], units: 32, activation: 'relu', kernelInitializer: wide(1) })];
for (let i = 2; i <= 12; i++) layers.push(tf.layers.dense({ name: `r${String(i).padStart(2, '0')}`, units: 32, activation: 'relu', kernelInitializer: wide(i) }));
layers.push(tf.layers.dense({ name: 'softmax_out', units: 4, activation: 'softmax' }));
const model = tf.sequential({ layers });
model.compile({ optimizer: tf.train.sgd(1e-4), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 6, batchSize: 32, validationSplit: 0.25 });
