import * as tf from '@tensorflow/tfjs';
import { rng, gauss } from '../lib/data';

// Problem: sensor data standardized with (x - mean) / std, but one sensor was unplugged and reads a constant 5.0.
// Its std is 0, 0 / 0 is NaN, and every sample carries a NaN feature into training (DeepLocalize: division by
// zero; DeepDiagnosis: numerical error from the inputs).
const r = rng(1213), g = gauss(r);
const rows: number[][] = [], labels: number[] = [];
for (let i = 0; i < 400; i++) {
  const c = i % 2;
  rows.push([20 + g() * 3 + c * 4, 0.5 + g() * 0.1 - c * 0.1, 5.0, 100 + g() * 15 + c * 10]);
  labels.push(c);
}
const raw = tf.tensor2d(rows);
const { mean, variance } = tf.moments(raw, 0);
const x = raw.sub(mean).div(variance.sqrt());
const y = tf.tensor2d(labels, [labels.length, 1]);

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'sensors', inputShape: [4], units: 16, activation: 'tanh' }));
model.add(tf.layers.dense({ name: 'alarm', units: 1, activation: 'sigmoid' }));
model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fit(x, y, { epochs: 6, batchSize: 20, validationSplit: 0.2 });
