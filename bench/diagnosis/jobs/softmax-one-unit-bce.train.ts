import * as tf from '@tensorflow/tfjs';
import { spirals } from '../lib/data';

// Problem: a binary classifier with ONE output unit and a softmax activation, trained with binaryCrossentropy
// (UMLAUT's last-layer activation vs loss). The softmax of a single value is always exactly 1: the model predicts
// "positive" for every sample, the loss is constant and no weight receives a gradient.
const { xs, labels } = spirals({ n: 400, classes: 2, noise: 0.1, seed: 1223, turns: 0.5 });
const ys = tf.tensor2d(labels, [labels.length, 1]);

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'feat', inputShape: [2], units: 16, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ name: 'decision', units: 1, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 6, batchSize: 20, validationSplit: 0.2 });
