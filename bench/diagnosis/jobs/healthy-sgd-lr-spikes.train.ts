import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Healthy: overlapping blobs, SGD with momentum at a learning rate on the high side (0.1, momentum 0.9, batches of
// 16): the validation loss jumps up for an epoch or two and comes back, while the model keeps improving. Noise of
// the optimizer, not overfitting: no warning is right (an info on the noise is fine).
const { xs, ys } = blobs({ n: 1400, dims: 12, classes: 4, spread: 1.2, noise: 1, seed: 4409 });
const [trainX, valX] = tf.split(xs, [1000, 400]);
const [trainY, valY] = tf.split(ys, [1000, 400]);
const he = (seed: number) => tf.initializers.heNormal({ seed });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'hidden', inputShape: [12], units: 32, activation: 'relu', kernelInitializer: he(5) }));
model.add(tf.layers.dense({ name: 'output', units: 4, activation: 'softmax' }));
model.compile({ optimizer: tf.train.momentum(0.1, 0.9), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(trainX, trainY, { epochs: 12, batchSize: 16, validationData: [valX, valY] });
