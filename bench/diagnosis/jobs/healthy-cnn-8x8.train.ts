import * as tf from '@tensorflow/tfjs';
import { pixels } from '../lib/data';

// Healthy: a tiny convolutional net on 8x8 "images" scaled to [0, 1]: one 3x3 convolution, max pooling, softmax.
const { xs, ys } = pixels({ n: 320, classes: 4, seed: 1301 });
const images = xs.div(255).reshape([320, 8, 8, 1]);

const model = tf.sequential();
model.add(tf.layers.conv2d({ name: 'conv', inputShape: [8, 8, 1], filters: 6, kernelSize: 3, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.maxPooling2d({ name: 'pool', poolSize: 2 }));
model.add(tf.layers.flatten({ name: 'flat' }));
model.add(tf.layers.dense({ name: 'classes', units: 4, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(images, ys, { epochs: 6, batchSize: 32, validationSplit: 0.2 });
