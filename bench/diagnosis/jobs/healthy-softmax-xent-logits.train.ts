import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Healthy: a linear output layer (logits) with tf.losses.softmaxCrossEntropy, which applies the softmax itself:
// one softmax, inside the loss.
const { xs, ys } = blobs({ n: 600, dims: 10, classes: 5, spread: 1.2, noise: 1, seed: 2411 });
const he = (seed: number) => tf.initializers.heNormal({ seed });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'hidden', inputShape: [10], units: 32, activation: 'relu', kernelInitializer: he(1) }));
model.add(tf.layers.dense({ name: 'logits', units: 5 }));
model.compile({ optimizer: tf.train.adam(0.005), loss: tf.losses.softmaxCrossEntropy, metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 10, batchSize: 32, validationSplit: 0.2 });
