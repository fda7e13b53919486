/**
 * One factory per optimizer of the comparison table (table G3 of src/guidelines/tables.ts, Hands-On ML ch.11), with the table's defaults,
 * built on the tf instance the job trains with. tfjs has every one except Nadam, which is implemented here as a
 * real `tf.train.Optimizer` subclass (Keras' update rule) so `compile` accepts it and a saved model names it.
 * Every factory takes `{ clipValue }` or `{ clipNorm }` (see clipping.ts).
 */
import type { Tf, Tensor, Optimizer } from '../tf/types';
import { clipMode, createClip } from './clipping';

export interface ClipSettings {
  /** clamp every gradient component to [-clipValue, clipValue] */
  clipValue?: number;
  /** scale the whole gradient down to global L2 norm ≤ clipNorm (direction kept) */
  clipNorm?: number;
}
export interface SgdOptions extends ClipSettings {
  /** default 0.01 */ learningRate?: number;
}
export interface MomentumOptions extends ClipSettings {
  /** default 0.01 */ learningRate?: number;
  /** β, default 0.9 */ momentum?: number;
}
export interface AdagradOptions extends ClipSettings {
  /** default 0.001 (Keras) */ learningRate?: number;
  /** starting value of the squared-gradient sum s (default 0.1, as Keras and tfjs; 0 is the book's formula) */
  initialAccumulatorValue?: number;
}
export interface RmspropOptions extends ClipSettings {
  /** default 0.001 */ learningRate?: number;
  /** ρ, default 0.9 */ rho?: number;
  /** default 0 */ momentum?: number;
  /** default 1e-7 */ epsilon?: number;
  /** default false */ centered?: boolean;
}
export interface AdamOptions extends ClipSettings {
  /** default 0.001 */ learningRate?: number;
  /** default 0.9 */ beta1?: number;
  /** default 0.999 */ beta2?: number;
  /** default 1e-7 */ epsilon?: number;
}

/** Defaults of the comparison table (G3); the rest are Keras' defaults. */
export const OPTIMIZER_DEFAULTS = {
  sgd: { learningRate: 0.01 },
  momentum: { learningRate: 0.01, momentum: 0.9 },
  nesterov: { learningRate: 0.01, momentum: 0.9 },
  adagrad: { learningRate: 0.001, initialAccumulatorValue: 0.1 },
  rmsprop: { learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false },
  adam: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  adamax: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  nadam: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
} as const;

export type OptimizerName = keyof typeof OPTIMIZER_DEFAULTS;
export const OPTIMIZER_NAMES = Object.keys(OPTIMIZER_DEFAULTS) as OptimizerName[];

/** Nadam as the job's tf instance sees it (a tf.train.Optimizer subclass). */
export interface NadamOptimizer extends Optimizer {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

function check(factory: string, opts: object, known: readonly string[]): void {
  if (opts == null || typeof opts !== 'object')
    throw new Error(`training-lens ${factory}(): options must be an object`);
  for (const [key, value] of Object.entries(opts)) {
    if (!known.includes(key))
      throw new Error(`training-lens ${factory}(): unknown option '${key}' (known: ${known.join(', ')})`);
    if (key === 'centered') {
      if (typeof value !== 'boolean') throw new Error(`training-lens ${factory}(): ${key} must be true or false`);
    } else if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      throw new Error(`training-lens ${factory}(): ${key} must be a non-negative number (got ${String(value)})`);
    }
  }
}

const nadamClasses = new WeakMap<object, new (lr: number, b1: number, b2: number, eps: number) => NadamOptimizer>();

