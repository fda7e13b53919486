import * as tf from '@tensorflow/tfjs';
import { digits } from '../lib/data';

// Healthy: real MNIST digits (the `mnist` package), 14x14 after 2x2 averaging, 40 per digit to train and 12 per digit
// to validate, on a small conv net (4 filters) with Adam.
const train = digits({ perDigit: 40, size: 14 });
const val = digits({ perDigit: 12, offset: 40, size: 14 });
const asImages = (x: tf.Tensor2D) => x.reshape([x.shape[0], 14, 14, 1]);

const model = tf.sequential();
model.add(tf.layers.conv2d({ inputShape: [14, 14, 1], filters: 4, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.flatten());
model.add(tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(0.005), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(asImages(train.xs), train.ys, { epochs: 8, batchSize: 20, validationData: [asImages(val.xs), val.ys] });
