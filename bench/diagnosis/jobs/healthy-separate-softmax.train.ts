import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Healthy: the output Dense layer is linear and a separate softmax layer turns its scores into probabilities, which
// categoricalCrossentropy expects. One softmax, written as its own layer.
const { xs, ys } = blobs({ n: 600, dims: 10, classes: 4, spread: 1.2, noise: 1, seed: 2307 });
const he = (seed: number) => tf.initializers.heNormal({ seed });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'hidden', inputShape: [10], units: 32, activation: 'relu', kernelInitializer: he(1) }));
model.add(tf.layers.dense({ name: 'scores', units: 4 }));
model.add(tf.layers.softmax({ name: 'probs' }));
model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 10, batchSize: 32, validationSplit: 0.2 });
