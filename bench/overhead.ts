/**
 * `npm run bench [-- --backend wasm|cpu --rounds 7 --samples 1600]`: the cost of Training Lens's default probes.
 * examples/fashion-mlp's model and data (real Fashion-MNIST), plain `fit` vs instrumented `fit` on the same
 * backend, interleaved round by round (the machine's load drifts), median ms/step of each and their ratio.
 * Target: ratio <= 1.10 on wasm.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendPreference } from '../src/runner/backend';
import { Instrumentation, DEFAULT_PROBES } from '../src/runner/instrument';
import { loadFashionMnist } from '../examples/data/fashion';
import { median } from './stats';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function buildModel(seed: number): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [784],
        units: 300,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      }),
      tf.layers.dense({
        units: 100,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
      }),
      tf.layers.dense({
        units: 10,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }),
      }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

async function main(): Promise<void> {
  const backend = arg('backend', 'wasm') as BackendPreference;
  const rounds = Number(arg('rounds', '7'));
  const samples = Number(arg('samples', '1600'));
  const batchSize = 32;
  const choice = await selectBackend({ preference: backend });
  if (choice.tf.engine() !== tf.engine()) throw new Error("bench expects the runner's own tfjs instance");
  const { train } = loadFashionMnist(Math.ceil(samples / 10), 1);
  const xs = train.xs.slice(0, samples),
    ys = train.ys.slice(0, samples);
  const steps = Math.ceil(samples / batchSize);
  const plainModel = buildModel(1),
    probedModel = buildModel(1);
  let emitted = 0;
  const inst = new Instrumentation(tf, {
    emit: () => {
      emitted++;
    },
    probes: DEFAULT_PROBES,
  });

  const timeFit = async (model: tf.Sequential, instrumented: boolean) => {
    if (instrumented) inst.install();
    const t0 = performance.now();
    await model.fit(xs, ys, { epochs: 1, batchSize, shuffle: false });
    const ms = (performance.now() - t0) / steps;
    if (instrumented) inst.uninstall();
    return ms;
  };

  console.log(
    `Training Lens probe overhead — examples/fashion-mlp (784-300-100-10, SGD, batch ${batchSize}), backend ${choice.name}`,
  );
  console.log(
    `${steps} steps per measurement, ${rounds} interleaved rounds after 1 warm-up round; default probes: ` +
      `gradient norms every step, dead ReLU window ${DEFAULT_PROBES.deadReluWindow}, gradient histograms every ${DEFAULT_PROBES.histogramEvery} steps`,
  );
  await timeFit(plainModel, false);
  await timeFit(probedModel, true); // warm-up: kernels, optimizer state
  const plain: number[] = [],
    probed: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // alternate which goes first so drift does not favour one side
    if (r % 2 === 0) {
      plain.push(await timeFit(plainModel, false));
      probed.push(await timeFit(probedModel, true));
    } else {
      probed.push(await timeFit(probedModel, true));
      plain.push(await timeFit(plainModel, false));
    }
    console.log(
      `  round ${r + 1}: plain ${plain.at(-1)!.toFixed(2)} ms/step, instrumented ${probed.at(-1)!.toFixed(2)} ms/step`,
    );
  }
  const mp = median(plain),
    mi = median(probed);
  console.log(`median plain fit:        ${mp.toFixed(2)} ms/step`);
  console.log(`median instrumented fit: ${mi.toFixed(2)} ms/step`);
  console.log(`overhead ratio:          ${(mi / mp).toFixed(3)} (target <= 1.10 on wasm)`);
  console.log(`events emitted by the probes: ${emitted}`);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
