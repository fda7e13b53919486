/**
 * The bench's fast synthetic job, trained in this process with real tfjs (cpu) so a sweep of hundreds of epochs takes
 * seconds: linear regression by SGD on ill-conditioned features (scales 8 down to 0.25). Learning rates above ~1/64
 * diverge (the loss turns non-finite); below, the higher the rate the lower the validation loss after E epochs, so
 * about half of logUniform(1e-4, 1) diverges and the best trials sit just under the edge. Deterministic: the same
 * hyper-parameters give the same curve.
 */
import * as tf from '@tensorflow/tfjs';
import type { RunHandle } from '../src/runner/launch';
import type { RunEndEvent, RunEvent } from '../src/protocol';
import type { TrialLaunch, TrialLauncher } from '../src/sweep/sweep';
import { seededRandom } from '../src/sweep/sample';

export const SYNTHETIC_JOB = `import { hparams, choice, logUniform } from 'training-lens';
export const hp = hparams({ lr: 1e-3, batchSize: 32 }, { lr: logUniform(1e-4, 1), batchSize: choice(16, 32) });
`;

const FEATURES = 8;

function dataset(n: number, seed: number): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  const rand = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const scales = Array.from({ length: FEATURES }, (_, j) => 8 * (0.25 / 8) ** (j / (FEATURES - 1)));
  const w = Array.from({ length: FEATURES }, (_, j) => 1 - 0.2 * j);
  const x: number[] = [],
    y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = scales.map(s => s * gauss());
    x.push(...row);
    y.push(row.reduce((a, v, j) => a + v * w[j], 0) + 0.1 * gauss());
  }
  return { xs: tf.tensor2d(x, [n, FEATURES]), ys: tf.tensor2d(y, [n, 1]) };
}

let data: { train: ReturnType<typeof dataset>; val: ReturnType<typeof dataset> } | undefined;

/** Trials as in-process trainings that report epoch events like a run (and stop when told, between epochs). */
export function inProcessLauncher(): TrialLauncher {
  data ??= { train: dataset(256, 1), val: dataset(128, 2) };
  const d = data;
  let count = 0;
  return (t: TrialLaunch): RunHandle => {
    const runId = `bench-${t.sweep.id}-${count++}`;
    const listeners: Array<(e: RunEvent) => void> = [];
    let stopRequested = false,
      seq = 0;
    const started = Date.now();
    const emit = (e: RunEvent) => {
      for (const l of listeners) l(e);
    };
    const train = async (): Promise<RunEndEvent> => {
      await new Promise(r => setImmediate(r)); // the caller registers its listeners first, as with a child process
      const model = tf.sequential({
        layers: [tf.layers.dense({ inputShape: [FEATURES], units: 1, kernelInitializer: 'zeros' })],
      });
      model.compile({ optimizer: tf.train.sgd(t.hparams.lr as number), loss: 'meanSquaredError' });
      let step = 0;
      for (let epoch = 0; epoch < t.epochs && !stopRequested; epoch++) {
        const h = await model.fit(d.train.xs, d.train.ys, {
          epochs: 1,
          batchSize: t.hparams.batchSize as number,
          shuffle: false,
          validationData: [d.val.xs, d.val.ys],
          verbose: 0,
        });
        step += Math.ceil(256 / (t.hparams.batchSize as number));
        const finite = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
        emit({
          kind: 'epoch',
          runId,
          seq: seq++,
          t: Date.now() - started,
          epoch,
          step,
          logs: { loss: finite(h.history.loss[0]), val_loss: finite(h.history.val_loss[0]) },
        });
        await new Promise(r => setImmediate(r));
      }
      model.dispose();
      const end: RunEndEvent = {
        kind: 'run-end',
        runId,
        seq: seq++,
        t: Date.now() - started,
        status: stopRequested ? 'cancelled' : 'ok',
        steps: step,
        durationMs: Date.now() - started,
      };
      emit(end);
      return end;
    };
    const done = train();
    return {
      runId,
      runDir: '',
      logFile: '',
      jobFile: '',
      onEvent: l => {
        listeners.push(l);
      },
      onProblem: () => {},
      stop: () => {
        stopRequested = true;
      },
      done,
    };
  };
}
