/** Proof that a native build is usable: it is loaded in a fresh Node process and trains one step on TensorFlow. */
import * as path from 'node:path';
import { NativeSetupError } from './errors';
import { runTool } from './toolchain';

const VERIFY = String.raw`
const tf = require(process.argv[1]);
(async () => {
  if (!(await tf.setBackend('tensorflow'))) throw new Error('setBackend("tensorflow") returned false');
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [8], units: 16, activation: 'relu' }), tf.layers.dense({ units: 2, activation: 'softmax' })] });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  const xs = tf.randomNormal([32, 8]), ys = tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 2), 'int32'), 2);
  await model.fit(xs, ys, { epochs: 1, batchSize: 32, verbose: 0 });
  const t0 = Date.now();
  const h = await model.fit(xs, ys, { epochs: 1, batchSize: 32, verbose: 0 });
  const loss = h.history.loss[0];
  if (!Number.isFinite(loss)) throw new Error('the training step gave a non-finite loss');
  process.stdout.write(JSON.stringify({ backend: tf.getBackend(), ms: Date.now() - t0 }) + '\n');
})().catch(e => { console.error(e && e.message || e); process.exit(1); });
`;

/** Loads the build in a fresh Node process and trains one step on the 'tensorflow' backend; ms of the step. */
export async function verify(dir: string, env: NodeJS.ProcessEnv = process.env, signal?: AbortSignal): Promise<number> {
  const pkg = path.join(dir, 'node_modules', '@tensorflow', 'tfjs-node');
  let out: string;
  try {
    out = await runTool(
      process.execPath,
      ['-e', VERIFY, pkg],
      { env: { ...env, TF_CPP_MIN_LOG_LEVEL: '2', ELECTRON_RUN_AS_NODE: '1' }, signal },
      'verify-failed',
      'Loading the build and training a step',
    );
  } catch (e) {
    const msg = (e as Error).message;
    if (/undefined symbol|wrong ELF class|cannot open shared object|incompatible architecture|GLIBC/.test(msg))
      throw new NativeSetupError(
        'abi-mismatch',
        `The built addon cannot load TensorFlow's library (ABI mismatch): ${msg}`,
      );
    throw e;
  }
  const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { backend?: string; ms?: number };
  if (r.backend !== 'tensorflow')
    throw new NativeSetupError('verify-failed', `The build loaded but trained on '${r.backend}', not 'tensorflow'.`);
  return r.ms ?? 0;
}
