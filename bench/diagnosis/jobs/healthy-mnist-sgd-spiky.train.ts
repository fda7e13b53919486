import * as tf from '@tensorflow/tfjs';
import { digits } from '../lib/data';

// Healthy, the lecture's MLP on real MNIST digits with plain SGD 0.05 and batches of 32: a learning rate that makes
// the validation loss jump from epoch to epoch (a bad epoch, then a better one), while both curves keep improving.
// A jumping validation loss is not overfitting: no warning is right here (an info on the noise is fine).
const train = digits({ perDigit: 200 });
const val = digits({ perDigit: 100, offset: 200 });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'hidden1', inputShape: [784], units: 300, activation: 'relu' }));
model.add(tf.layers.dense({ name: 'hidden2', units: 100, activation: 'relu' }));
model.add(tf.layers.dense({ name: 'output', units: 10, activation: 'softmax' }));
model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(train.xs, train.ys, { epochs: 10, batchSize: 32, shuffle: true, validationData: [val.xs, val.ys] });
