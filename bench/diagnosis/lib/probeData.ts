/**
 * `node --import tsx bench/diagnosis/lib/probeData.ts <job> <out.json>`: the data a job trains on, measured from the
 * data itself and independently of the detectors. The job is bundled as the runner would, but runs on a plain cpu
 * tfjs whose `fit`/`fitDataset` record the arrays, the split and the compiled loss, then stop the process before any
 * training step. What is measured: `DataFacts` (lib/dataFacts.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { bundleJob, TF_GLOBAL_KEY } from '../../../src/runner/bundle';
import { dataFacts, type Captured } from './dataFacts';

const [job, out] = process.argv.slice(2);
if (!job || !out) throw new Error('usage: probeData.ts <job file> <out.json>');

const arrays = (t: tf.Tensor | tf.Tensor[] | Record<string, tf.Tensor>): number[][][] => {
  const list = t instanceof tf.Tensor ? [t] : Array.isArray(t) ? t : Object.values(t);
  return list.map(x => (x.reshape([x.shape[0], -1]) as tf.Tensor2D).arraySync());
};

function lossName(model: tf.LayersModel): string {
  const loss = (model as unknown as { loss: unknown }).loss;
  const one = Array.isArray(loss) ? loss[0] : loss;
  return typeof one === 'string'
    ? one
    : typeof one === 'function'
      ? `custom:${(one as { name?: string }).name ?? ''}`
      : String(one);
}

/**
 * The output's activation as it takes effect: activation layers at the end (Softmax, Activation) count, and one
 * applied twice is named twice ('softmax+softmax'). Units: the output's last dimension.
 */
function outputOf(model: tf.LayersModel): { activation: string; units: number } {
  const acts: string[] = [];
  for (const layer of [...model.layers].reverse()) {
    const cls = layer.getClassName();
    const cfg = layer.getConfig() as { activation?: string };
    if (cls === 'Softmax') acts.push('softmax');
    else if (cls === 'Activation') acts.push(cfg.activation ?? 'linear');
    else if (cls !== 'Dropout') {
      acts.push(cfg.activation ?? 'linear');
      break;
    }
  }
  const applied = acts.filter(a => a !== 'linear');
  const shape = model.outputs[0].shape;
  return { activation: applied.reverse().join('+') || 'linear', units: Number(shape[shape.length - 1]) };
}

let tmpDir: string | undefined;

function finish(c: Captured): never {
  fs.writeFileSync(out, JSON.stringify(dataFacts(c)));
  if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  process.exit(0);
}

async function collect(ds: tf.data.Dataset<tf.TensorContainer>): Promise<{ x: number[][][]; y: number[][][] }> {
  const x: number[][][] = [],
    y: number[][][] = [];
  await ds.forEachAsync(b => {
    const { xs, ys } = b as { xs: tf.Tensor; ys: tf.Tensor };
    const bx = arrays(xs),
      by = arrays(ys);
    bx.forEach((a, i) => (x[i] ??= []).push(...a));
    by.forEach((a, i) => (y[i] ??= []).push(...a));
  });
  return { x, y };
}

const proto = tf.LayersModel.prototype as unknown as Record<string, unknown>;
proto.fit = async function (
  this: tf.LayersModel,
  x: tf.Tensor | tf.Tensor[],
  y: tf.Tensor | tf.Tensor[],
  args: tf.ModelFitArgs = {},
) {
  const xs = arrays(x),
    ys = arrays(y);
  let train = { x: xs, y: ys },
    val: Captured['val'];
  if (args.validationData) {
    const [vx, vy] = args.validationData as [tf.Tensor, tf.Tensor];
    val = { x: arrays(vx), y: arrays(vy) };
  } else if (args.validationSplit) {
    // tfjs (like Keras) takes the LAST fraction, before shuffling
    const at = Math.floor(xs[0].length * (1 - args.validationSplit));
    val = { x: xs.map(a => a.slice(at)), y: ys.map(a => a.slice(at)) };
    train = { x: xs.map(a => a.slice(0, at)), y: ys.map(a => a.slice(0, at)) };
  }
  finish({ loss: lossName(this), output: outputOf(this), train, val, method: 'fit' });
};
proto.fitDataset = async function (
  this: tf.LayersModel,
  ds: tf.data.Dataset<tf.TensorContainer>,
  args: tf.ModelFitDatasetArgs<tf.TensorContainer>,
) {
  const train = await collect(ds);
  const v = args.validationData;
  const val = v
    ? Array.isArray(v)
      ? { x: arrays(v[0] as tf.Tensor), y: arrays(v[1] as tf.Tensor) }
      : await collect(v as tf.data.Dataset<tf.TensorContainer>)
    : undefined;
  finish({ loss: lossName(this), output: outputOf(this), train, val, method: 'fitDataset' });
};

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  (globalThis as Record<string, unknown>)[TF_GLOBAL_KEY] = tf;
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-probe-'));
  const bundle = path.join(tmpDir, 'job.mjs');
  await bundleJob({
    jobFile: path.resolve(job),
    outFile: bundle,
    tfExportNames: Object.keys(tf),
    toolkitExportNames: [],
  });
  try {
    await import(pathToFileURL(bundle).href);
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
  throw new Error(`${job}: finished without calling fit or fitDataset`);
}

main().catch(e => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
