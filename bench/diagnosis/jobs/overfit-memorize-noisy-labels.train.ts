import * as tf from '@tensorflow/tfjs';
import { digits, rng } from '../lib/data';

// Overfitting: 500 real MNIST digits whose labels are 30% wrong (a fixed seeded shuffle of those labels), a 784-512-512
// ReLU MLP with Adam and no regularization for 30 epochs. It first learns the digits, then memorizes the wrong labels:
// the validation loss (1,000 clean digits) rises steadily after its best while the training loss keeps falling.
const train = digits({ perDigit: 50 });
const val = digits({ perDigit: 100, offset: 50 });
const rand = rng(91);
const noisy = train.labels.map(l => (rand() < 0.3 ? (l + 1 + Math.floor(rand() * 9)) % 10 : l));
const trainY = tf.oneHot(tf.tensor1d(noisy, 'int32'), 10).toFloat();

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'hidden1', inputShape: [784], units: 512, activation: 'relu' }));
model.add(tf.layers.dense({ name: 'hidden2', units: 512, activation: 'relu' }));
model.add(tf.layers.dense({ name: 'output', units: 10, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(train.xs, trainY, { epochs: 30, batchSize: 32, shuffle: true, validationData: [val.xs, val.ys] });
