import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Healthy: logistic regression (one sigmoid unit, no hidden layer) with plain SGD at 0.1 on two linearly separable
// classes.
const { xs, labels } = blobs({ n: 400, dims: 5, classes: 2, spread: 1.5, noise: 1, seed: 1309 });

const logreg = tf.sequential({ layers: [tf.layers.dense({ inputShape: [5], units: 1, activation: 'sigmoid' })] });
logreg.compile({ optimizer: tf.train.sgd(0.1), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await logreg.fit(xs, tf.tensor2d(labels, [labels.length, 1]), { epochs: 10, batchSize: 20, validationSplit: 0.2 });
