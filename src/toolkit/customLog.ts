/**
 * Custom series from a job: `log(name, value, step?)` and `logHistogram(name, tensor, step?)`, TensorBoard's
 * `tf.summary.scalar` / `tf.summary.histogram` for Training Lens. The runner records them in the run
 * (`custom-scalar` and `custom-histogram` events), the dashboard charts them under "Custom", export includes them.
 * Without a step they take the run's current training step (the last batch `fit` finished, 0 before any). Outside
 * Training Lens (no recorder) they check their arguments and record nothing, so the job still runs anywhere.
 */
import type { Tf, Tensor } from '../tf/types';
import { CUSTOM_NAME_MAX, hasControlChars } from '../protocol/customEvents';

/** What the runner gives the toolkit to record custom series with. */
export interface CustomRecorder {
  scalar(name: string, value: number, step: number | undefined): void;
  histogram(name: string, values: ArrayLike<number>, step: number | undefined): void;
}

function checkName(who: string, name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > CUSTOM_NAME_MAX || hasControlChars(name))
    throw new Error(
      `training-lens ${who}: name must be a non-empty string of at most ${CUSTOM_NAME_MAX} printable characters (got ${JSON.stringify(name)})`,
    );
  return name;
}

function checkStep(who: string, step: unknown): number | undefined {
  if (step === undefined) return undefined;
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0)
    throw new Error(`training-lens ${who}: step must be an integer >= 0 (got ${JSON.stringify(step)})`);
  return step;
}

export function createCustomLog(tf: Tf, recorder: CustomRecorder | undefined) {
  const isTensor = (v: unknown): v is Tensor => v instanceof tf.Tensor;
  return {
    /** Records one value of the series `name` (a chart under "Custom"); NaN/Infinity are counted as non-finite. */
    log(name: string, value: number | Tensor, step?: number): void {
      checkName('log', name);
      const s = checkStep('log', step);
      let v: number;
      if (typeof value === 'number') v = value;
      else if (isTensor(value) && value.size === 1) v = value.dataSync()[0];
      else
        throw new Error(
          `training-lens log: value must be a number or a one-element tensor (got ${isTensor(value) ? `a tensor of shape [${value.shape.join(', ')}]` : JSON.stringify(value)})`,
        );
      recorder?.scalar(name, v, s);
    },
    /** Records the distribution of a tensor's (or an array's) values as a histogram of the series `name`. */
    logHistogram(name: string, values: Tensor | ArrayLike<number>, step?: number): void {
      checkName('logHistogram', name);
      const s = checkStep('logHistogram', step);
      let data: ArrayLike<number>;
      if (isTensor(values)) data = values.dataSync() as ArrayLike<number>;
      else if (Array.isArray(values) || ArrayBuffer.isView(values)) data = values as ArrayLike<number>;
      else
        throw new Error(
          `training-lens logHistogram: values must be a tensor or an array of numbers (got ${typeof values})`,
        );
      if (data.length === 0) throw new Error(`training-lens logHistogram: '${name}' has no values`);
      recorder?.histogram(name, data, s);
    },
  };
}
