/**
 * The toolkit's early stopping and checkpoint callbacks on real tfjs training (cpu backend).
 *
 * The fits use validation data that disagrees with the training data (train y = x, validate y = x/2): training pulls
 * the weights from 0 towards y = x, so the validation loss falls until the model passes y = x/2 and rises after —
 * overfitting with a known shape, so there is a best epoch that is not the last.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createCallbacks, readCheckpointInfo } from '../../src/toolkit/callbacks';
import { tempDir } from './helpers';

before(async () => {
  await tf.setBackend('cpu');
});

const xTrain = tf.tensor2d([
  [0.2, 1],
  [0.4, -0.5],
  [0.6, 0.3],
  [0.8, -1],
  [1, 0.7],
  [-0.3, 0.2],
]);
const yTrain = tf.tensor2d([[0.2], [0.4], [0.6], [0.8], [1], [-0.3]]);
const xVal = tf.tensor2d([
  [0.3, -0.2],
  [0.5, 0.6],
  [0.9, 0.1],
  [-0.6, -0.4],
]);
const yVal = tf.mul(xVal.slice([0, 0], [-1, 1]), 0.5);
const probe = tf.tensor2d([
  [0.1, 0.2],
  [0.7, -0.3],
  [-0.4, 0.9],
]);

function linear(): tf.Sequential {
  const m = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [2], units: 1, useBias: false, kernelInitializer: 'zeros' })],
  });
  m.compile({ optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError' });
  return m;
}

function mlp(): tf.Sequential {
  const m = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [2],
        units: 6,
        activation: 'relu',
        kernelInitializer: tf.initializers.heNormal({ seed: 7 }),
      }),
      tf.layers.batchNormalization(),
      tf.layers.dense({
        units: 1,
        kernelInitializer: tf.initializers.glorotNormal({ seed: 8 }),
        biasInitializer: 'zeros',
      }),
    ],
  });
  m.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
  return m;
}

/** Copies of every weight (trainable or not) and the probe predictions at the end of each epoch. */
class Snapshots extends tf.Callback {
  weights: Float32Array[][] = [];
  predictions: Float32Array[] = [];
  override async onEpochEnd() {
    this.weights.push(this.model.getWeights().map(w => w.dataSync().slice() as Float32Array));
    this.predictions.push(tf.tidy(() => (this.model.predict(probe) as tf.Tensor).dataSync().slice() as Float32Array));
  }
}

const currentWeights = (m: tf.LayersModel) => m.getWeights().map(w => w.dataSync().slice() as Float32Array);
const argmin = (xs: number[]) => xs.reduce((best, v, i) => (v < xs[best] ? i : best), 0);

test('early stopping stops once val_loss has not improved for `patience` epochs and restores the best epoch exactly', async () => {
  const { earlyStopping } = createCallbacks(tf, {});
  const m = mlp();
  const stop = earlyStopping({ patience: 3, verbose: false });
  const snaps = new Snapshots();
  const history = await m.fit(xTrain, yTrain, {
    epochs: 200,
    batchSize: 3,
    shuffle: false,
    validationData: [xVal, yVal],
    callbacks: [stop, snaps],
  });
  const val = history.history.val_loss as number[];
  const best = argmin(val);
  assert.ok(best > 0, `validation loss first improves (best epoch ${best}: ${val.slice(0, best + 1)})`);
  assert.equal(val.length, best + 3 + 1, 'ran exactly `patience` epochs past the best one');
  assert.ok(val.length < 200, 'stopped early');
  assert.equal(stop.bestEpoch, best);
  assert.equal(stop.stoppedEpoch, val.length - 1);
  assert.notDeepEqual(snaps.weights.at(-1), snaps.weights[best], 'the last epoch had different weights');
  assert.deepEqual(
    currentWeights(m),
    snaps.weights[best],
    "final weights (incl. batch-norm moving stats) are the best epoch's, bit for bit",
  );
  const pred = (m.predict(probe) as tf.Tensor).dataSync();
  assert.deepEqual(Float32Array.from(pred), snaps.predictions[best]);
});

test('early stopping keeps no tensors behind; restoreBestWeights: false keeps the last weights', async () => {
  const { earlyStopping } = createCallbacks(tf, {});
  const m = linear();
  await m.fit(xTrain, yTrain, { epochs: 1, batchSize: 3, validationData: [xVal, yVal] });
  const before = tf.memory().numTensors;
  const history = await m.fit(xTrain, yTrain, {
    epochs: 100,
    batchSize: 3,
    shuffle: false,
    validationData: [xVal, yVal],
    callbacks: [earlyStopping({ patience: 2, verbose: false })],
  });
  const val = history.history.val_loss as number[];
  assert.ok(argmin(val) >= 2, `several improvements, each replacing the kept copy (best epoch ${argmin(val)})`);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked (clones of older best weights were disposed)');

  const keep = linear();
  const snaps = new Snapshots();
  const h2 = await keep.fit(xTrain, yTrain, {
    epochs: 100,
    batchSize: 3,
    shuffle: false,
    validationData: [xVal, yVal],
    callbacks: [earlyStopping({ patience: 2, restoreBestWeights: false, verbose: false }), snaps],
  });
  assert.ok((h2.history.val_loss as number[]).length < 100);
  assert.deepEqual(currentWeights(keep), snaps.weights.at(-1));
  assert.notDeepEqual(currentWeights(keep), snaps.weights[argmin(h2.history.val_loss as number[])]);
});

