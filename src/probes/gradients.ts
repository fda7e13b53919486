/**
 * Gradient probe: wraps the compiled optimizer's `computeGradients`, which fit, fitDataset and trainOnBatch all
 * call once per step through `minimize`. It sees the real gradients of the real step (no second backward pass) and
 * reduces them to L2 norms (normReducer.ts): read in place where the backend's memory is JavaScript's (wasm, cpu),
 * else on the backend into one small tensor read asynchronously after the step. Only on the steps its schedule reads
 * (schedule.ts).
 */
import type { Tf, Tensor, Optimizer } from '../tf/types';
import { histogram, type Histogram } from './histogram';
import { readClip } from '../toolkit/clipping';
import type { ProbeSchedule } from './schedule';
import { normReducer, type NormReducer, type Norms } from './normReducer';

type ComputeGradients = Optimizer['computeGradients'];

export interface GradientReading {
  variables: Record<string, number>;
  histograms?: Record<string, Histogram>;
  /** when the optimizer clips (training-lens toolkit): the step's global gradient norm before and after */
  clip?: { mode: 'value' | 'norm'; threshold: number; preNorm: number; postNorm: number };
}

export class GradientProbe {
  private names: string[] = [];
  private pendingNorms: Norms | undefined;
  private reducer: NormReducer | undefined;
  private pendingGrads: Map<string, Tensor> | undefined;
  private restoreFn: (() => void) | undefined;
  private optimizer: Optimizer | undefined;
  /** Set by the owner before a step whose gradients should be binned as histograms. */
  captureHistograms = false;
  /** Count of computeGradients calls since the last read (1 per step when fit drives the optimizer). */
  calls = 0;

  /** without a schedule, every step is read */
  constructor(
    private readonly tf: Tf,
    private readonly schedule?: ProbeSchedule,
  ) {}

  install(optimizer: Optimizer): void {
    if (this.restoreFn) return;
    this.optimizer = optimizer;
    const tf = this.tf;
    // chosen here, not in the constructor: the backend is settled by the time fit installs the probe
    const reducer = (this.reducer = normReducer(tf));
    const hadOwn = Object.prototype.hasOwnProperty.call(optimizer, 'computeGradients');
    const original = optimizer.computeGradients as ComputeGradients;
    const probe = this; // the wrapper's own `this` is the optimizer
    const wrapped: ComputeGradients = function (this: Optimizer, f, varList) {
      const result = original.call(this, f, varList);
      probe.calls++;
      if (probe.schedule && !probe.schedule.reads && !probe.captureHistograms) return result;
      const t0 = performance.now();
      probe.names = Object.keys(result.grads);
      probe.disposeNorms();
      // a tensor result is kept: fit's per-batch tidy would dispose it before the read
      probe.pendingNorms = reducer.reduce(probe.names.map(n => result.grads[n]));
      if (probe.captureHistograms) {
        probe.disposeGrads();
        probe.pendingGrads = new Map(probe.names.map(n => [n, tf.keep(result.grads[n].clone())]));
      }
      probe.schedule?.charge(performance.now() - t0);
      return result;
    };
    optimizer.computeGradients = wrapped;
    this.restoreFn = () => {
      if (hadOwn) optimizer.computeGradients = original;
      else delete (optimizer as { computeGradients?: unknown }).computeGradients;
    };
  }

  /** Downloads the last step's norms (and histograms when captured); undefined if no step ran since. */
  async read(bins = 30): Promise<GradientReading | undefined> {
    const pending = this.pendingNorms;
    if (!pending) return undefined;
    this.pendingNorms = undefined;
    this.calls = 0;
    let values: ArrayLike<number>;
    if (Array.isArray(pending)) values = pending;
    else {
      values = await pending.data();
      pending.dispose();
    }
    const variables: Record<string, number> = {};
    this.names.forEach((n, i) => {
      variables[n] = values[i];
    });
    let histograms: Record<string, Histogram> | undefined;
    if (this.pendingGrads) {
      histograms = {};
      for (const [name, t] of this.pendingGrads) histograms[name] = histogram(await t.data(), bins);
      this.disposeGrads();
    }
    // computed by the clipping wrapper during the same step (see src/toolkit/clipping.ts)
    const clip = await readClip(this.optimizer);
    return { variables, histograms, clip };
  }

  private disposeNorms(): void {
    if (this.pendingNorms && !Array.isArray(this.pendingNorms)) this.pendingNorms.dispose();
    this.pendingNorms = undefined;
  }

  private disposeGrads(): void {
    this.pendingGrads?.forEach(t => t.dispose());
    this.pendingGrads = undefined;
  }

  uninstall(): void {
    this.restoreFn?.();
    this.restoreFn = undefined;
    this.optimizer = undefined;
    this.disposeNorms();
    this.disposeGrads();
    this.reducer?.dispose();
    this.reducer = undefined;
  }
}

/** Per-layer norm from per-variable norms: sqrt of the sum of squares over the layer's variables. */
export function layerNorms(
  variables: Record<string, number>,
  layerOf: (variable: string) => string,
): Record<string, number> {
  const sums = new Map<string, number>();
  for (const [name, norm] of Object.entries(variables)) {
    const layer = layerOf(name);
    sums.set(layer, (sums.get(layer) ?? 0) + norm * norm);
  }
  return Object.fromEntries([...sums].map(([k, v]) => [k, Math.sqrt(v)]));
}
