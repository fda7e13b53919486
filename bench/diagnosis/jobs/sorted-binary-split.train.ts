import * as tf from '@tensorflow/tfjs';
import { spirals } from '../lib/data';

// Problem: a binary data set assembled as "all negatives, then all positives" and split with validationSplit 0.3.
// tfjs takes the last 30% as validation before shuffling, so the validation set holds only positives while the
// training set is 70/30 negative: validation and training labels follow different distributions.
const a = spirals({ n: 600, classes: 2, noise: 0.1, seed: 1227, turns: 0.5 });
const neg = a.labels.flatMap((c, i) => (c === 0 ? [i] : []));
const pos = a.labels.flatMap((c, i) => (c === 1 ? [i] : []));
const order = tf.tensor1d([...neg, ...pos], 'int32');
const xs = a.xs.gather(order);
const ys = tf.tensor2d([...neg.map(() => 0), ...pos.map(() => 1)], [neg.length + pos.length, 1]);

const clf = tf.sequential();
clf.add(tf.layers.dense({ name: 'layer_a', inputShape: [2], units: 32, activation: 'relu', kernelInitializer: 'heNormal' }));
clf.add(tf.layers.dense({ name: 'layer_b', units: 1, activation: 'sigmoid' }));
clf.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await clf.fit(xs, ys, { epochs: 8, batchSize: 30, validationSplit: 0.3 });
