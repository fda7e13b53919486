import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: a four-class problem trained as if it were binary: the labels are the class ids 0-3 in one column and the
// loss is binaryCrossentropy on one sigmoid unit (TheDeepChecker's "wrong loss"). Labels 2 and 3 lie outside
// [0, 1], so the loss has no minimum the model can reach and accuracy is meaningless.
const { xs, labels } = blobs({ n: 480, dims: 8, classes: 4, spread: 1.2, noise: 1, seed: 1221 });
const classIds = tf.tensor2d(labels.map(c => [c]));

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'h', inputShape: [8], units: 32, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ name: 'o', units: 1, activation: 'sigmoid' }));
model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, classIds, { epochs: 6, batchSize: 32, validationSplit: 0.2 });
