import * as tf from '@tensorflow/tfjs';
import { blobs } from '../lib/data';

// Overfitting on a small validation set: 80 training samples in 40 noisy dimensions, a 2x128 ReLU MLP with Adam and
// no regularization for 40 epochs, validated on 24 samples. The model memorizes its training set; the few validation
// samples it gets wrong it gets wrong ever more confidently, so the validation loss climbs after an early best while
// the validation accuracy barely moves.
const { xs, ys } = blobs({ n: 104, dims: 40, classes: 3, spread: 0.25, noise: 1, seed: 4417 });
const [trainX, valX] = tf.split(xs, [80, 24]);
const [trainY, valY] = tf.split(ys, [80, 24]);
const he = (seed: number) => tf.initializers.heNormal({ seed });

const model = tf.sequential();
model.add(tf.layers.dense({ name: 'wide1', inputShape: [40], units: 128, activation: 'relu', kernelInitializer: he(1) }));
model.add(tf.layers.dense({ name: 'wide2', units: 128, activation: 'relu', kernelInitializer: he(2) }));
model.add(tf.layers.dense({ name: 'output', units: 3, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(0.003), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(trainX, trainY, { epochs: 40, batchSize: 16, validationData: [valX, valY] });
