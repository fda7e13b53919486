/**
 * The example CNN (examples/models/mnist-cnn.ts) trained on real MNIST digits for the same steps from the same seed
 * on wasm (with Training Lens's gradient kernels) and on cpu (tfjs' reference kernels) ends at the same place:
 * validation accuracy within 2 points and losses within 2 % (float32 sums in another order drift a little over the
 * steps; a wrong gradient kernel drifts far more). Training on wasm must not move to cpu: no kernel is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/runner/backend';
import { loadMnist } from '../../examples/data/mnist';
import { mnistCnn, asImages } from '../../examples/models/mnist-cnn';

async function train(backend: 'wasm' | 'cpu') {
  const choice = await selectBackend({ preference: backend });
  assert.equal(choice.name, backend, `the ${backend} backend must load`);
  await tf.setBackend(backend);
  const { train: tr, test: te } = loadMnist(32, 20); // 320 training digits = 10 steps of 32, 200 validation
  const model = mnistCnn(7);
  const history = await model.fit(asImages(tr.xs), tr.ys, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
  assert.equal(tf.getBackend(), backend, `training moved from ${backend} to ${tf.getBackend()}`);
  const [loss, acc] = model.evaluate(asImages(te.xs), te.ys) as tf.Scalar[];
  const out = { losses: history.history.loss as number[], valLoss: loss.dataSync()[0], valAcc: acc.dataSync()[0] };
  model.dispose();
  return out;
}

test('the example CNN trains on wasm to the same accuracy as on cpu (same seed, 10 steps)', async () => {
  const wasm = await train('wasm');
  const cpu = await train('cpu');
  assert.ok(cpu.valAcc > 0.3, `the reference run learned (cpu validation accuracy ${cpu.valAcc})`);
  console.log(
    `wasm: val acc ${wasm.valAcc.toFixed(4)} loss ${wasm.valLoss.toFixed(4)}; cpu: val acc ${cpu.valAcc.toFixed(4)} loss ${cpu.valLoss.toFixed(4)}`,
  );
  assert.ok(Math.abs(wasm.valAcc - cpu.valAcc) <= 0.02, `validation accuracy: wasm ${wasm.valAcc}, cpu ${cpu.valAcc}`);
  assert.ok(
    Math.abs(wasm.valLoss - cpu.valLoss) <= 0.02 * cpu.valLoss,
    `validation loss: wasm ${wasm.valLoss}, cpu ${cpu.valLoss}`,
  );
  wasm.losses.forEach((l, i) =>
    assert.ok(
      Math.abs(l - cpu.losses[i]) <= 0.02 * cpu.losses[i],
      `epoch ${i + 1} loss: wasm ${l}, cpu ${cpu.losses[i]}`,
    ),
  );
});
