/**
 * Activation statistics from the training forward pass, every N steps: per layer mean, std, min, max, the share
 * of saturated outputs (sigmoid/tanh outputs whose pre-activation lies beyond ±5, computed from the output:
 * sigmoid(5) = 0.99331, tanh(5) = 0.99991) and of exact zeros; plus the model's input range (unnormalized data),
 * and optionally the full output for histograms. Computed after the step (layerTaps.ts); nothing runs on the other
 * steps.
 */
import type { Tf, Tensor, Layer } from '../tf/types';
import { LayerTaps, activationOf } from './layerTaps';
import { histogram, type Histogram } from './histogram';

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

export class ActivationProbe {
  private readonly pending = new Map<Layer, { stats: Tensor; values?: Tensor }>();
  private pendingInput: Tensor | undefined;
  private readonly activations = new Map<Layer, string>();
  /** set before a step whose activations should be measured */
  capture = false;
  captureHistograms = false;

  constructor(private readonly tf: Tf) {}

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
        { wants, inputs: true },
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
        { wants },
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
    for (const [layer, { stats, values }] of this.pending) {
      const [mean, std, min, max, saturated, zero] = await stats.data();
      stats.dispose();
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
      if (values) {
        histograms[layer.name] = histogram(await values.data(), bins);
        values.dispose();
      }
    }
    this.pending.clear();
    let input: InputStats | undefined;
    if (this.pendingInput) {
      const [mean, std, min, max] = await this.pendingInput.data();
      this.pendingInput.dispose();
      this.pendingInput = undefined;
      input = { mean, std, min, max };
    }
    return { layers, input, histograms };
  }

  dispose(): void {
    for (const { stats, values } of this.pending.values()) {
      stats.dispose();
      values?.dispose();
    }
    this.pending.clear();
    this.pendingInput?.dispose();
    this.pendingInput = undefined;
  }
}
