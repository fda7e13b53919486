import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: the validation data is a slice of the training data (the first 100 rows), not held-out samples. The model
// has trained on every validation sample, so the validation figures only repeat the training figures and cannot
// show overfitting.
const { xs, ys } = blobs({ n: 400, dims: 20, classes: 4, spread: 0.5, noise: 1, labelNoise: 0.1, seed: 1228 });
const valX = xs.slice([0, 0], [100, 20]);
const valY = ys.slice([0, 0], [100, 4]);

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'enc', inputShape: [20], units: 64, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dropout({ name: 'drop', rate: 0.2 }));
model.add(tf.layers.dense({ name: 'cls', units: 4, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(0.003), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 10, batchSize: 32, validationData: [valX, valY] });
