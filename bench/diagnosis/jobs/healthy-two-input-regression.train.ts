import * as tf from '@tensorflow/tfjs';
import { rng, gauss } from '../lib/data';

// Healthy: a functional model with two inputs (a numeric profile and a context vector) merged by concatenation,
// regressing a smooth function of both with mean squared error and Adam.
const r = rng(1303), g = gauss(r);
const n = 600;
const profile = Array.from({ length: n }, () => [g(), g(), g(), g()]);
const context = Array.from({ length: n }, () => [g(), g()]);
const target = profile.map((p, i) => [Math.tanh(p[0] + p[1]) + 0.5 * context[i][0] * p[2] + 0.1 * g()]);

const profileIn = tf.input({ shape: [4], name: 'profile' });
const contextIn = tf.input({ shape: [2], name: 'context' });
const p1 = tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: 'heNormal', name: 'profile_enc' }).apply(profileIn) as tf.SymbolicTensor;
const c1 = tf.layers.dense({ units: 8, activation: 'relu', kernelInitializer: 'heNormal', name: 'context_enc' }).apply(contextIn) as tf.SymbolicTensor;
const merged = tf.layers.concatenate({ name: 'merge' }).apply([p1, c1]) as tf.SymbolicTensor;
const hidden = tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: 'heNormal', name: 'joint' }).apply(merged) as tf.SymbolicTensor;
const yhat = tf.layers.dense({ units: 1, name: 'yhat' }).apply(hidden) as tf.SymbolicTensor;
const model = tf.model({ inputs: [profileIn, contextIn], outputs: yhat });
model.compile({ optimizer: tf.train.adam(0.005), loss: 'meanSquaredError' });
await model.fit([tf.tensor2d(profile), tf.tensor2d(context)], tf.tensor2d(target), { epochs: 12, batchSize: 32, validationSplit: 0.2 });
