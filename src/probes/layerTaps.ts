/**
 * One wrapper around `call` per layer, shared by every probe that needs a layer's training-time output (dead
 * ReLUs, activation statistics). Observers see the tensors of the real forward pass; they must not change them.
 */
import type { Tensor, Layer } from '../tf/types';

export type LayerObserver = (layer: Layer, inputs: Tensor | Tensor[], output: Tensor) => void;

interface Tap {
  layer: Layer;
  observers: LayerObserver[];
  restore: () => void;
}

export class LayerTaps {
  private readonly taps = new Map<Layer, Tap>();

  observe(layer: Layer, observer: LayerObserver): void {
    let tap = this.taps.get(layer);
    if (!tap) {
      const hadOwn = Object.prototype.hasOwnProperty.call(layer, 'call');
      const original = layer.call;
      const observers: LayerObserver[] = [];
      layer.call = function (this: Layer, inputs, kwargs) {
        const out = original.call(this, inputs, kwargs);
        if (kwargs?.training) {
          const y = Array.isArray(out) ? out[0] : out;
          for (const o of observers) o(layer, inputs, y);
        }
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
    tap.observers.push(observer);
  }

  uninstall(): void {
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
