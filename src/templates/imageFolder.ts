/** The image-folder template: a small CNN on a folder of images, one sub-folder per class. */
import { tsString } from './quote';

export function imageFolderJob(data: string): string {
  return `/**
 * A small CNN on a folder of images, one sub-folder per class (its name is the class).
 * Written by Training Lens: New Training Job (template image-folder), following the guideline tables' default
 * configuration (Hands-On ML ch.11): He initialization with ReLU, Nadam, early stopping. The validation set is a
 * shuffled, stratified split.
 */
import * as tf from '@tensorflow/tfjs';
import { loadImageFolder, trainValSplit, nadam, earlyStopping } from 'training-lens';

// relative paths resolve against this file's folder; every image is resized to 32×32, one grey channel
const data = await loadImageFolder(${tsString(data)}, { size: [32, 32], grayscale: true });
const { classes } = data;
const { xTrain, yTrain, xVal, yVal } = trainValSplit(data.x, data.y, { fraction: 0.2, shuffle: true, stratify: true, seed: 42 });
const oneHot = (y: tf.Tensor1D) => tf.oneHot(y.toInt(), classes.length);

const model = tf.sequential({
  layers: [
    tf.layers.conv2d({ inputShape: [32, 32, 1], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: 'heNormal' }),
    tf.layers.dropout({ rate: 0.3 }),
    tf.layers.dense({ units: classes.length, activation: 'softmax' }),
  ],
});
model.compile({ optimizer: nadam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

await model.fit(xTrain, oneHot(yTrain), {
  epochs: 30,
  batchSize: 32,
  validationData: [xVal, oneHot(yVal)],
  callbacks: [earlyStopping({ monitor: 'val_loss', patience: 5, restoreBestWeights: true })],
});
`;
}
