import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: sixteen tanh layers initialized with variance 25/fan-in (varianceScaling scale 25) instead of Glorot's
// ~1/fan-in. tanh keeps the forward signal bounded while each layer multiplies the backward signal by more than one
// (the "chaotic" regime), so the first layers' gradients are hundreds of times the last layer's (AUTOTRAINER's
// exploding gradient).
const { xs, ys } = blobs({ n: 480, dims: 10, classes: 3, spread: 1, noise: 1, seed: 1231 });
const tooWide = (seed: number) => tf.initializers.varianceScaling({ scale: 25, mode: 'fanIn', distribution: 'normal', seed });

const layers: tf.layers.Layer[] = [tf.layers.dense({ name: 't01', inputShape: [10], units: 32, activation: 'tanh', kernelInitializer: tooWide(1) })];
for (let i = 2; i <= 16; i++) layers.push(tf.layers.dense({ name: `t${String(i).padStart(2, '0')}`, units: 32, activation: 'tanh', kernelInitializer: tooWide(i) }));
layers.push(tf.layers.dense({ name: 'softmax_out', units: 3, activation: 'softmax' }));
const model = tf.sequential({ layers });
model.compile({ optimizer: tf.train.sgd(0.005), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 6, batchSize: 32, validationSplit: 0.25 });
