import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: validationSplit 0.05 of 700 samples leaves 35 to judge on, and SGD with momentum on batches of 8 ends
// each epoch somewhere else: the validation loss spikes and falls back, epoch after epoch.
const { xs, ys } = blobs({ n: 700, dims: 10, classes: 4, spread: 1, noise: 1, seed: 2927 });
const he = (seed: number) => tf.initializers.heNormal({ seed });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'hidden', inputShape: [10], units: 48, activation: 'relu', kernelInitializer: he(1) }));
model.add(tf.layers.dense({ name: 'output', units: 4, activation: 'softmax' }));
model.compile({ optimizer: tf.train.momentum(0.05, 0.9), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 20, batchSize: 8, validationSplit: 0.05 });
