import * as tf from '@tensorflow/tfjs';
import { rng, gauss } from '../lib/data';

// Problem: raw tabular features on wildly different scales go straight into the network (TheDeepChecker's
// "unnormalized data"): age in years, income in dollars (tens of thousands), number of accounts. The income column
// dominates every pre-activation and the gradient steps.
const r = rng(1224), g = gauss(r);
const rows: number[][] = [], target: number[] = [];
for (let i = 0; i < 500; i++) {
  const age = 20 + r() * 50, income = 20000 + r() * 80000 + g() * 5000, accounts = Math.floor(r() * 6);
  rows.push([age, income, accounts]);
  target.push(income > 60000 && age < 50 ? 1 : 0);
}
const xs = tf.tensor2d(rows), ys = tf.tensor2d(target, [target.length, 1]);

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'd1', inputShape: [3], units: 16, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ name: 'd2', units: 1, activation: 'sigmoid' }));
model.compile({ optimizer: tf.train.adam(0.001), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 8, batchSize: 25, validationSplit: 0.2 });
