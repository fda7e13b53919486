/**
 * Dead-ReLU probe. A unit is dead when its output is 0 for every sample over the last `window` training steps.
 * Wraps `call` of ReLU-activated layers: the training forward pass already computes the post-activation output,
 * so the probe only adds a per-unit "any > 0" reduction, OR-ed on the backend over the window.
 */
import type { Tf, Tensor, Layer } from '../runner/tfTypes';

const RELU_ACTIVATIONS = new Set(['relu', 'relu6']);

export function isReluLayer(layer: Layer): boolean {
  const cls = layer.getClassName();
  if (cls === 'ReLU') return true;
  const activation = (layer.getConfig() as { activation?: unknown }).activation;
  return typeof activation === 'string' && RELU_ACTIVATIONS.has(activation);
}

interface Watched {
  layer: Layer;
  alive: Tensor | undefined;
  restore: () => void;
}

export interface DeadCount { layer: string; dead: number; total: number }

export class DeadReluProbe {
  private watched: Watched[] = [];
  private stepsInWindow = 0;

  constructor(private readonly tf: Tf) {}

  get layerCount(): number { return this.watched.length; }

  install(layers: Layer[]): void {
    const tf = this.tf;
    for (const layer of layers.filter(isReluLayer)) {
      if (this.watched.some(w => w.layer === layer)) continue;
      const hadOwn = Object.prototype.hasOwnProperty.call(layer, 'call');
      const original = layer.call;
      const entry: Watched = { layer, alive: undefined, restore: () => undefined };
      layer.call = function (this: Layer, inputs, kwargs) {
        const out = original.call(this, inputs, kwargs);
        if (kwargs?.training) {
          const y = Array.isArray(out) ? out[0] : out;
          const next = tf.keep(tf.tidy(() => {
            const units = y.shape[y.shape.length - 1] ?? 1;
            const anyPositive = tf.any(tf.greater(y.reshape([-1, units]), 0), 0);
            return entry.alive ? tf.logicalOr(entry.alive, anyPositive) : anyPositive;
          }));
          entry.alive?.dispose();
          entry.alive = next;
        }
        return out;
      };
      entry.restore = () => {
        if (hadOwn) layer.call = original;
        else delete (layer as { call?: unknown }).call;
      };
      this.watched.push(entry);
    }
  }

  /** Called once per training step. */
  step(): void { this.stepsInWindow++; }

  get windowSteps(): number { return this.stepsInWindow; }

  /** Reads and resets the window: per layer, units never positive during it. */
  async read(): Promise<{ window: number; layers: DeadCount[] } | undefined> {
    if (this.stepsInWindow === 0 || this.watched.every(w => !w.alive)) return undefined;
    const window = this.stepsInWindow;
    this.stepsInWindow = 0;
    const layers: DeadCount[] = [];
    for (const w of this.watched) {
      const alive = w.alive;
      w.alive = undefined;
      if (!alive) continue;
      const flags = await alive.data();
      alive.dispose();
      let aliveCount = 0;
      for (let i = 0; i < flags.length; i++) if (flags[i]) aliveCount++;
      layers.push({ layer: w.layer.name, dead: flags.length - aliveCount, total: flags.length });
    }
    return { window, layers };
  }

  uninstall(): void {
    for (const w of this.watched) {
      w.restore();
      w.alive?.dispose();
    }
    this.watched = [];
    this.stepsInWindow = 0;
  }
}
