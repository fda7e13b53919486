import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Healthy: integer class ids with sparseCategoricalCrossentropy (the matching pair), leaky-ReLU hidden layers and
// RMSprop.
const { xs, labels } = blobs({ n: 600, dims: 14, classes: 6, spread: 1.2, noise: 1, seed: 1311 });
const classIds = tf.tensor2d(labels, [labels.length, 1]);

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'in_proj', inputShape: [14], units: 48, kernelInitializer: 'heNormal' }));
model.add(tf.layers.leakyReLU({ alpha: 0.1 }));
model.add(tf.layers.dense({ name: 'mid_proj', units: 48, kernelInitializer: 'heNormal' }));
model.add(tf.layers.leakyReLU({ alpha: 0.1 }));
model.add(tf.layers.dense({ name: 'class_out', units: 6, activation: 'softmax' }));
model.compile({ optimizer: tf.train.rmsprop(0.002), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, classIds, { epochs: 10, batchSize: 30, validationSplit: 0.2 });
