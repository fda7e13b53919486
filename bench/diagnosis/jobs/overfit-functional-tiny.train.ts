import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: 100 noisy samples with 60 features (80 to train on) and two 128-unit layers, Adam, 40 epochs, no
// regularization (UMLAUT's overfitting). The training loss goes to zero while the validation loss turns up after
// the first few epochs.
const { xs, ys } = blobs({ n: 100, dims: 60, classes: 3, spread: 0.3, noise: 1, labelNoise: 0.2, seed: 1225 });

const x = tf.input({ shape: [60] });
const a = tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: 'heNormal', name: 'wide_a' }).apply(x) as tf.SymbolicTensor;
const b = tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: 'heNormal', name: 'wide_b' }).apply(a) as tf.SymbolicTensor;
const p = tf.layers.dense({ units: 3, activation: 'softmax', name: 'p' }).apply(b) as tf.SymbolicTensor;
const net = tf.model({ inputs: x, outputs: p });
net.compile({ optimizer: tf.train.adam(0.005), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await net.fit(xs, ys, { epochs: 40, batchSize: 16, validationSplit: 0.2 });
