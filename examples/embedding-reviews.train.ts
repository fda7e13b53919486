/**
 * A word-embedding classifier (Chollet, "Deep Learning with Python", ch.6's Embedding + Conv1D text model) on
 * synthetic reviews: Embedding(500, 16) → Conv1D 32 → global average pooling → sigmoid. Its embedding gradient
 * (a scatter-add of rows) and conv1d gradient run on wasm. 2,000 training reviews, 500 validation, batch 32.
 */
import * as tf from '@tensorflow/tfjs';
import { loadReviews, VOCABULARY, LENGTH } from './data/tokens';

const { train, test } = loadReviews(2000, 500);

const model = tf.sequential({
  layers: [
    tf.layers.embedding({ inputDim: VOCABULARY, outputDim: 16, inputLength: LENGTH }),
    tf.layers.conv1d({ filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: 'heNormal' }),
    tf.layers.globalAveragePooling1d({}),
    tf.layers.dense({ units: 1, activation: 'sigmoid' }),
  ],
});

model.compile({ optimizer: tf.train.adam(5e-3), loss: 'binaryCrossentropy', metrics: ['accuracy'] });

await model.fit(train.xs, train.ys, {
  epochs: 5,
  batchSize: 32,
  shuffle: true,
  validationData: [test.xs, test.ys],
});
