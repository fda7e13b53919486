/**
 * Overfitting against the training loss at the same weights (src/probes/endLoss.ts): the validation loss is read at
 * an epoch's end weights, the logged training loss is an average over the epoch. A validation loss that jumps with
 * the training loss at those weights is an epoch that ended somewhere worse (the optimizer), not overfitting; its
 * spikes are then the learning rate's, not the validation set's.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Run, MLP, codes, assertComplete } from './diagnosisRun';

/** per-epoch logs: the averaged training loss falls smoothly, the accuracies leave a gap (0.15: past 0.1 and 2 standard errors) */
const logs = (val: number[], acc = 0.85, valAcc = 0.7) =>
  val.map((v, i) => ({ loss: 0.6 - 0.03 * i, val_loss: v, acc, val_acc: valAcc }));

describe('overfitting needs the validation loss to rise on its own, not with the training loss at the same weights', () => {
  // the demo's shape (SGD 0.05, batches of 32): the validation loss jumps 0.55 -> 0.72 -> 0.79 and comes back
  const val = [1.52, 1.07, 0.63, 0.553, 0.721, 0.791, 0.597, 0.71];
  test('without the end-of-epoch training loss the jump reads as overfitting', () => {
    const f = new Run(MLP, { validationSamples: 1000, epochs: 10 }).epochs(logs(val.slice(0, 6))).diagnose();
    assert.deepEqual(codes(f), ['overfitting']);
  });
  test('when the training loss at the same weights jumped with it, it is not', () => {
    const ends = val.map(v => v - 0.04);
    const f = new Run(MLP, { validationSamples: 1000, epochs: 10 }).epochs(logs(val), ends).diagnose();
    assert.ok(!codes(f).includes('overfitting'), `not overfitting: [${codes(f).join(', ')}]`);
  });
  test('a rise while the training loss at the same weights keeps falling is overfitting, and says so', () => {
    const rise = [1.52, 1.07, 0.63, 0.553, 0.721, 0.791];
    const ends = [1.4, 0.9, 0.55, 0.45, 0.38, 0.3];
    const f = new Run(MLP, { validationSamples: 1000, epochs: 10 }).epochs(logs(rise), ends).diagnose();
    assert.deepEqual(codes(f), ['overfitting']);
    assertComplete(f[0]);
    assert.deepEqual([f[0].evidence.endLossAtBest, f[0].evidence.endLoss], [0.45, 0.3]);
    assert.match(f[0].message, /at the weights the validation loss was read at, the training loss went 0\.45 → 0\.3/);
  });
  test('...judged by how much the gap grew: a rise the training loss shares in part must still pass the threshold alone', () => {
    // validation +0.05 (9%), training at the same weights +0.03: the validation loss's own rise is 0.02 (4% < 5%)
    const part = [1.2, 0.8, 0.55, 0.6, 0.6];
    const ends = [1.1, 0.7, 0.45, 0.48, 0.48];
    assert.deepEqual(new Run(MLP, { epochs: 10 }).epochs(logs(part), ends).diagnose(), []);
    const alone = [0.45, 0.4, 0.38, 0.36, 0.34];
    assert.deepEqual(codes(new Run(MLP, { epochs: 10 }).epochs(logs(part), alone).diagnose()), ['overfitting']);
  });
});

test('a noisy curve whose raw validation loss just reached a new best is not overfitting, whatever its running median says', () => {
  // run 4 of the demo: spikes at epochs 4 and 7, a new best 0.476 at epoch 8, then 0.73: the median had risen 13%
  const val = [0.905, 0.718, 0.645, 0.723, 0.642, 0.674, 0.792, 0.476, 0.73, 0.491];
  const f = new Run(MLP, { validationSamples: 1000, epochs: 10 }).epochs(logs(val)).diagnose();
  assert.deepEqual(codes(f), ['noisy-validation']);
});

describe('noisy validation: the training loss at the same weights names what moved', () => {
  const val = [1.0, 0.8, 0.95, 0.7, 0.85, 0.6, 0.62];
  test('spikes shared with it: the optimizer (here the learning rate), even on a small validation set', () => {
    const ends = val.map(v => v - 0.1);
    const f = new Run(MLP, { validationSamples: 100 }).epochs(logs(val, 0.7, 0.7), ends).diagnose();
    assert.deepEqual(codes(f), ['noisy-validation']);
    assert.deepEqual([f[0].evidence.cause, f[0].evidence.sharedSpikes], ['learning-rate', 2]);
    assert.match(f[0].message, /the training loss spiked with it in 2 of 2/);
  });
  test('spikes it did not share: the validation set, even a large one', () => {
    const ends = [0.9, 0.7, 0.6, 0.55, 0.5, 0.45, 0.42];
    const f = new Run(MLP, { validationSamples: 5000 }).epochs(logs(val, 0.7, 0.7), ends).diagnose();
    assert.deepEqual([f[0].evidence.cause, f[0].evidence.sharedSpikes], ['validation-set', 0]);
    assert.match(f[0].message, /moves alone/);
    assert.match(f[0].advice![0], /Validate on more samples than 5000/);
  });
});

test('a rise while the training loss at the same weights got worse too is not overfitting, even when the validation loss rose more', () => {
  // an SGD run on real digits: the validation loss rose 27% in 3 epochs, the training loss at the same weights 8%
  // (the epoch-mean training loss still fell): the weights fit the training data worse, so this is no overfitting
  const val = [0.62, 0.48, 0.42, 0.39, 0.381, 0.41, 0.45, 0.483];
  const rising = [0.4, 0.32, 0.29, 0.275, 0.269, 0.275, 0.28, 0.29];
  const f = new Run(MLP, { validationSamples: 1000, epochs: 10 }).epochs(logs(val), rising).diagnose();
  assert.ok(!codes(f).includes('overfitting'), `not overfitting: [${codes(f).join(', ')}]`);
  // the same validation curve while the training loss at those weights keeps falling is
  const falling = [0.4, 0.32, 0.29, 0.275, 0.269, 0.25, 0.23, 0.21];
  const g = new Run(MLP, { validationSamples: 1000, epochs: 10 }).epochs(logs(val), falling).diagnose();
  assert.deepEqual(codes(g), ['overfitting']);
});
