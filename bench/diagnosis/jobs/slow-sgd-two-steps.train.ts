import * as tf from '@tensorflow/tfjs';
import { spirals } from '../lib/data';

// Problem: plain SGD at 0.002 with a batch of 256 on 512 samples: two small updates per epoch. The loss creeps down
// and the training accuracy gains well under a point per epoch (AUTOTRAINER's slow convergence).
const { xs, ys } = spirals({ n: 640, classes: 3, noise: 0.1, seed: 1209, turns: 0.75 });

function mlp(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ name: 'h1', inputShape: [2], units: 32, activation: 'relu', kernelInitializer: 'heNormal' }));
  m.add(tf.layers.dense({ name: 'h2', units: 32, activation: 'relu', kernelInitializer: 'heNormal' }));
  m.add(tf.layers.dense({ name: 'y', units: 3, activation: 'softmax' }));
  return m;
}
const model = mlp();
model.compile({ optimizer: tf.train.sgd(0.002), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 25, batchSize: 256, validationSplit: 0.2 });
