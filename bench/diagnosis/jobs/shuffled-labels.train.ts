import * as tf from '@tensorflow/tfjs';
import { blobs, oneHot, permutation } from '../lib/data';

// Problem: the labels were shuffled separately from the features (TheDeepChecker's "wrong labels"): a bug in the
// data pipeline shuffles ys with its own permutation. Nothing links x to y any more; a small model cannot even
// memorize 2,400 samples, so the loss stays at ln(4) and the accuracy at chance.
const base = blobs({ n: 2400, dims: 8, classes: 4, spread: 2, noise: 1, seed: 1215 });
const perm = permutation(base.labels.length, 77);
const ys = oneHot(perm.map(i => base.labels[i]), 4);

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'small', inputShape: [8], units: 4, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ name: 'cls', units: 4, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(base.xs, ys, { epochs: 16, batchSize: 100, validationSplit: 0.2 });
