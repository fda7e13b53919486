/**
 * Dead-ReLU probe. A unit is dead when its output is 0 for every sample over the last `window` training steps.
 * It reads the post-activation output of the training forward pass (dense/conv apply `relu` inside `call`), so it
 * only adds a per-unit sum over the batch, kept as a running sum on the backend over the window.
 */
import type { Tf, Tensor, Tensor2D, Layer } from '../tf/types';
import { LayerTaps, activationOf } from './layerTaps';

const RELU_ACTIVATIONS = new Set(['relu', 'relu6']);

export function isReluLayer(layer: Layer): boolean {
  return RELU_ACTIVATIONS.has(activationOf(layer) ?? '');
}

export interface DeadCount {
  layer: string;
  dead: number;
  total: number;
}

export class DeadReluProbe {
  private readonly alive = new Map<Layer, Tensor | undefined>();
  private stepsInWindow = 0;
  private readonly ones = new Map<number, Tensor2D>();

  constructor(private readonly tf: Tf) {}

  get layerCount(): number {
    return this.alive.size;
  }

  install(layers: Layer[], taps: LayerTaps): void {
    const tf = this.tf;
    for (const layer of layers.filter(isReluLayer)) {
      if (this.alive.has(layer)) continue;
      this.alive.set(layer, undefined);
      taps.observe(layer, (_l, _inputs, y) => {
        const previous = this.alive.get(layer);
        // ReLU outputs are >= 0, so "positive for some sample" is "sum over samples > 0" (a sum of non-negative
        // floats never rounds down to 0), kept as a running sum over the window. A dense layer's [batch, units]
        // output is summed over axis 0; a conv output's leading axes as one product with a row of ones: wasm's
        // reductions over leading axes transpose the whole output first (~15x slower there on an MNIST conv).
        const next = tf.keep(
          tf.tidy(() => {
            const units = y.shape[y.shape.length - 1] ?? 1;
            const rows = y.size / units;
            const sums = y.rank <= 2 ? tf.sum(y, 0) : tf.matMul(this.onesRow(rows), tf.reshape(y, [rows, units]));
            return previous ? tf.add(previous, sums) : sums;
          }),
        );
        previous?.dispose();
        this.alive.set(layer, next);
      });
    }
  }

  /** A kept [1, rows] tensor of ones (one per batch size seen: the last batch of an epoch may be smaller). */
  private onesRow(rows: number): Tensor2D {
    const cached = this.ones.get(rows);
    if (cached) return cached;
    const ones = this.tf.keep(this.tf.ones([1, rows]) as Tensor2D);
    this.ones.set(rows, ones);
    return ones;
  }

  /** Called once per training step. */
  step(): void {
    this.stepsInWindow++;
  }

  get windowSteps(): number {
    return this.stepsInWindow;
  }

  /** Reads and resets the window: per layer, units never positive during it. */
  async read(): Promise<{ window: number; layers: DeadCount[] } | undefined> {
    if (this.stepsInWindow === 0 || [...this.alive.values()].every(a => !a)) return undefined;
    const window = this.stepsInWindow;
    this.stepsInWindow = 0;
    const layers: DeadCount[] = [];
    for (const [layer, alive] of this.alive) {
      this.alive.set(layer, undefined);
      if (!alive) continue;
      const peaks = await alive.data();
      alive.dispose();
      let aliveCount = 0;
      for (let i = 0; i < peaks.length; i++) if (peaks[i] > 0) aliveCount++;
      layers.push({ layer: layer.name, dead: peaks.length - aliveCount, total: peaks.length });
    }
    return { window, layers };
  }

  dispose(): void {
    for (const t of this.alive.values()) t?.dispose();
    this.alive.clear();
    for (const t of this.ones.values()) t.dispose();
    this.ones.clear();
    this.stepsInWindow = 0;
  }
}
