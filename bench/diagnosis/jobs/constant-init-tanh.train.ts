import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: every kernel initialized to the constant 1 (TheDeepChecker's "wrong initialization: constant"). All units
// of a layer compute the same value, so the 64 identical tanh outputs of enc1 add up in enc2 to pre-activations of
// about 64 * tanh(.): almost all of enc2's outputs are pinned at -1 or +1 and no symmetry is ever broken.
const { xs, ys } = blobs({ n: 512, dims: 16, classes: 4, spread: 1, noise: 1, seed: 1216 });
const ones = tf.initializers.constant({ value: 1 });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'enc1', inputShape: [16], units: 64, activation: 'tanh', kernelInitializer: ones }));
model.add(tf.layers.dense({ name: 'enc2', units: 64, activation: 'tanh', kernelInitializer: ones }));
model.add(tf.layers.dense({ name: 'dec', units: 4, activation: 'softmax', kernelInitializer: ones }));
model.compile({ optimizer: tf.train.sgd(0.02), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 8, batchSize: 32, validationSplit: 0.2 });
