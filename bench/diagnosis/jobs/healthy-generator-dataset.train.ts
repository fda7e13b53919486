import * as tf from '@tensorflow/tfjs';
import { rng, gauss } from '../lib/data';

// Healthy: fitDataset over a tf.data.generator that yields samples one by one (two noisy moons-like classes),
// batched by 16, with a separate validation generator.
function* samples(seed: number, count: number) {
  const r = rng(seed), g = gauss(r);
  for (let i = 0; i < count; i++) {
    const c = i % 2, t = Math.PI * r();
    const x = c ? 1 - Math.cos(t) : Math.cos(t), y = c ? 0.5 - Math.sin(t) : Math.sin(t);
    yield { xs: tf.tensor1d([x + 0.1 * g(), y + 0.1 * g()]), ys: tf.tensor1d([c]) };
  }
}
const trainSet = tf.data.generator(() => samples(1304, 480)).batch(16);
const valSet = tf.data.generator(() => samples(2304, 120)).batch(16);

const model = tf.sequential();
model.add(tf.layers.dense({ inputShape: [2], units: 24, activation: 'tanh' }));
model.add(tf.layers.dense({ units: 24, activation: 'tanh' }));
model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fitDataset(trainSet, { epochs: 10, validationData: valSet });
