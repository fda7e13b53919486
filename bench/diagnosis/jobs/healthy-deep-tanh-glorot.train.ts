import * as tf from '@tensorflow/tfjs';
import { spirals } from '../lib/data';

// Healthy: deep but well initialized: eight tanh layers with Glorot-normal kernels and Adam on spirals.
const { xs, ys } = spirals({ n: 600, classes: 3, noise: 0.1, seed: 1310, turns: 0.75 });

const stack: tf.layers.Layer[] = [];
for (let k = 0; k < 8; k++) {
  stack.push(tf.layers.dense({ units: 32, activation: 'tanh', kernelInitializer: tf.initializers.glorotNormal({ seed: k + 1 }), inputShape: k === 0 ? [2] : undefined }));
}
const model = tf.sequential({ layers: [...stack, tf.layers.dense({ units: 3, activation: 'softmax' })] });
model.compile({ optimizer: tf.train.adam(0.003), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 12, batchSize: 32, validationSplit: 0.2 });
