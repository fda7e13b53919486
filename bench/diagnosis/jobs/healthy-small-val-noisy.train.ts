import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Healthy: only 40 validation samples, so the validation loss wobbles from epoch to epoch, but the classes are well
// separated and the model (Adam 0.003, batches of 32) keeps improving on both sides: nothing to report.
const { xs, ys } = blobs({ n: 440, dims: 8, classes: 3, spread: 1.6, noise: 1, seed: 3037 });
const [trainX, valX] = tf.split(xs, [400, 40]);
const [trainY, valY] = tf.split(ys, [400, 40]);
const he = (seed: number) => tf.initializers.heNormal({ seed });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'hidden', inputShape: [8], units: 24, activation: 'relu', kernelInitializer: he(1) }));
model.add(tf.layers.dense({ name: 'output', units: 3, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(0.003), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(trainX, trainY, { epochs: 15, batchSize: 32, validationData: [valX, valY] });
