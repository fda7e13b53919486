import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: the output layer already applies softmax, and an activation layer after it applies softmax again. The
// loss sees softmax(probabilities): every output lies between 1/(1 + (C-1)e) and e/(e + C - 1), so the model can
// never be confident, and the gradient through the second softmax is a fraction of what it should be.
const { xs, ys } = blobs({ n: 600, dims: 10, classes: 4, spread: 1.2, noise: 1, seed: 2101 });
const he = (seed: number) => tf.initializers.heNormal({ seed });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'hidden', inputShape: [10], units: 32, activation: 'relu', kernelInitializer: he(1) }));
model.add(tf.layers.dense({ name: 'scores', units: 4, activation: 'softmax' }));
model.add(tf.layers.activation({ name: 'probs', activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 10, batchSize: 32, validationSplit: 0.2 });
