import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: the model is judged on 30 validation samples of overlapping classes. A few of them flip between right
// and confidently wrong from one epoch to the next, so the validation loss jumps up and down by far more than the
// model changes: the curve cannot tell whether training still helps.
const { xs, ys } = blobs({ n: 630, dims: 8, classes: 3, spread: 0.9, noise: 1, seed: 2819 });
const [trainX, valX] = tf.split(xs, [600, 30]);
const [trainY, valY] = tf.split(ys, [600, 30]);
const he = (seed: number) => tf.initializers.heNormal({ seed });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'hidden1', inputShape: [8], units: 32, activation: 'relu', kernelInitializer: he(1) }));
model.add(tf.layers.dense({ name: 'hidden2', units: 32, activation: 'relu', kernelInitializer: he(2) }));
model.add(tf.layers.dense({ name: 'output', units: 3, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(trainX, trainY, { epochs: 24, batchSize: 16, validationData: [valX, valY] });
