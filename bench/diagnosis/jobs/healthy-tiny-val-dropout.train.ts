import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Healthy: 600 training samples of fairly separated blobs, a small ReLU MLP with dropout and Adam, validated on only
// 24 samples. The model generalizes; the validation loss over so few samples wobbles and its accuracy moves in steps
// of 1/24, but nothing rises for good.
const { xs, ys } = blobs({ n: 624, dims: 8, classes: 3, spread: 1.0, noise: 1, seed: 2389 });
const [trainX, valX] = tf.split(xs, [600, 24]);
const [trainY, valY] = tf.split(ys, [600, 24]);
const he = (seed: number) => tf.initializers.heNormal({ seed });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'hidden', inputShape: [8], units: 32, activation: 'relu', kernelInitializer: he(1) }));
model.add(tf.layers.dropout({ rate: 0.3 }));
model.add(tf.layers.dense({ name: 'output', units: 3, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(0.005), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(trainX, trainY, { epochs: 20, batchSize: 32, validationData: [valX, valY] });
