import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: a softmax over 5 classes applied twice (the output layer, then an activation layer), trained long enough
// to learn the blobs: the model ranks every sample right, but categoricalCrossentropy of softmax(probabilities)
// cannot fall below log(1 + 4/e) = 0.906, and the training loss stops there.
const { xs, ys } = blobs({ n: 750, dims: 6, classes: 5, spread: 2, noise: 0.8, seed: 4417 });
const glorot = (seed: number) => tf.initializers.glorotUniform({ seed });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'h', inputShape: [6], units: 24, activation: 'tanh', kernelInitializer: glorot(3) }));
model.add(tf.layers.dense({ name: 'out', units: 5, activation: 'softmax', kernelInitializer: glorot(4) }));
model.add(tf.layers.activation({ name: 'again', activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(0.02), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 30, batchSize: 50, validationSplit: 0.2 });
