/**
 * Dead-ReLU probe. A unit is dead when its output is 0 for every sample over the last `window` training steps.
 * It reads the post-activation output of the training forward pass (dense/conv apply `relu` inside `call`), so it
 * only adds a per-unit maximum over the batch, kept as a running maximum on the backend over the window.
 */
import type { Tf, Tensor, Layer } from '../tf/types';
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
        // ReLU outputs are >= 0, so "positive for some sample" is "max over samples > 0": one reduction, and the
        // window is a running maximum (two kernels a step instead of compare + any + or).
        const next = tf.keep(
          tf.tidy(() => {
            const units = y.shape[y.shape.length - 1] ?? 1;
            const peak = tf.max(y.reshape([-1, units]), 0);
            return previous ? tf.maximum(previous, peak) : peak;
          }),
        );
        previous?.dispose();
        this.alive.set(layer, next);
      });
    }
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
    this.stepsInWindow = 0;
  }
}
