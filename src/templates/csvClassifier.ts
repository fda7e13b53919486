/** The csv-classifier template: an MLP on the numeric columns of a CSV file, one column the class. */
import { tsString } from './quote';

export function csvClassifierJob(data: string, label: string, delimiter?: string): string {
  const separator = delimiter ? `delimiter: ${tsString(delimiter)}, ` : '';
  return `/**
 * An MLP classifier on a CSV file: numeric feature columns, one class column (${label}).
 * Written by Training Lens: New Training Job (template csv-classifier), following the guideline tables' default
 * configuration (Hands-On ML ch.11): He initialization with ReLU, Nadam, early stopping. The validation set is a
 * shuffled, stratified split: tfjs' validationSplit takes the last rows, which a file sorted by class ruins.
 */
import * as tf from '@tensorflow/tfjs';
import { loadCsv, trainValSplit, nadam, earlyStopping } from 'training-lens';

// relative paths resolve against this file's folder
const data = await loadCsv(${tsString(data)}, { label: ${tsString(label)}, ${separator}labelType: 'class' });
const classes = data.classes ?? [];
if (classes.length < 2) throw new Error(\`need at least 2 classes in column ${label.replace(/[`$\\]/g, '')}, found \${classes.length}\`);
const { xTrain, yTrain, xVal, yVal } = trainValSplit(data.x, data.y, { fraction: 0.2, shuffle: true, stratify: true, seed: 42 });

// standardize every feature with the training set's mean and spread (the validation set must not leak into them)
const { mean, variance } = tf.moments(xTrain, 0);
const spread = variance.sqrt().add(1e-7);
const standardize = (x: tf.Tensor2D) => x.sub(mean).div(spread);
const oneHot = (y: tf.Tensor1D) => tf.oneHot(y.toInt(), classes.length);

const model = tf.sequential({
  layers: [
    tf.layers.dense({ inputShape: [data.featureNames.length], units: 64, activation: 'relu', kernelInitializer: 'heNormal' }),
    tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: 'heNormal' }),
    tf.layers.dense({ units: classes.length, activation: 'softmax' }),
  ],
});
model.compile({ optimizer: nadam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

await model.fit(standardize(xTrain), oneHot(yTrain), {
  epochs: 40,
  batchSize: 32,
  validationData: [standardize(xVal), oneHot(yVal)],
  callbacks: [earlyStopping({ monitor: 'val_loss', patience: 5, restoreBestWeights: true })],
});
`;
}
