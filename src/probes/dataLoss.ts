/**
 * The loss tested on itself at fit start: the model's compiled loss function (tfjs-layers keeps it in
 * `model.lossFunctions`, called by fit as fn(yTrue, yPred)) is evaluated on a few real labels against a perfect
 * prediction and a uniform one. A sound loss is about 0 on the perfect prediction, whatever it is called; a loss that
 * applies softmax or sigmoid again (it expects logits), or that does not fit the labels, stays far from 0. Only for a
 * softmax or sigmoid output whose labels are a valid target for it. Inside tf.tidy: no weight read or written, no
 * random number drawn, nothing fit computes changes.
 */
import type { DataCheckEvent } from '../protocol';
import type { LayersModel, Tensor, Tf } from '../tf/types';
import { effectiveOutputActivation } from '../detectors/outputs';
import type { Rows } from './dataTap';
import { rowSize } from './dataRows';

type LossCheck = NonNullable<DataCheckEvent['lossCheck']>;
type Labels = DataCheckEvent['labels'];

/** samples fed to the loss (enough for a mean, few enough to cost nothing) */
export const LOSS_CHECK_SAMPLES = 64;
/**
 * How far the "perfect" prediction stays from the labels: an unclipped -sum(y * log(p)) gives 0 * log(0) = NaN on an
 * exact one-hot row, though it is a correct cross-entropy. Its cost on the floor: about this much.
 */
const PERFECT_MARGIN = 1e-6;

/** The output activation as it takes effect, read from the model's layers (as fit-start's layer summary does). */
export function modelOutputActivation(model: LayersModel): string | undefined {
  const layers = model.layers
    .filter(l => l.getClassName() !== 'InputLayer')
    .map(l => {
      const a = (l.getConfig() as { activation?: unknown }).activation;
      return {
        name: l.name,
        className: l.getClassName(),
        activation: typeof a === 'string' ? a : undefined,
        params: 0,
      };
    });
  return effectiveOutputActivation(layers);
}

/** The compiled loss functions (a tf.Sequential keeps them on the LayersModel it wraps). */
export function lossFunctionsOf(model: LayersModel): LayersModel['lossFunctions'] | undefined {
  return model.lossFunctions ?? (model as unknown as { model?: LayersModel }).model?.lossFunctions;
}

/** What to test: labels as yTrue and the prediction a perfect model would make, or undefined when not applicable. */
interface Plan {
  check: Omit<LossCheck, 'perfect' | 'uniform'>;
  yTrue: number[];
  yTrueShape: number[];
  /** perfect prediction, [samples, units] */
  perfect: Float32Array;
}

function plan(model: LayersModel, labels: Labels, y: Rows | undefined): Plan | undefined {
  const out = model.outputs;
  if (!labels || !y || y.rows === 0 || out.length !== 1 || lossFunctionsOf(model)?.length !== 1) return undefined;
  const shape = out[0].shape;
  const units = shape[shape.length - 1];
  if (shape.length !== 2 || typeof units !== 'number' || units < 1) return undefined;
  const activation = modelOutputActivation(model);
  if (activation !== 'softmax' && activation !== 'sigmoid') return undefined;
  const width = rowSize(y);
  if (y.rowShape.length > 1) return undefined;
  const n = Math.min(y.rows, LOSS_CHECK_SAMPLES);
  const values = y.values.subarray(0, n * width);
  const yTrueShape = [n, width];
  const perfect = new Float32Array(n * units);
  const { encoding } = labels;
  let kind: LossCheck['labels'];
  if (activation === 'softmax') {
    if (units < 2) return undefined; // a softmax over one unit: the data check says so by name
    if (encoding === 'one-hot' && width === units) {
      kind = 'one-hot';
      for (let i = 0; i < perfect.length; i++) perfect[i] = values[i] * (1 - PERFECT_MARGIN) + PERFECT_MARGIN / units;
    } else if (width === 1 && (encoding === 'sparse' || encoding === 'binary') && (labels.max ?? units) < units) {
      kind = 'indices';
      perfect.fill(PERFECT_MARGIN / units);
      for (let i = 0; i < n; i++) perfect[i * units + values[i]] += 1 - PERFECT_MARGIN;
    } else return undefined;
  } else {
    if (!['binary', 'multi-hot', 'one-hot'].includes(encoding) || width !== units) return undefined;
    kind = 'binary';
    for (let i = 0; i < perfect.length; i++) perfect[i] = values[i] * (1 - PERFECT_MARGIN) + PERFECT_MARGIN / 2;
  }
  return {
    check: { activation, labels: kind, samples: n, units },
    yTrue: Array.from(values),
    yTrueShape,
    perfect,
  };
}

/**
 * The two mean losses as one [2] tensor (perfect, uniform) with what they measured, or undefined when the check does
 * not apply. Throws what the loss function throws. The caller reads the tensor back and disposes it.
 */
export function lossSelfTest(
  tf: Tf,
  model: LayersModel,
  labels: Labels,
  y: Rows | undefined,
): { check: Omit<LossCheck, 'perfect' | 'uniform'>; values: Tensor } | undefined {
  const p = plan(model, labels, y);
  if (!p) return undefined;
  const { samples, units, activation } = p.check;
  const fn = lossFunctionsOf(model)![0];
  const values = tf.tidy(() => {
    const yTrue = tf.tensor(p.yTrue, p.yTrueShape, 'float32');
    const perfect = tf.tensor2d(p.perfect, [samples, units]);
    const uniform = tf.fill([samples, units], activation === 'softmax' ? 1 / units : 0.5);
    return tf.stack([tf.mean(fn(yTrue, perfect)), tf.mean(fn(yTrue, uniform))]);
  });
  return { check: p.check, values };
}

/** The measurement for the data-check event (non-finite losses as null, as JSON has no NaN). */
export function lossCheckOf(check: Omit<LossCheck, 'perfect' | 'uniform'>, v: ArrayLike<number>): LossCheck {
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  return { ...check, perfect: finite(v[0]), uniform: finite(v[1]) };
}
