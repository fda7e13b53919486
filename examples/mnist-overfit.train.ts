/**
 * Deep Learning from Scratch ch.6's overfitting demonstration: only 300 MNIST training digits and a deep net
 * (six hidden layers of 100 ReLU units) trained with plain SGD for many epochs. Training accuracy climbs to ~100%
 * while validation accuracy stalls far below: the gap the book's weight-decay and dropout sections then close.
 */
import * as tf from '@tensorflow/tfjs';
import { loadMnist } from './data/mnist';

const { train, test } = loadMnist(30, 100); // 300 training digits, 1,000 validation digits

const hidden = Array.from({ length: 6 }, (_, i) =>
  tf.layers.dense({ units: 100, activation: 'relu', kernelInitializer: 'heNormal', ...(i === 0 ? { inputShape: [784] } : {}) }));

const model = tf.sequential({ layers: [...hidden, tf.layers.dense({ units: 10, activation: 'softmax' })] });

model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

await model.fit(train.xs, train.ys, {
  epochs: 200,
  batchSize: 100,
  validationData: [test.xs, test.ys],
});
