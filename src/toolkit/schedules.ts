/**
 * Learning-rate schedules of the `training-lens` toolkit (Guidelines G5, Hands-On ML ch.11): power, exponential,
 * piecewise constant, performance (reduce on plateau) and 1cycle. Each is a real `tf.Callback` of the tf instance
 * the runner binds; it sets the optimizer's rate before the step it applies to (onBatchBegin, or onEpochBegin for
 * per-epoch schedules), so `optimizer.learningRate` — which the runner logs with every batch — is the rate in effect.
 */
import type { Tf, Optimizer } from '../tf/types';
import { learningRateOf, setOptimizerLearningRate, setOptimizerMomentum, momentumKind } from './optimizerState';
import { MonitorReader, resolveLogs, resolveMode, isImprovement, type MonitorMode } from './callbacks';

export type Per = 'step' | 'epoch';

export interface PowerOptions {
  /** Initial rate; default: the optimizer's rate when training starts. */
  lr0?: number;
  /** Steps (or epochs) after which the rate is lr0 / 2^c. */
  s: number;
  c?: number;
  per?: Per;
}
export interface ExponentialOptions {
  lr0?: number;
  /** the rate drops 10x every s steps (or epochs) */ s: number;
  per?: Per;
}
export interface PiecewiseOptions {
  /** Increasing epoch (or step) indices where the next value starts: [5, 15] with values [0.01, 0.005, 0.001].
   *  Epochs are the index fit reports (it restarts at initialEpoch in every fit call); steps count across fits. */
  boundaries: number[];
  values: number[];
  per?: Per;
}
export interface PerformanceOptions {
  monitor?: string;
  factor?: number;
  patience?: number;
  minLr?: number;
  minDelta?: number;
  mode?: MonitorMode;
  verbose?: boolean;
}
export interface OneCycleOptions {
  maxLr: number;
  /**
   * Total optimizer steps of the cycle; or give epochs and stepsPerEpoch; or neither: the cycle then spans the fit
   * it is passed to (its epochs — after a Training Lens epoch override or a sweep's budget — × its steps per epoch).
   */
  steps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  startLr?: number;
  finalLr?: number;
  /** Share of the steps at the end where the rate falls from startLr to finalLr. */
  annihilationShare?: number;
  /** [high, low]: momentum goes high → low → high while the rate goes up and down; false leaves it alone. */
  momentum?: readonly [number, number] | false;
}
export interface OneCyclePlan {
  steps: number;
  maxLr: number;
  startLr: number;
  finalLr: number;
  /** Steps of the rising half; the falling half is as long; the rest is the annihilation. */
  upSteps: number;
  momentum: readonly [number, number] | null;
}

// ---------------------------------------------------------------------------------------------------------------
// Pure formulas (t = step or epoch index, from 0)

export function powerAt(t: number, o: { lr0: number; s: number; c?: number }): number {
  return o.lr0 / Math.pow(1 + t / o.s, o.c ?? 1);
}

export function exponentialAt(t: number, o: { lr0: number; s: number }): number {
  return o.lr0 * Math.pow(0.1, t / o.s);
}

export function piecewiseAt(t: number, o: { boundaries: readonly number[]; values: readonly number[] }): number {
  const i = o.boundaries.findIndex(b => t < b);
  return o.values[i === -1 ? o.values.length - 1 : i];
}

