import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Overfitting: 200 training samples of overlapping blobs with 20% of the labels wrong, a 2x256 ReLU MLP with Adam and
// no regularization for 40 epochs. It memorizes the training set (training loss towards 0) while the validation
// loss, after its early best, climbs for the rest of the run.
const { xs, ys } = blobs({ n: 700, dims: 10, classes: 3, spread: 1.0, noise: 1, labelNoise: 0.2, seed: 5153 });
const [trainX, valX] = tf.split(xs, [200, 500]);
const [trainY, valY] = tf.split(ys, [200, 500]);
const he = (seed: number) => tf.initializers.heNormal({ seed });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'hidden1', inputShape: [10], units: 256, activation: 'relu', kernelInitializer: he(1) }));
model.add(tf.layers.dense({ name: 'hidden2', units: 256, activation: 'relu', kernelInitializer: he(2) }));
model.add(tf.layers.dense({ name: 'output', units: 3, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(0.003), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(trainX, trainY, { epochs: 40, batchSize: 32, validationData: [valX, valY] });
