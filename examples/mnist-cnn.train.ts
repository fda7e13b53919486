/**
 * A convolutional net on real MNIST digits (2,000 training, 500 validation), batch 32. It trains on the default
 * backend without tfjs-node: WebAssembly, with the conv and pooling gradients Training Lens adds to it.
 */
import * as tf from '@tensorflow/tfjs';
import { loadMnist } from './data/mnist';
import { mnistCnn, asImages } from './models/mnist-cnn';

const { train, test } = loadMnist(200, 50);

const model = mnistCnn();

await model.fit(asImages(train.xs), train.ys, {
  epochs: 3,
  batchSize: 32,
  shuffle: true,
  validationData: [asImages(test.xs), test.ys],
});

const [loss, acc] = model.evaluate(asImages(test.xs), test.ys) as tf.Scalar[];
console.log(`validation loss ${(await loss.data())[0].toFixed(4)}, accuracy ${(await acc.data())[0].toFixed(4)}`);
