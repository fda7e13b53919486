import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Problem: tf.losses.softmaxCrossEntropy applies softmax to what it is given (it expects logits), but the output
// layer already applies softmax: the loss is computed on softmax(softmax(x)). Probabilities treated as logits keep
// the loss above ln(1 + (C-1)/e) however right the model is, and shrink its gradients.
const { xs, ys } = blobs({ n: 600, dims: 10, classes: 5, spread: 1.2, noise: 1, seed: 2203 });
const he = (seed: number) => tf.initializers.heNormal({ seed });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'hidden', inputShape: [10], units: 32, activation: 'relu', kernelInitializer: he(1) }));
model.add(tf.layers.dense({ name: 'output', units: 5, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(0.005), loss: tf.losses.softmaxCrossEntropy, metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 10, batchSize: 32, validationSplit: 0.2 });
