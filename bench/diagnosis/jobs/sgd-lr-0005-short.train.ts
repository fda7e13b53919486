import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: plain SGD at a learning rate of 0.0005 (a twentieth of its default) for 8 epochs of batches of 32: the
// weights barely move, accuracy creeps up by a point or two per epoch and the run ends near where it began.
const { xs, ys } = blobs({ n: 600, dims: 12, classes: 3, spread: 1.1, noise: 1, seed: 2609 });
const he = (seed: number) => tf.initializers.heNormal({ seed });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'hidden', inputShape: [12], units: 24, activation: 'relu', kernelInitializer: he(1) }));
model.add(tf.layers.dense({ name: 'output', units: 3, activation: 'softmax' }));
model.compile({ optimizer: tf.train.sgd(0.0005), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 8, batchSize: 32, validationSplit: 0.2 });
