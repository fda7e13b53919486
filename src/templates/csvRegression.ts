/** The csv-regression template: an MLP predicting one numeric column of a CSV file from the others. */
import { tsString } from './quote';

export function csvRegressionJob(data: string, label: string, delimiter?: string): string {
  const separator = delimiter ? `delimiter: ${tsString(delimiter)}, ` : '';
  return `/**
 * An MLP regression on a CSV file: numeric feature columns, one numeric target column (${label}).
 * Written by Training Lens: New Training Job (template csv-regression), following the guideline tables' default
 * configuration (Hands-On ML ch.11): He initialization with ReLU, Nadam, early stopping; a linear output unit and
 * the mean squared error, as the chapter's regression MLP. The validation set is a shuffled split.
 */
import * as tf from '@tensorflow/tfjs';
import { loadCsv, trainValSplit, nadam, earlyStopping } from 'training-lens';

// relative paths resolve against this file's folder
const data = await loadCsv(${tsString(data)}, { label: ${tsString(label)}, ${separator}labelType: 'number' });
const { xTrain, yTrain, xVal, yVal } = trainValSplit(data.x, data.y, { fraction: 0.2, shuffle: true, stratify: false, seed: 42 });

// standardize the features and the target with the training set's statistics (the model predicts the scaled target)
const { mean, variance } = tf.moments(xTrain, 0);
const spread = variance.sqrt().add(1e-7);
const standardize = (x: tf.Tensor2D) => x.sub(mean).div(spread);
const target = tf.moments(yTrain);
const targetSpread = target.variance.sqrt().add(1e-7);
const scaleTarget = (y: tf.Tensor1D) => y.sub(target.mean).div(targetSpread).reshape([-1, 1]);

const model = tf.sequential({
  layers: [
    tf.layers.dense({ inputShape: [data.featureNames.length], units: 64, activation: 'relu', kernelInitializer: 'heNormal' }),
    tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: 'heNormal' }),
    tf.layers.dense({ units: 1 }),
  ],
});
model.compile({ optimizer: nadam(1e-3), loss: 'meanSquaredError', metrics: ['mae'] });

await model.fit(standardize(xTrain), scaleTarget(yTrain), {
  epochs: 60,
  batchSize: 32,
  validationData: [standardize(xVal), scaleTarget(yVal)],
  callbacks: [earlyStopping({ monitor: 'val_loss', patience: 8, restoreBestWeights: true })],
});

// the validation error in the target's own unit
const predicted = (model.predict(standardize(xVal)) as tf.Tensor).reshape([-1]).mul(targetSpread).add(target.mean);
const mae = tf.metrics.meanAbsoluteError(yVal, predicted).dataSync()[0];
console.log(\`validation mean absolute error: \${mae.toFixed(3)} (${label.replace(/[`$\\]/g, '')})\`);
`;
}
