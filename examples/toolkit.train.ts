/**
 * The Fashion-MNIST MLP with the training-lens toolkit (Hands-On ML ch.11's default configuration): He
 * initialization, ELU, l2 and max-norm regularization, dropout, Nadam with gradient clipping, the 1cycle schedule,
 * early stopping, and MC dropout for the predictions. The hyper-parameters come from hparams(), so a Sweep
 * (random search, log scale) can try other values. Run it with Training Lens or
 * `npx training-lens train examples/toolkit.train.ts`.
 */
import * as tf from '@tensorflow/tfjs';
import { nadam, hparams, schedules, earlyStopping, mcPredict, l2, maxNorm } from 'training-lens';
import { loadFashionMnist } from './data/fashion';

const hp = hparams(
  { lr: 5e-4, weightDecay: 1e-5, dropout: 0.2, epochs: 12, batchSize: 64, clipNorm: 1 },
  { lr: [1e-4, 1e-2], weightDecay: [1e-7, 1e-3] },
);

const { train, test } = loadFashionMnist(500, 100);
const hidden = (units: number) => tf.layers.dense({
  units, activation: 'elu', kernelInitializer: 'heNormal',
  kernelRegularizer: l2({ l2: hp.weightDecay }), kernelConstraint: maxNorm({ maxValue: 3 }),
});

const model = tf.sequential({
  layers: [
    tf.layers.dense({ inputShape: [784], units: 300, activation: 'elu', kernelInitializer: 'heNormal', kernelRegularizer: l2({ l2: hp.weightDecay }) }),
    tf.layers.dropout({ rate: hp.dropout }),
    hidden(100),
    tf.layers.dropout({ rate: hp.dropout }),
    tf.layers.dense({ units: 10, activation: 'softmax' }),
  ],
});

// Nadam (tfjs has none) with global-norm clipping: the dashboard's gradient chart shows the norm before and after.
model.compile({ optimizer: nadam(hp.lr, { clipNorm: hp.clipNorm }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

await model.fit(train.xs, train.ys, {
  epochs: hp.epochs,
  batchSize: hp.batchSize,
  shuffle: true,
  validationData: [test.xs, test.ys],
  callbacks: [
    // up to 5x the base rate and back over this fit's steps (however many epochs it gets: a sweep's budget, the
    // --epochs override); beta1 moves the other way (logged as momentum)
    schedules.oneCycle({ maxLr: hp.lr * 5, startLr: hp.lr }),
    earlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true }),
  ],
});

// MC dropout: 50 predictions with dropout on; the spread says how sure the model is of each image.
const { mean, std } = mcPredict(model, test.xs, { samples: 50 });
const accuracy = tf.tidy(() => tf.metrics.categoricalAccuracy(test.ys, mean).mean().dataSync()[0]);
const predicted = tf.tidy(() => mean.argMax(1));
const spread = tf.tidy(() => tf.gatherND(std, tf.stack([tf.range(0, test.xs.shape[0], 1, 'int32'), predicted.cast('int32')], 1)));
const s = Array.from(await spread.data());
console.log(`MC dropout (50 passes): test accuracy ${accuracy.toFixed(4)}, mean std of the predicted class ${(s.reduce((a, b) => a + b, 0) / s.length).toFixed(4)}`);
tf.dispose([mean, std, predicted, spread]);
