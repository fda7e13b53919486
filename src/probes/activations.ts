/**
 * Activation statistics from the training forward pass, every N steps: per layer mean, std, min, max, the share
 * of saturated outputs (sigmoid/tanh outputs whose pre-activation lies beyond ±5, computed from the output:
 * sigmoid(5) = 0.99331, tanh(5) = 0.99991) and of exact zeros; plus the model's input range (unnormalized data),
 * and optionally the full output for histograms. Where the backend's memory is JavaScript's (wasm, cpu:
 * hostMemory.ts) they are one pass over the output during the forward pass; elsewhere kernels after the step
 * (layerTaps.ts). Nothing runs on the other steps.
 */
import type { Tf, Tensor, Layer } from '../tf/types';
import { LayerTaps, activationOf } from './layerTaps';
import { histogram, type Histogram } from './histogram';
import { inPlaceReader, type InPlaceReader } from './hostMemory';

export interface LayerActivationStats {
  layer: string;
  activation: string;
  mean: number;
  std: number;
  min: number;
  max: number;
  /** share of outputs in the saturated band (sigmoid/tanh only), else null */
  saturated: number | null;
  /** share of exact zeros */
  zero: number;
}

export interface InputStats {
  mean: number;
  std: number;
  min: number;
  max: number;
}

/** |output| bound beyond which the pre-activation is past ±5. */
export const SATURATION_BOUND: Record<string, { lo: number; hi: number }> = {
  sigmoid: { lo: 1 - 0.9933071490757153, hi: 0.9933071490757153 },
  hardSigmoid: { lo: 0, hi: 1 },
  tanh: { lo: -0.9999092042625951, hi: 0.9999092042625951 },
};

/** a layer's statistics: measured in place (numbers), or kernels' results to download after the step */
type Pending = { stats: number[]; histogram?: Histogram } | { stats: Tensor; values?: Tensor };

export class ActivationProbe {
  private readonly pending = new Map<Layer, Pending>();
  private pendingInput: Tensor | number[] | undefined;
  private readonly activations = new Map<Layer, string>();
  /** reads outputs in place; dropped for good the first time it cannot */
  private readonly inPlace: InPlaceReader;
  /** set before a step whose activations should be measured */
  capture = false;
  captureHistograms = false;

  /** `bins`: of the histograms taken in place (those of kernels take the bins read() is given) */
  constructor(
    private readonly tf: Tf,
    private readonly bins = 30,
  ) {
    this.inPlace = inPlaceReader(tf);
  }

  install(layers: Layer[], taps: LayerTaps): void {
    const tf = this.tf;
    const first = layers.find(l => l.getClassName() !== 'InputLayer');
    if (first) {
      const wants = () => this.capture && !this.pendingInput;
      taps.observe(
        first,
        (_l, inputs) => {
          const x = Array.isArray(inputs) ? inputs[0] : inputs;
          if (!x || x.dtype !== 'float32' || this.pendingInput) return;
          this.pendingInput = tf.keep(
            tf.tidy(() => {
              const { mean, variance } = tf.moments(x);
              return tf.stack([mean, tf.sqrt(variance), tf.min(x), tf.max(x)]);
            }),
          );
        },
        {
          wants,
          inputs: true,
          inPass: (_l, inputs) => {
            const x = Array.isArray(inputs) ? inputs[0] : inputs;
            if (!x || x.dtype !== 'float32' || this.pendingInput) return true; // nothing to measure
            const values = this.inPlace(x);
            if (!values) return false;
            const m = moments(values);
            this.pendingInput = [m.mean, m.std, m.min, m.max];
            return true;
          },
        },
      );
    }
    for (const layer of layers) {
      const activation = activationOf(layer);
      if (!activation || activation === 'linear' || this.activations.has(layer)) continue;
      this.activations.set(layer, activation);
      const wants = () => this.capture && !this.pending.has(layer);
      taps.observe(
        layer,
        (_l, _inputs, y) => {
          if (this.pending.has(layer)) return; // a shared layer: its first call of the step
          const band = SATURATION_BOUND[activation];
          const stats = tf.keep(
            tf.tidy(() => {
              const { mean, variance } = tf.moments(y);
              const saturated = band
                ? tf.mean(tf.logicalOr(tf.lessEqual(y, band.lo), tf.greaterEqual(y, band.hi)).toFloat())
                : tf.scalar(-1);
              const zero = tf.mean(tf.equal(y, 0).toFloat());
              return tf.stack([mean, tf.sqrt(variance), tf.min(y), tf.max(y), saturated, zero]);
            }),
          );
          this.pending.set(layer, { stats, values: this.captureHistograms ? tf.keep(y.clone()) : undefined });
        },
        {
          wants,
          inPass: (_l, _inputs, y) => {
            if (this.pending.has(layer)) return true;
            const values = this.inPlace(y);
            if (!values) return false;
            const m = moments(values, SATURATION_BOUND[activation]);
            this.pending.set(layer, {
              stats: [m.mean, m.std, m.min, m.max, m.saturated ?? -1, m.zero],
              histogram: this.captureHistograms ? histogram(values, this.bins) : undefined,
            });
            return true;
          },
        },
      );
    }
  }

