import * as tf from '@tensorflow/tfjs';
import { spirals } from '../lib/data';

// Problem: the hidden layers were written without an activation (UMLAUT's "missing activation"): three stacked
// linear layers are one linear map, which cannot separate interleaved spirals. Adam quickly finds the best linear
// boundary and the loss then stays where it is.
const { xs, ys } = spirals({ n: 600, classes: 3, noise: 0.05, seed: 1226, turns: 1 });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'lin1', inputShape: [2], units: 64 }));
model.add(tf.layers.dense({ name: 'lin2', units: 64 }));
model.add(tf.layers.dense({ name: 'lin3', units: 64 }));
model.add(tf.layers.dense({ name: 'class_probs', units: 3, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 20, batchSize: 30, validationSplit: 0.2 });
