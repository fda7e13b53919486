/**
 * A MobileNet-style net (Howard et al. 2017, "MobileNets: Efficient Convolutional Neural Networks for Mobile Vision
 * Applications") on real Fashion-MNIST images: a plain conv, then a depthwise-separable conv and a depthwise conv
 * with channel multiplier 2, global average pooling, softmax. 2,000 training images, 500 validation, batch 32.
 */
import * as tf from '@tensorflow/tfjs';
import { loadFashionMnist } from './data/fashion';

const { train, test } = loadFashionMnist(200, 50);
const images = (xs: tf.Tensor2D) => xs.reshape([xs.shape[0], 28, 28, 1]);

const model = tf.sequential({
  layers: [
    tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' }),
    tf.layers.separableConv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', depthwiseInitializer: 'heNormal', pointwiseInitializer: 'heNormal' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, activation: 'relu', depthwiseInitializer: 'heNormal' }),
    tf.layers.globalAveragePooling2d({}),
    tf.layers.dense({ units: 10, activation: 'softmax' }),
  ],
});

model.compile({ optimizer: tf.train.adam(3e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

await model.fit(images(train.xs), train.ys, {
  epochs: 3,
  batchSize: 32,
  shuffle: true,
  validationData: [images(test.xs), test.ys],
});
