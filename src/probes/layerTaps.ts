/**
 * One wrapper around `call` per layer, shared by every probe that needs a layer's training-time output (dead
 * ReLUs, activation statistics). Observers see the tensors of the real forward pass; they must not change them.
 *
 * Observers run after the step, not inside the forward pass: ops run there are recorded on the gradient tape, which
 * copies their inputs for a backward pass that never uses them (two or three extra kernels per op). The wrapper only
 * takes a handle on the output (one Identity kernel, and only when an observer wants this step); `flush()` hands the
 * outputs to the observers once the step is over, outside the tape. An observer that can read the output in place
 * with JavaScript alone (no op: `inPass`) does so during the pass, and needs no handle.
 */
import type { Tf, Tensor, Layer } from '../tf/types';

export type LayerObserver = (layer: Layer, inputs: Tensor | Tensor[], output: Tensor) => void;

/**
 * Reads the output during the forward pass, in place, with JavaScript alone (hostMemory.ts): no tfjs op, so nothing is
 * recorded on the tape and no clone is needed. Returns false when it could not read; the output is then cloned for
 * the observer after the step, as without it.
 */
export type InPassObserver = (layer: Layer, inputs: Tensor | Tensor[], output: Tensor) => boolean;

export interface ObserveOptions {
  /** whether the observer wants the step that is running (default: every step) */
  wants?: () => boolean;
  /** the observer reads the layer's first input too (else it gets an empty list) */
  inputs?: boolean;
  /** tried first on the steps the observer wants */
  inPass?: InPassObserver;
}

interface Observer extends ObserveOptions {
  see: LayerObserver;
}

interface Tap {
  layer: Layer;
  observers: Observer[];
  restore: () => void;
}

interface Pending {
  layer: Layer;
  output: Tensor;
  input: Tensor | undefined;
  observers: Observer[];
}

/** pending outputs kept at most (a job that trains outside fit's callbacks never flushes: the oldest are dropped) */
const MAX_PENDING = 256;

export class LayerTaps {
  private readonly taps = new Map<Layer, Tap>();
  private pending: Pending[] = [];

  /**
   * `charge`: told the time in-pass observers took. It is spent inside the training step, where the step's own
   * timing cannot tell it from training; the probe schedule counts it as the probes' (schedule.ts).
   */
  constructor(
    private readonly tf: Tf,
    private readonly charge?: (ms: number) => void,
  ) {}

  observe(layer: Layer, see: LayerObserver, options: ObserveOptions = {}): void {
    let tap = this.taps.get(layer);
    if (!tap) {
      const hadOwn = Object.prototype.hasOwnProperty.call(layer, 'call');
      const original = layer.call;
      const observers: Observer[] = [];
      const capture = (inputs: Tensor | Tensor[], out: Tensor) => this.capture(layer, observers, inputs, out);
      layer.call = function (this: Layer, inputs, kwargs) {
        const out = original.call(this, inputs, kwargs);
        if (kwargs?.training) capture(inputs, Array.isArray(out) ? out[0] : out);
        return out;
      };
      tap = {
        layer,
        observers,
        restore: () => {
          if (hadOwn) layer.call = original;
          else delete (layer as { call?: unknown }).call;
        },
      };
      this.taps.set(layer, tap);
    }
    tap.observers.push({ see, ...options });
  }

  private capture(layer: Layer, observers: Observer[], inputs: Tensor | Tensor[], output: Tensor): void {
    const t0 = performance.now();
    const wanting = observers.filter(o => (!o.wants || o.wants()) && !o.inPass?.(layer, inputs, output));
    this.charge?.(performance.now() - t0);
    if (wanting.length === 0) return;
    const tf = this.tf;
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    // clones, kept past fit's per-batch tidy: the forward pass's own tensors stay as tfjs manages them
    this.pending.push({
      layer,
      output: tf.keep(output.clone()),
      input: x && wanting.some(o => o.inputs) ? tf.keep(x.clone()) : undefined,
      observers: wanting,
    });
    if (this.pending.length > MAX_PENDING) this.dispose(this.pending.splice(0, 1));
  }

  /** After a step: the observers see the outputs the step captured; then the captured tensors are freed. */
  flush(): void {
    const pending = this.pending;
    this.pending = [];
    try {
      for (const p of pending) for (const o of p.observers) o.see(p.layer, p.input ? [p.input] : [], p.output);
    } finally {
      this.dispose(pending);
    }
  }

  private dispose(pending: Pending[]): void {
    for (const p of pending) {
      p.output.dispose();
      p.input?.dispose();
    }
  }

  uninstall(): void {
    this.dispose(this.pending);
    this.pending = [];
    for (const tap of this.taps.values()) tap.restore();
    this.taps.clear();
  }
}

/** The layer's activation function name from its config ('relu', 'sigmoid', ...), or the class of activation layers. */
export function activationOf(layer: Layer): string | undefined {
  const cls = layer.getClassName();
  if (cls === 'ReLU') return 'relu';
  if (cls === 'LeakyReLU') return 'leakyReLU';
  if (cls === 'ELU') return 'elu';
  if (cls === 'PReLU') return 'prelu';
  if (cls === 'Softmax') return 'softmax';
  const activation = (layer.getConfig() as { activation?: unknown }).activation;
  return typeof activation === 'string' ? activation : undefined;
}
