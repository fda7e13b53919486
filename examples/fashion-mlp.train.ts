/**
 * The lecture's Fashion-MNIST classifier (Hands-On ML ch.10): an MLP 784-300-100-10 with ReLU hidden layers,
 * softmax output, SGD, categorical cross-entropy. Trains on 5,000 real images (500 per class) and validates on
 * 1,000 others. Run it with Training Lens (code lens above fit) or `npx training-lens train examples/fashion-mlp.train.ts`.
 */
import * as tf from '@tensorflow/tfjs';
import { loadFashionMnist } from './data/fashion';

const { train, test } = loadFashionMnist(500, 100);

const model = tf.sequential({
  layers: [
    tf.layers.dense({ inputShape: [784], units: 300, activation: 'relu' }),
    tf.layers.dense({ units: 100, activation: 'relu' }),
    tf.layers.dense({ units: 10, activation: 'softmax' }),
  ],
});

model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

await model.fit(train.xs, train.ys, {
  epochs: 10,
  batchSize: 32,
  shuffle: true,
  validationData: [test.xs, test.ys],
});

const [loss, acc] = model.evaluate(test.xs, test.ys) as tf.Scalar[];
console.log(`test loss ${(await loss.data())[0].toFixed(4)}, accuracy ${(await acc.data())[0].toFixed(4)}`);