/** The Nadam class of one tf instance (tfjs' compile checks the optimizer against that instance's Optimizer). */
export function nadamClass(
  tf: Tf,
): new (learningRate: number, beta1: number, beta2: number, epsilon: number) => NadamOptimizer {
  const known = nadamClasses.get(tf.train);
  if (known) return known;
  type Slot = { originalName: string; variable: import('@tensorflow/tfjs').Variable };
  type NamedTensor = { name: string; tensor: Tensor };
  // Keras' momentum schedule of Nadam (Dozat 2016): μ_t = β1·(1 − 0.5·0.96^t)
  const mu = (beta1: number, t: number) => beta1 * (1 - 0.5 * Math.pow(0.96, t));

  class Nadam extends tf.Optimizer {
    static get className() {
      return 'Nadam';
    }
    private m: Slot[] = [];
    private v: Slot[] = [];
    /** Π μ_1..μ_t of the steps taken (Keras' `u_product`) */
    private muProduct = 1;

    constructor(
      public learningRate: number,
      public beta1: number,
      public beta2: number,
      public epsilon: number,
    ) {
      super();
    }

    applyGradients(variableGradients: Record<string, Tensor> | NamedTensor[]): void {
      const names = Array.isArray(variableGradients)
        ? variableGradients.map(g => g.name)
        : Object.keys(variableGradients);
      const t = this.iterations + 1;
      // Scalar coefficients in double precision; read every step so a schedule may move lr and beta1.
      const muT = mu(this.beta1, t);
      const muNext = mu(this.beta1, t + 1);
      const productT = this.muProduct * muT;
      const productNext = productT * muNext;
      const mCoef = muNext / (1 - productNext);
      const gCoef = (1 - muT) / (1 - productT);
      const vCoef = 1 / (1 - Math.pow(this.beta2, t));
      const { beta1, beta2, epsilon, learningRate } = this;
      tf.tidy(() => {
        names.forEach((name, i) => {
          const value = tf.engine().registeredVariables[name];
          this.m[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
          this.v[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
          const g = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
          if (g == null) return;
          const m = this.m[i].variable;
          const v = this.v[i].variable;
          const newM = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
          const newV = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
          m.assign(newM);
          v.assign(newV);
          const mHat = tf.add(tf.mul(newM, mCoef), tf.mul(g, gCoef));
          const vHat = tf.mul(newV, vCoef);
          value.assign(tf.sub(value, tf.div(tf.mul(mHat, learningRate), tf.add(tf.sqrt(vHat), epsilon))));
        });
      });
      this.muProduct = productT;
      this.incrementIterations();
    }

    override dispose(): void {
      tf.dispose([...this.m, ...this.v].map(s => s.variable));
      this.m = [];
      this.v = [];
      super.dispose();
    }

    override async getWeights(): Promise<NamedTensor[]> {
      return [await this.saveIterations()].concat(
        [...this.m, ...this.v].map(s => ({ name: s.originalName, tensor: s.variable })),
      );
    }

    override async setWeights(weightValues: NamedTensor[]): Promise<void> {
      const rest = await this.extractIterations(weightValues);
      tf.dispose([...this.m, ...this.v].map(s => s.variable));
      const half = rest.length / 2;
      const toSlot = (w: NamedTensor): Slot => ({ originalName: w.name, variable: w.tensor.variable(false) });
      this.m = rest.slice(0, half).map(toSlot);
      this.v = rest.slice(half).map(toSlot);
      this.muProduct = 1;
      for (let i = 1; i <= this.iterations; i++) this.muProduct *= mu(this.beta1, i);
    }

    getConfig() {
      return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
    }

    static override fromConfig<T>(cls: new (...a: number[]) => T, config: Record<string, unknown>): T {
      const n = (k: string, d: number) => (typeof config[k] === 'number' ? (config[k] as number) : d);
      const d = OPTIMIZER_DEFAULTS.nadam;
      return new cls(
        n('learningRate', d.learningRate),
        n('beta1', d.beta1),
        n('beta2', d.beta2),
        n('epsilon', d.epsilon),
      );
    }
  }
  tf.serialization.registerClass(Nadam as unknown as Parameters<Tf['serialization']['registerClass']>[0]);
  const cls = Nadam as unknown as new (lr: number, b1: number, b2: number, eps: number) => NadamOptimizer;
  nadamClasses.set(tf.train, cls);
  return cls;
}

export function createOptimizers(tf: Tf) {
  const clip = createClip(tf);
  const Nadam = nadamClass(tf);
  const CLIP_KEYS = ['clipValue', 'clipNorm'] as const;
  /** validates the options, builds the optimizer, wraps it with clipping when asked */
  function make<O extends Optimizer, K extends OptimizerName>(
    name: K,
    lrOrOpts: number | (ClipSettings & object) | undefined,
    rest: (ClipSettings & object) | undefined,
    build: (o: Record<string, number | boolean>) => O,
  ): O {
    // `adam(0.01, { clipNorm: 1 })` like tf.train.adam(0.01), or `adam({ learningRate: 0.01, clipNorm: 1 })`
    const opts: ClipSettings & { learningRate?: number } =
      typeof lrOrOpts === 'number'
        ? { ...(rest ?? {}), learningRate: lrOrOpts }
        : { ...(lrOrOpts ?? {}), ...(rest ?? {}) };
    check(name, opts, [...Object.keys(OPTIMIZER_DEFAULTS[name]), ...CLIP_KEYS]);
    const how = clipMode(opts);
    const merged: Record<string, number | boolean> = { ...OPTIMIZER_DEFAULTS[name] };
    for (const [k, v] of Object.entries(opts)) if (v !== undefined) merged[k] = v as number | boolean;
    const optimizer = build(merged);
    return how
      ? clip(optimizer, how.mode === 'value' ? { clipValue: how.threshold } : { clipNorm: how.threshold })
      : optimizer;
  }
  const num = (o: Record<string, number | boolean>, k: string) => o[k] as number;

  return {
    /** plain gradient descent: θ ← θ − η·g */
    sgd: (learningRate?: number | SgdOptions, opts?: SgdOptions) =>
      make('sgd', learningRate, opts, o => tf.train.sgd(num(o, 'learningRate'))),
    /** momentum: m ← β·m − η·g; θ ← θ + m */
    momentum: (learningRate?: number | MomentumOptions, opts?: MomentumOptions) =>
      make('momentum', learningRate, opts, o => tf.train.momentum(num(o, 'learningRate'), num(o, 'momentum'), false)),
    /** Nesterov accelerated gradient: the gradient is taken one momentum step ahead */
    nesterov: (learningRate?: number | MomentumOptions, opts?: MomentumOptions) =>
      make('nesterov', learningRate, opts, o => tf.train.momentum(num(o, 'learningRate'), num(o, 'momentum'), true)),
    /** AdaGrad: s ← s + g²; θ ← θ − η·g / √(s + ε). Stops too early on deep nets (G3). */
    adagrad: (learningRate?: number | AdagradOptions, opts?: AdagradOptions) =>
      make('adagrad', learningRate, opts, o =>
        tf.train.adagrad(num(o, 'learningRate'), num(o, 'initialAccumulatorValue')),
      ),
    /** RMSProp: s ← ρ·s + (1−ρ)·g²; θ ← θ − η·g / √(s + ε) */
    rmsprop: (learningRate?: number | RmspropOptions, opts?: RmspropOptions) =>
      make('rmsprop', learningRate, opts, o =>
        tf.train.rmsprop(
          num(o, 'learningRate'),
          num(o, 'rho'),
          num(o, 'momentum'),
          num(o, 'epsilon'),
          o.centered as boolean,
        ),
      ),
    /** Adam: momentum + RMSProp with bias correction */
    adam: (learningRate?: number | AdamOptions, opts?: AdamOptions) =>
      make('adam', learningRate, opts, o =>
        tf.train.adam(num(o, 'learningRate'), num(o, 'beta1'), num(o, 'beta2'), num(o, 'epsilon')),
      ),
    /** AdaMax: Adam with the ℓ∞ norm in place of the ℓ2 norm */
    adamax: (learningRate?: number | AdamOptions, opts?: AdamOptions) =>
      make('adamax', learningRate, opts, o =>
        tf.train.adamax(num(o, 'learningRate'), num(o, 'beta1'), num(o, 'beta2'), num(o, 'epsilon'), 0),
      ),
    /** Nadam: Adam with Nesterov momentum (Keras' update rule) */
    nadam: (learningRate?: number | AdamOptions, opts?: AdamOptions): NadamOptimizer =>
      make(
        'nadam',
        learningRate,
        opts,
        o => new Nadam(num(o, 'learningRate'), num(o, 'beta1'), num(o, 'beta2'), num(o, 'epsilon')),
      ),
  };
}

export type Optimizers = ReturnType<typeof createOptimizers>;
