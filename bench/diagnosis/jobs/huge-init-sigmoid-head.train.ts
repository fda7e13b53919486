import * as tf from '@tensorflow/tfjs';
import { spirals } from '../lib/data';

// Problem: the output unit's kernel is drawn from N(0, 4^2) ("too large" initialization). With 64 hidden inputs the
// initial logit has a standard deviation in the tens, so the untrained model is confidently wrong on about half of
// the samples and the first binary cross-entropy is far above ln(2).
const { xs, labels } = spirals({ n: 500, classes: 2, noise: 0.1, seed: 1217, turns: 0.5 });
const ys = tf.tensor2d(labels, [labels.length, 1]);

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'hid', inputShape: [2], units: 64, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ name: 'logit', units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.randomNormal({ stddev: 4, seed: 5 }) }));
model.compile({ optimizer: tf.train.adam(0.001), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 8, batchSize: 25, validationSplit: 0.2 });
