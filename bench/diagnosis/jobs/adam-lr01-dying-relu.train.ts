import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: Adam at a learning rate of 0.1 on a plain ReLU MLP. Adam's first steps move every weight by about the
// learning rate whatever the gradient's size; with inputs in [0, 1] the hidden units' pre-activations are pushed below
// zero for every sample, the units output 0, receive no gradient, and stay dead for the rest of training.
const data = blobs({ n: 600, dims: 24, classes: 3, spread: 0.6, noise: 1, seed: 1201, unitRange: true });
const lr = 0.1;

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'fc1', inputShape: [24], units: 48, activation: 'relu' }));
model.add(tf.layers.dense({ name: 'fc2', units: 48, activation: 'relu' }));
model.add(tf.layers.dense({ name: 'probs', units: 3, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(lr), loss: 'categoricalCrossentropy', metrics: ['acc'] });
await model.fit(data.xs, data.ys, { epochs: 10, batchSize: 30, validationSplit: 0.2 });
