import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: the training itself is fine (SGD 0.05 on a small MLP, the training loss falls steadily), but the
// validation set holds only 12 samples drawn separately and the batches are tiny. The validation loss jumps up and
// down from epoch to epoch without a trend: it is noise from the small validation set, not overfitting.
const all = blobs({ n: 412, dims: 8, classes: 3, spread: 0.9, noise: 1, labelNoise: 0.15, seed: 1205 });
const [trainX, valX] = tf.split(all.xs, [400, 12]);
const [trainY, valY] = tf.split(all.ys, [400, 12]);

const model = tf.sequential();
model.add(tf.layers.dense({ inputShape: [8], units: 24, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(trainX, trainY, { epochs: 16, batchSize: 4, validationData: [valX, valY] });