export function oneCyclePlan(o: OneCycleOptions): OneCyclePlan {
  const who = 'schedules.oneCycle';
  const maxLr = positive(who, 'maxLr', o.maxLr);
  let steps: number;
  if (o.steps != null) steps = positive(who, 'steps', o.steps, true);
  else if (o.epochs != null && o.stepsPerEpoch != null)
    steps = positive(who, 'epochs', o.epochs, true) * positive(who, 'stepsPerEpoch', o.stepsPerEpoch, true);
  else
    throw new Error(
      `training-lens ${who}: give steps, or epochs and stepsPerEpoch (steps per epoch = ceil(samples / batchSize))`,
    );
  if (steps < 2) throw new Error(`training-lens ${who}: the cycle needs at least 2 steps (got ${steps})`);
  const startLr = o.startLr != null ? positive(who, 'startLr', o.startLr) : maxLr / 10;
  const finalLr = o.finalLr != null ? nonNegative(who, 'finalLr', o.finalLr) : startLr / 1000;
  const share = o.annihilationShare ?? 0.1;
  if (typeof share !== 'number' || !(share > 0 && share < 1))
    throw new Error(
      `training-lens ${who}: annihilationShare must be between 0 and 1, exclusive (got ${JSON.stringify(share)})`,
    );
  const annihilation = Math.max(1, Math.round(steps * share));
  const upSteps = Math.floor((steps - annihilation) / 2);
  let momentum: readonly [number, number] | null = null;
  if (o.momentum !== false) {
    const m = o.momentum ?? [0.95, 0.85];
    if (!Array.isArray(m) || m.length !== 2 || !m.every(v => typeof v === 'number' && v >= 0 && v < 1)) {
      throw new Error(
        `training-lens ${who}: momentum must be [high, low] with values in [0, 1), or false (got ${JSON.stringify(m)})`,
      );
    }
    momentum = [m[0], m[1]];
  }
  return { steps, maxLr, startLr, finalLr, upSteps, momentum };
}

/**
 * 1cycle at a step: the rate rises linearly startLr → maxLr over `upSteps`, falls back to startLr over as many
 * steps, then falls to finalLr, reached at the last step (steps - 1) and kept after it. Momentum moves the other
 * way (high → low → high) and stays high during the annihilation.
 */
export function oneCycleAt(step: number, cfg: OneCyclePlan | OneCycleOptions): { lr: number; momentum: number | null } {
  const p = 'upSteps' in cfg ? cfg : oneCyclePlan(cfg);
  const up = p.upSteps;
  const lr = interpolate(step, [
    [0, p.startLr],
    [up, p.maxLr],
    [2 * up, p.startLr],
    [p.steps - 1, p.finalLr],
  ]);
  const momentum = p.momentum
    ? interpolate(step, [
        [0, p.momentum[0]],
        [up, p.momentum[1]],
        [2 * up, p.momentum[0]],
      ])
    : null;
  return { lr, momentum };
}

/** Piecewise-linear through knots [t, value] (t non-decreasing); constant before the first and after the last. */
function interpolate(t: number, knots: ReadonlyArray<readonly [number, number]>): number {
  for (let i = 0; i + 1 < knots.length; i++) {
    const [t0, v0] = knots[i];
    const [t1, v1] = knots[i + 1];
    if (t >= t0 && t < t1) return v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
  }
  return t < knots[0][0] ? knots[0][1] : knots[knots.length - 1][1];
}

/** Optimizer steps of a fit from its callback params: epochs × (steps per epoch, or ceil(samples / batchSize)). */
export function stepsOfFit(params: unknown): number {
  const p = (params ?? {}) as {
    epochs?: number;
    initialEpoch?: number;
    steps?: number | null;
    samples?: number | null;
    batchSize?: number;
  };
  const perEpoch = p.steps ?? (p.samples != null && p.batchSize ? Math.ceil(p.samples / p.batchSize) : undefined);
  const epochs = p.epochs != null ? p.epochs - (p.initialEpoch ?? 0) : undefined;
  if (!perEpoch || !epochs) {
    throw new Error(
      'training-lens schedules.oneCycle: cannot tell how many steps this fit takes (fitDataset without batchesPerEpoch?): give steps, or epochs and stepsPerEpoch',
    );
  }
  return epochs * perEpoch;
}

