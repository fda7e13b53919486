import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: five mutually exclusive classes with a sigmoid output layer and categoricalCrossentropy (UMLAUT's
// "last-layer activation does not match the loss"). Independent sigmoids do not sum to one; tfjs rescales them by
// their sum inside the loss, so the loss and the outputs the user reads disagree.
const { xs, ys } = blobs({ n: 600, dims: 12, classes: 5, spread: 1.2, noise: 1, seed: 1222 });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'trunk_a', inputShape: [12], units: 32, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ name: 'trunk_b', units: 32, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ name: 'per_class', units: 5, activation: 'sigmoid' }));
model.compile({ optimizer: tf.train.adam(0.003), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 8, batchSize: 30, validationSplit: 0.2 });
