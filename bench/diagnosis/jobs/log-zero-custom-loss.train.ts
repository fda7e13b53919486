import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: a hand-written cross-entropy, -sum(y * log(p)), on an output layer with a ReLU activation. ReLU outputs
// are often exactly 0, log(0) is -Infinity, and 0 * -Infinity is NaN: the loss is not a number from the first batch
// (DeepLocalize's numerical bug: log of zero, no epsilon, wrong output activation).
const { xs, ys } = blobs({ n: 480, dims: 10, classes: 3, spread: 1, noise: 1, seed: 1212 });

function crossEntropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.neg(tf.mean(tf.sum(tf.mul(yTrue, tf.log(yPred)), -1)));
}

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'features', inputShape: [10], units: 32, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ name: 'scores', units: 3, activation: 'relu' }));
model.compile({ optimizer: tf.train.adam(0.005), loss: crossEntropy, metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 5, batchSize: 32, validationSplit: 0.2 });
