import * as tf from '@tensorflow/tfjs';
import { digits, oneHot, permutation } from '../lib/data';

// Problem: a pipeline shuffles the images and the labels each with its own permutation (TheDeepChecker's "wrong
// labels"), so no label belongs to its image any more. Real MNIST digits 0-4, 14x14; a model this small cannot
// memorize 4,000 random labels, so it learns only how often each class occurs: the loss falls to the entropy of the
// labels, ln(5) = 1.609, and stays there, with the accuracy at chance.
const { xs, labels } = digits({ perDigit: 800, size: 14, classes: 5 });
const images = tf.gather(xs, permutation(labels.length, 11));
const ys = oneHot(
  permutation(labels.length, 29).map(i => labels[i]),
  5,
);

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'narrow', inputShape: [196], units: 2, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ name: 'digit', units: 5, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(0.005), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(images, ys, { epochs: 14, batchSize: 50, validationSplit: 0.2 });
