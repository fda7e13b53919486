import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Healthy: 25 validation samples of overlapping classes, Adam with dropout and L2. The validation loss moves by
// several percent between epochs (a few samples near the class borders flip), but it does not climb: no overfitting.
const { xs, ys } = blobs({ n: 525, dims: 10, classes: 3, spread: 0.8, noise: 1, seed: 3141 });
const [trainX, valX] = tf.split(xs, [500, 25]);
const [trainY, valY] = tf.split(ys, [500, 25]);
const he = (seed: number) => tf.initializers.heNormal({ seed });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'hidden', inputShape: [10], units: 32, activation: 'relu', kernelInitializer: he(1), kernelRegularizer: tf.regularizers.l2({ l2: 0.001 }) }));
model.add(tf.layers.dropout({ rate: 0.3 }));
model.add(tf.layers.dense({ name: 'output', units: 3, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(trainX, trainY, { epochs: 20, batchSize: 16, validationData: [valX, valY] });