export function createSchedules(tf: Tf) {
  /** Base: holds the step count (across fits, like Keras's optimizer.iterations) and applies the rate. */
  abstract class LearningRateSchedule extends tf.Callback {
    /** Steps this schedule has seen (across fit calls). */
    step = 0;
    constructor(
      protected readonly per: Per,
      protected lr0?: number,
    ) {
      super();
    }
    protected abstract rateAt(t: number): number;

    protected optimizer(): Optimizer {
      const opt = this.model?.optimizer;
      if (!opt) throw new Error('training-lens schedules: the model has no optimizer (compile it before fit)');
      return opt;
    }
    override async onTrainBegin(): Promise<void> {
      if (this.lr0 == null) this.lr0 = learningRateOf(this.optimizer());
    }
    override async onEpochBegin(epoch: number): Promise<void> {
      if (this.per === 'epoch') setOptimizerLearningRate(this.optimizer(), this.rateAt(epoch));
    }
    override async onBatchBegin(): Promise<void> {
      if (this.per === 'step') this.apply(this.step);
      this.step++;
    }
    protected apply(step: number): void {
      setOptimizerLearningRate(this.optimizer(), this.rateAt(step));
    }
  }

  class PowerSchedule extends LearningRateSchedule {
    private readonly s: number;
    private readonly c: number;
    constructor(o: PowerOptions) {
      super(per('power', o.per, 'step'), o.lr0 == null ? undefined : positive('schedules.power', 'lr0', o.lr0));
      this.s = positive('schedules.power', 's', o?.s);
      this.c = o.c == null ? 1 : positive('schedules.power', 'c', o.c);
    }
    protected rateAt(t: number): number {
      return powerAt(t, { lr0: this.lr0!, s: this.s, c: this.c });
    }
  }

  class ExponentialSchedule extends LearningRateSchedule {
    private readonly s: number;
    constructor(o: ExponentialOptions) {
      super(
        per('exponential', o.per, 'step'),
        o.lr0 == null ? undefined : positive('schedules.exponential', 'lr0', o.lr0),
      );
      this.s = positive('schedules.exponential', 's', o?.s);
    }
    protected rateAt(t: number): number {
      return exponentialAt(t, { lr0: this.lr0!, s: this.s });
    }
  }

  class PiecewiseSchedule extends LearningRateSchedule {
    private readonly boundaries: number[];
    private readonly values: number[];
    constructor(o: PiecewiseOptions) {
      super(per('piecewise', o.per, 'epoch'));
      const who = 'training-lens schedules.piecewise';
      if (!Array.isArray(o?.boundaries) || !Array.isArray(o.values))
        throw new Error(
          `${who}: give boundaries and values arrays, e.g. { boundaries: [5, 15], values: [0.01, 0.005, 0.001] }`,
        );
      if (o.values.length !== o.boundaries.length + 1)
        throw new Error(
          `${who}: values needs one more entry than boundaries (got ${o.values.length} values for ${o.boundaries.length} boundaries)`,
        );
      o.boundaries.forEach((b, i) => {
        if (typeof b !== 'number' || !Number.isFinite(b) || (i > 0 && b <= o.boundaries[i - 1]))
          throw new Error(`${who}: boundaries must be increasing numbers (got ${JSON.stringify(o.boundaries)})`);
      });
      o.values.forEach((v, i) => nonNegative('schedules.piecewise', `values[${i}]`, v));
      this.boundaries = [...o.boundaries];
      this.values = [...o.values];
    }
    override async onTrainBegin(): Promise<void> {
      /* lr0 is values[0] */
    }
    protected rateAt(t: number): number {
      return piecewiseAt(t, { boundaries: this.boundaries, values: this.values });
    }
  }

  class OneCycleSchedule extends LearningRateSchedule {
    /** the cycle; made at the first fit when its length comes from that fit */
    plan: OneCyclePlan;
    private readonly fromFit: boolean;
    /** What the momentum values were written to on the last fit: 'momentum', 'beta1', or null (none). */
    moved: 'momentum' | 'beta1' | null = null;
    constructor(private readonly options: OneCycleOptions) {
      super('step');
      const o = options ?? ({} as OneCycleOptions);
      this.fromFit = o.steps == null && o.epochs == null && o.stepsPerEpoch == null;
      // a cycle sized by its fit: check the other options now, with a stand-in length
      this.plan = oneCyclePlan(this.fromFit ? { ...o, steps: 2 } : o);
    }
    override async onTrainBegin(): Promise<void> {
      if (this.fromFit && this.step === 0)
        this.plan = oneCyclePlan({ ...this.options, steps: stepsOfFit(this.params) });
      this.moved = this.plan.momentum ? momentumKind(this.optimizer()) : null;
    }
    protected rateAt(t: number): number {
      return oneCycleAt(t, this.plan).lr;
    }
    protected override apply(step: number): void {
      const { lr, momentum } = oneCycleAt(step, this.plan);
      setOptimizerLearningRate(this.optimizer(), lr);
      if (momentum != null && this.moved) setOptimizerMomentum(tf, this.optimizer(), momentum);
    }
  }

  /** ReduceLROnPlateau: multiplies the rate by `factor` when the best monitored value has not improved for
   *  `patience` epochs (then waits another `patience` epochs before the next cut). */
  class PerformanceSchedule extends tf.Callback {
    readonly monitor: string;
    readonly factor: number;
    readonly patience: number;
    readonly minLr: number;
    private readonly minDelta: number;
    private readonly mode: 'min' | 'max';
    private readonly reader: MonitorReader;
    private readonly verbose: boolean;
    private wait = 0;
    private best = NaN;
    constructor(o: PerformanceOptions = {}) {
      super();
      const who = 'schedules.performance';
      this.monitor = o.monitor ?? 'val_loss';
      this.factor = positive(who, 'factor', o.factor ?? 0.5);
      if (this.factor >= 1) throw new Error(`training-lens ${who}: factor must be below 1 (got ${this.factor})`);
      this.patience = nonNegative(who, 'patience', o.patience ?? 5, true);
      this.minLr = nonNegative(who, 'minLr', o.minLr ?? 0);
      this.minDelta = Math.abs(nonNegative(who, 'minDelta', o.minDelta ?? 0));
      this.mode = resolveMode(o.mode ?? 'auto', this.monitor);
      this.verbose = o.verbose ?? false;
      this.reader = new MonitorReader(this.monitor, who);
    }
    override async onTrainBegin(): Promise<void> {
      this.wait = 0;
      this.best = this.mode === 'min' ? Infinity : -Infinity;
    }
    override async onEpochEnd(epoch: number, logs?: Record<string, unknown>): Promise<void> {
      await resolveLogs(logs);
      const { key, value } = this.reader.read(logs);
      if (isImprovement(this.mode, value, this.best, this.minDelta)) {
        this.best = value;
        this.wait = 0;
        return;
      }
      if (++this.wait < this.patience) return;
      this.wait = 0;
      const opt = this.model?.optimizer;
      if (!opt) throw new Error('training-lens schedules.performance: the model has no optimizer');
      const lr = learningRateOf(opt);
      const next = Math.max(lr * this.factor, this.minLr);
      if (next < lr) {
        setOptimizerLearningRate(opt, next);
        if (this.verbose)
          console.log(
            `training-lens performance schedule: ${key} has not improved for ${this.patience} epochs; learning rate ${lr} → ${next} after epoch ${epoch + 1}`,
          );
      }
    }
  }

  return {
    schedules: {
      /** lr(t) = lr0 / (1 + t/s)^c, per step (or per epoch). */
      power: (o: PowerOptions) => new PowerSchedule(o),
      /** lr(t) = lr0 · 0.1^(t/s), per step (or per epoch). */
      exponential: (o: ExponentialOptions) => new ExponentialSchedule(o),
      /** values[i] while t < boundaries[i], per epoch (or per step). */
      piecewise: (o: PiecewiseOptions) => new PiecewiseSchedule(o),
      /** Reduce on plateau: × factor after `patience` epochs without improvement of `monitor`. */
      performance: (o?: PerformanceOptions) => new PerformanceSchedule(o),
      /** 1cycle: startLr → maxLr → startLr → finalLr per step; momentum the other way. */
      oneCycle: (o: OneCycleOptions) => new OneCycleSchedule(o),
    },
  };
}

function per(name: string, v: unknown, fallback: Per): Per {
  if (v == null) return fallback;
  if (v !== 'step' && v !== 'epoch')
    throw new Error(`training-lens schedules.${name}: per must be 'step' or 'epoch' (got ${JSON.stringify(v)})`);
  return v;
}

function positive(who: string, name: string, v: unknown, integer = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new Error(
      `training-lens ${who}: ${name} must be a positive ${integer ? 'integer' : 'number'} (got ${JSON.stringify(v)})`,
    );
  }
  return v;
}

function nonNegative(who: string, name: string, v: unknown, integer = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (integer && !Number.isInteger(v))) {
    throw new Error(
      `training-lens ${who}: ${name} must be ${integer ? 'an integer' : 'a number'} >= 0 (got ${JSON.stringify(v)})`,
    );
  }
  return v;
}