test('early stopping works with fitDataset, minDelta and a maximized metric', async () => {
  const { earlyStopping } = createCallbacks(tf, {});
  const m = linear();
  const data = tf.data.zip({ xs: tf.data.array(xTrain.arraySync()), ys: tf.data.array(yTrain.arraySync()) }).batch(3);
  const valData = tf.data
    .zip({ xs: tf.data.array(xVal.arraySync()), ys: tf.data.array(yVal.arraySync() as number[][]) })
    .batch(4);
  const snaps = new Snapshots();
  const history = await m.fitDataset(data as never, {
    epochs: 100,
    validationData: valData as never,
    callbacks: [earlyStopping({ patience: 2, verbose: false }), snaps],
  });
  const val = history.history.val_loss as number[];
  assert.ok(val.length < 100);
  assert.deepEqual(currentWeights(m), snaps.weights[argmin(val)]);

  // Direct epoch ends on a real model: accuracy is maximized; a gain below minDelta is not an improvement.
  const cb = earlyStopping({ monitor: 'val_acc', patience: 2, minDelta: 0.05, verbose: false });
  const m2 = linear();
  cb.setModel(m2);
  await cb.onTrainBegin();
  for (const [e, acc] of [0.5, 0.7, 0.72, 0.74].entries()) await cb.onEpochEnd(e, { val_acc: acc });
  assert.equal(cb.bestEpoch, 1);
  assert.equal(m2.stopTraining, true, 'two epochs gained less than minDelta');
  await assert.rejects(cb.onEpochEnd(4, { loss: 1 }), /earlyStopping: monitor 'val_acc' is not in the epoch logs/);
});

test('checkpoint saves the best model to <runDir>/checkpoints/best; loadCheckpoint predicts like the best epoch', async () => {
  const runDir = tempDir('tl-ckpt-');
  const { checkpoint, loadCheckpoint } = createCallbacks(tf, { runDir });
  const m = mlp();
  const ckpt = checkpoint();
  const snaps = new Snapshots();
  const history = await m.fit(xTrain, yTrain, {
    epochs: 40,
    batchSize: 3,
    shuffle: false,
    validationData: [xVal, yVal],
    callbacks: [ckpt, snaps],
  });
  const val = history.history.val_loss as number[];
  const best = argmin(val);
  assert.ok(best > 0 && best < val.length - 1, `best epoch ${best} is neither the first nor the last`);

  const dir = path.join(runDir, 'checkpoints', 'best');
  assert.equal(ckpt.path, dir);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['checkpoint.json', 'model.json', 'weights.bin']);
  const info = readCheckpointInfo(dir);
  assert.equal(info.epoch, best);
  assert.equal(info.monitor, 'val_loss');
  assert.equal(info.value, val[best]);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  assert.deepEqual(manifest.weightsManifest[0].paths, ['./weights.bin']);
  const floats = m.getWeights().reduce((n, w) => n + w.size, 0);
  assert.equal(fs.statSync(path.join(dir, 'weights.bin')).size, floats * 4);

  const loaded = await loadCheckpoint();
  const pred = tf.tidy(() => (loaded.predict(probe) as tf.Tensor).dataSync().slice());
  assert.deepEqual(pred, snaps.predictions[best], 'same predictions as the model at the best epoch');
  assert.notDeepEqual(pred, snaps.predictions.at(-1));
  assert.deepEqual(currentWeights(loaded), snaps.weights[best]);
  loaded.dispose();
});

test('checkpoint outside Training Lens: `dir`/best, loss when there is no validation data; clear error for a missing checkpoint', async () => {
  const base = tempDir('tl-ckpt-dir-');
  const { checkpoint, loadCheckpoint } = createCallbacks(tf, {});
  const m = linear();
  const ckpt = checkpoint({ dir: base });
  const snaps = new Snapshots();
  const history = await m.fit(xTrain, yTrain, { epochs: 5, batchSize: 3, shuffle: false, callbacks: [ckpt, snaps] });
  assert.equal(ckpt.path, path.join(base, 'best'));
  const loss = history.history.loss as number[];
  assert.equal(ckpt.saved?.monitor, 'loss');
  assert.equal(ckpt.saved?.epoch, argmin(loss));
  const loaded = await loadCheckpoint(ckpt.path);
  assert.deepEqual(currentWeights(loaded), snaps.weights[argmin(loss)]);
  const missing = path.join(base, 'nothing-here');
  await assert.rejects(
    loadCheckpoint(missing),
    new RegExp(`no checkpoint at ${missing.replace(/[/\\]/g, '.')} \\(model.json not found\\)`),
  );
});

test("monitors in mode 'auto' and the sweep's ranking agree on which way a metric improves", async () => {
  const { resolveMode } = await import('../../src/toolkit/callbacks');
  const { chooseMetric } = await import('../../src/sweep/rank');
  for (const name of [
    'val_loss',
    'loss',
    'val_acc',
    'val_accuracy',
    'val_f1',
    'val_fmeasure',
    'val_auc',
    'val_precision',
    'val_recall',
    'mean_squared_error',
  ]) {
    const sweepUp = chooseMetric([name], name)!.higherIsBetter;
    assert.equal(resolveMode('auto', name), sweepUp ? 'max' : 'min', name);
  }
  assert.equal(resolveMode('auto', 'val_f1'), 'max');
  assert.equal(resolveMode('auto', 'val_error'), 'min');
});
