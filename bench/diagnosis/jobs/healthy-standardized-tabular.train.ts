import * as tf from '@tensorflow/tfjs';
import { rng, gauss } from '../lib/data';

// Healthy: raw tabular features on different scales (age, income, accounts), standardized with tf.moments before
// training, as they should be.
const r = rng(1314), g = gauss(r);
const rows: number[][] = [], target: number[] = [];
for (let i = 0; i < 500; i++) {
  const age = 20 + r() * 50, income = 20000 + r() * 80000 + g() * 5000, accounts = Math.floor(r() * 6);
  rows.push([age, income, accounts]);
  target.push(income > 60000 && age < 50 ? 1 : 0);
}
const raw = tf.tensor2d(rows);
const { mean, variance } = tf.moments(raw, 0);
const xs = raw.sub(mean).div(variance.sqrt());

const model = tf.sequential();
model.add(tf.layers.dense({ inputShape: [3], units: 16, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, tf.tensor2d(target, [target.length, 1]), { epochs: 12, batchSize: 25, validationSplit: 0.2 });
