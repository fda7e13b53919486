import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: all kernels initialized to zeros in a tanh network (TheDeepChecker's "wrong initialization: zeros").
// tanh(0) = 0, so every hidden output is 0 and every kernel's gradient (input x backward signal) is exactly 0:
// no kernel ever changes; only the biases learn.
const { xs, ys } = blobs({ n: 480, dims: 12, classes: 3, spread: 1, noise: 1, seed: 1218 });

const inp = tf.input({ shape: [12], name: 'x' });
const h1 = tf.layers.dense({ name: 'h1', units: 32, activation: 'tanh', kernelInitializer: 'zeros' }).apply(inp) as tf.SymbolicTensor;
const h2 = tf.layers.dense({ name: 'h2', units: 32, activation: 'tanh', kernelInitializer: 'zeros' }).apply(h1) as tf.SymbolicTensor;
const logits = tf.layers.dense({ name: 'logits', units: 3, activation: 'softmax', kernelInitializer: 'zeros' }).apply(h2) as tf.SymbolicTensor;
const model = tf.model({ inputs: inp, outputs: logits });
model.compile({ optimizer: tf.train.momentum(0.05, 0.9), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 6, batchSize: 32, validationSplit: 0.2 });
