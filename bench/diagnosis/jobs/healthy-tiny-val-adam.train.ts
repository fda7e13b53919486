import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Healthy: 25 validation samples of moderately overlapping classes, Adam at its default rate with dropout. The
// validation loss moves by several percent between epochs from sampling alone, but it does not climb: no overfitting.
const { xs, ys } = blobs({ n: 525, dims: 10, classes: 3, spread: 1.2, noise: 1, seed: 3141 });
const [trainX, valX] = tf.split(xs, [500, 25]);
const [trainY, valY] = tf.split(ys, [500, 25]);
const he = (seed: number) => tf.initializers.heNormal({ seed });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'hidden', inputShape: [10], units: 32, activation: 'relu', kernelInitializer: he(1) }));
model.add(tf.layers.dropout({ rate: 0.3 }));
model.add(tf.layers.dense({ name: 'output', units: 3, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(trainX, trainY, { epochs: 20, batchSize: 32, validationData: [valX, valY] });
