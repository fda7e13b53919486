import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: full-batch gradient descent at a learning rate of 8 on a tanh net, with a separate validation set. Steps
// overshoot, so the training accuracy rises and falls from epoch to epoch, and the validation loss jumps with it
// from the first epochs on: the jumps are the optimizer's, not the validation set's.
const { xs, ys } = blobs({ n: 600, dims: 16, classes: 5, spread: 0.7, noise: 1, seed: 9071 });
const [trainX, valX] = tf.split(xs, [480, 120]);
const [trainY, valY] = tf.split(ys, [480, 120]);
const glorot = (seed: number) => tf.initializers.glorotUniform({ seed });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'hidden1', inputShape: [16], units: 48, activation: 'tanh', kernelInitializer: glorot(1) }));
model.add(tf.layers.dense({ name: 'hidden2', units: 48, activation: 'tanh', kernelInitializer: glorot(2) }));
model.add(tf.layers.dense({ name: 'output', units: 5, activation: 'softmax', kernelInitializer: glorot(3) }));
model.compile({ optimizer: tf.train.sgd(8), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(trainX, trainY, { epochs: 24, batchSize: 480, validationData: [valX, valY] });
