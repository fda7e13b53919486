/**
 * The fine-tune template: Hands-On ML ch.11's transfer-learning recipe on a folder of images. A base is pretrained on
 * task A (every class), its layers are frozen, a new head learns task B (one class against the rest) from few
 * labels, then the top of the base is unfrozen and fine-tuned with a lower learning rate.
 */
import { tsString } from './quote';

export function fineTuneJob(data: string): string {
  return `/**
 * Transfer learning (Hands-On ML ch.11): reuse a pretrained base for a new task with few labels.
 * Written by Training Lens: New Training Job (template fine-tune). The recipe:
 *   1. pretrain a base on task A (here: classify every class of the folder);
 *   2. freeze the base's layers (trainable = false), add a new head for task B (here: "is it the first class?"),
 *      recompile (freezing takes effect at compile) and train the head on a few labelled images;
 *   3. unfreeze the base's top layer, recompile with a lower learning rate and fine-tune.
 * In your own job, step 1 is usually tf.loadLayersModel() of a model trained on a large data set.
 */
import * as tf from '@tensorflow/tfjs';
import { loadImageFolder, trainValSplit, nadam, earlyStopping } from 'training-lens';

// relative paths resolve against this file's folder; every image is resized to 32×32, one grey channel
const data = await loadImageFolder(${tsString(data)}, { size: [32, 32], grayscale: true });
const { classes } = data;
const { xTrain, yTrain, xVal, yVal } = trainValSplit(data.x, data.y, { fraction: 0.2, shuffle: true, stratify: true, seed: 42 });

// 1. task A: a convolutional base and a softmax over every class
const base = [
  tf.layers.conv2d({ inputShape: [32, 32, 1], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' }),
  tf.layers.maxPooling2d({ poolSize: 2 }),
  tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' }),
  tf.layers.maxPooling2d({ poolSize: 2 }),
  tf.layers.flatten(),
  tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: 'heNormal' }),
];
const modelA = tf.sequential({ layers: [...base, tf.layers.dense({ units: classes.length, activation: 'softmax' })] });
modelA.compile({ optimizer: nadam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await modelA.fit(xTrain, tf.oneHot(yTrain.toInt(), classes.length), {
  epochs: 15,
  batchSize: 32,
  validationData: [xVal, tf.oneHot(yVal.toInt(), classes.length)],
  callbacks: [earlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true })],
});

// 2. task B with few labels: the first fifth of the (shuffled) training set, "is it a <first class>?"
const few = Math.max(16, Math.floor(xTrain.shape[0] / 5));
const xFew = xTrain.slice(0, few);
const isFirst = (y: tf.Tensor1D) => y.equal(0).toFloat().reshape([-1, 1]);
for (const layer of base) layer.trainable = false;
const modelB = tf.sequential({ layers: [...base, tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
modelB.compile({ optimizer: nadam(1e-3), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await modelB.fit(xFew, isFirst(yTrain.slice(0, few)), {
  epochs: 10,
  batchSize: 16,
  validationData: [xVal, isFirst(yVal)],
  callbacks: [earlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true })],
});

// 3. unfreeze the base's top dense layer and fine-tune everything trainable with a 10× lower learning rate
base[base.length - 1].trainable = true;
modelB.compile({ optimizer: nadam(1e-4), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await modelB.fit(xFew, isFirst(yTrain.slice(0, few)), {
  epochs: 10,
  batchSize: 16,
  validationData: [xVal, isFirst(yVal)],
  callbacks: [earlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true })],
});
`;
}