  async read(
    bins: number,
  ): Promise<
    { layers: LayerActivationStats[]; input?: InputStats; histograms: Record<string, Histogram> } | undefined
  > {
    if (this.pending.size === 0 && !this.pendingInput) return undefined;
    const layers: LayerActivationStats[] = [];
    const histograms: Record<string, Histogram> = {};
    for (const [layer, p] of this.pending) {
      const [mean, std, min, max, saturated, zero] = Array.isArray(p.stats) ? p.stats : await p.stats.data();
      layers.push({
        layer: layer.name,
        activation: this.activations.get(layer)!,
        mean,
        std,
        min,
        max,
        saturated: saturated < 0 ? null : saturated,
        zero,
      });
      if ('histogram' in p && p.histogram) histograms[layer.name] = p.histogram;
      if ('values' in p && p.values) histograms[layer.name] = histogram(await p.values.data(), bins);
    }
    this.disposePending();
    let input: InputStats | undefined;
    const pendingInput = this.pendingInput;
    this.pendingInput = undefined;
    if (pendingInput) {
      const [mean, std, min, max] = Array.isArray(pendingInput) ? pendingInput : await pendingInput.data();
      if (!Array.isArray(pendingInput)) pendingInput.dispose();
      input = { mean, std, min, max };
    }
    return { layers, input, histograms };
  }

  private disposePending(): void {
    for (const p of this.pending.values()) {
      if (Array.isArray(p.stats)) continue;
      p.stats.dispose();
      if ('values' in p) p.values?.dispose();
    }
    this.pending.clear();
  }

  dispose(): void {
    this.disposePending();
    if (this.pendingInput && !Array.isArray(this.pendingInput)) this.pendingInput.dispose();
    this.pendingInput = undefined;
  }
}

/**
 * One pass over an output: mean, population std (as tf.moments), min, max, and the shares of zeros and of values in
 * a saturation band. A NaN makes the mean, std, min and max NaN, as the kernels' reductions do.
 */
export function moments(
  v: Float32Array,
  band?: { lo: number; hi: number },
): { mean: number; std: number; min: number; max: number; saturated: number | null; zero: number } {
  const n = v.length;
  let sum = 0,
    min = Infinity,
    max = -Infinity,
    zeros = 0,
    saturated = 0;
  for (let i = 0; i < n; i++) {
    const x = v[i];
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
    if (x === 0) zeros++;
  }
  if (band) for (let i = 0; i < n; i++) if (v[i] <= band.lo || v[i] >= band.hi) saturated++;
  const shares = { saturated: band ? saturated / n : null, zero: zeros / n };
  if (n === 0 || sum !== sum) return { mean: NaN, std: NaN, min: NaN, max: NaN, ...shares };
  const mean = sum / n;
  // two passes: the sum of squared deviations, exact where E[x²] − mean² would cancel
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = v[i] - mean;
    squares += d * d;
  }
  return { mean, std: Math.sqrt(squares / n), min, max, ...shares };
}
