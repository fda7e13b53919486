/**
 * Dead-ReLU probe. A unit is dead when its output is 0 for every sample over the last `window` training steps (of
 * the steps read in it, when the schedule spaces readings: src/probes/schedule.ts).
 * It reads the post-activation output of the training forward pass (dense/conv apply `relu` inside `call`). Where the
 * backend's memory is JavaScript's (wasm, cpu: hostMemory.ts) it marks the units seen positive during the pass, in
 * place; elsewhere it keeps an elementwise running sum on the backend over the window, added after the step (see
 * layerTaps.ts).
 */
import type { Tf, Tensor, Layer } from '../tf/types';
import { LayerTaps, activationOf } from './layerTaps';
import { inPlaceReader, type InPlaceReader } from './hostMemory';

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
  /** per layer: the running elementwise sum of its outputs over the window's steps (same batch shape) */
  private readonly running = new Map<Layer, Tensor | undefined>();
  /** per layer: per-unit sums of earlier batch shapes in this window (the last batch of an epoch is smaller) */
  private readonly folded = new Map<Layer, Tensor | undefined>();
  /** layers whose running sum is the last window's (read already; replaced at the next reading) */
  private readonly stale = new Set<Layer>();
  private stepsInWindow = 0;
  /** in place: per layer, the units seen positive in this window (1) */
  private readonly alive = new Map<Layer, Uint8Array>();
  /** reads outputs in place; dropped for good the first time it cannot */
  private readonly inPlace: InPlaceReader;

  constructor(private readonly tf: Tf) {
    this.inPlace = inPlaceReader(tf);
  }

  get layerCount(): number {
    return this.running.size;
  }

  /** `wants`: whether the running step is read (the schedule's reading steps; default every step) */
  install(layers: Layer[], taps: LayerTaps, wants?: () => boolean): void {
    const tf = this.tf;
    for (const layer of layers.filter(isReluLayer)) {
      if (this.running.has(layer)) continue;
      this.running.set(layer, undefined);
      taps.observe(
        layer,
        (_l, _inputs, y) => {
          // ReLU outputs are >= 0, so "positive for some sample" is "sum over samples > 0" (a sum of non-negative
          // floats never rounds down to 0). One kernel per step: an elementwise add to the window's running sum (wasm's
          // add is XNNPACK's, its maximum a scalar loop 10x slower); the reduction over samples waits for the read.
          // tfjs' wasm backend reduces over leading axes by transposing the whole output first.
          const previous = this.running.get(layer);
          if (previous && this.stale.has(layer)) {
            // the last window's sum, kept until now so that the tensors probes hold do not change with the schedule
            this.stale.delete(layer);
            previous.dispose();
            this.running.set(layer, tf.keep(y.clone()));
          } else if (previous && !sameShape(previous.shape, y.shape)) {
            this.fold(layer, previous);
            this.running.set(layer, tf.keep(y.clone()));
          } else {
            this.running.set(layer, tf.keep(previous ? tf.add(previous, y) : y.clone()));
            previous?.dispose();
          }
        },
        { wants, inPass: (_l, _inputs, y) => this.markInPlace(layer, y) },
      );
    }
  }

  /** Marks the units positive for some sample of this output; false when the output cannot be read in place. */
  private markInPlace(layer: Layer, y: Tensor): boolean {
    const values = this.inPlace(y);
    if (!values) return false;
    const units = y.shape[y.shape.length - 1] ?? 1;
    let alive = this.alive.get(layer);
    if (!alive || alive.length !== units) this.alive.set(layer, (alive = new Uint8Array(units)));
    markPositive(values, alive);
    return true;
  }

  /** Moves a running sum into the layer's per-unit sums (a batch shape changed). */
  private fold(layer: Layer, running: Tensor): void {
    const tf = this.tf;
    const before = this.folded.get(layer);
    const next = tf.keep(
      tf.tidy(() => {
        const units = unitSums(tf, running);
        return before ? tf.add(before, units) : units;
      }),
    );
    running.dispose();
    before?.dispose();
    this.folded.set(layer, next);
  }

  /** Called once per training step. */
  step(): void {
    this.stepsInWindow++;
  }

  get windowSteps(): number {
    return this.stepsInWindow;
  }

  /** Reads and resets the window: per layer, units never positive during it (one download for every layer). */
  async read(): Promise<{ window: number; layers: DeadCount[] } | undefined> {
    const layers = [...this.running.keys()];
    const summed = layers.filter(l => this.current(l) || this.folded.get(l));
    if (this.stepsInWindow === 0 || (summed.length === 0 && this.alive.size === 0)) return undefined;
    const window = this.stepsInWindow;
    this.stepsInWindow = 0;
    const positive = new Map<Layer, { size: number; at: (unit: number) => boolean }>();
    if (summed.length > 0) {
      const tf = this.tf;
      const sizes: number[] = [];
      const all = tf.tidy(() =>
        tf.concat(
          summed.map(layer => {
            const running = this.current(layer);
            const folded = this.folded.get(layer);
            const units =
              running && folded ? tf.add(unitSums(tf, running), folded) : running ? unitSums(tf, running) : folded!;
            sizes.push(units.size);
            return units;
          }),
        ),
      );
      for (const layer of layers) {
        if (this.running.get(layer)) this.stale.add(layer);
        this.folded.get(layer)?.dispose();
        this.folded.set(layer, undefined);
      }
      let sums: ArrayLike<number>;
      try {
        sums = await all.data();
      } finally {
        all.dispose();
      }
      let offset = 0;
      summed.forEach((layer, i) => {
        const at = offset;
        positive.set(layer, { size: sizes[i], at: unit => unit < sizes[i] && sums[at + unit] > 0 });
        offset += sizes[i];
      });
    }
    const out: DeadCount[] = [];
    for (const layer of layers) {
      const alive = this.alive.get(layer);
      const sum = positive.get(layer);
      if (!alive && !sum) continue;
      const total = Math.max(alive?.length ?? 0, sum?.size ?? 0);
      let dead = 0;
      for (let u = 0; u < total; u++) if (!alive?.[u] && !sum?.at(u)) dead++;
      out.push({ layer: layer.name, dead, total });
    }
    this.alive.clear();
    return { window, layers: out };
  }

  /** the window's running sum of `layer`, if a step of this window was read */
  private current(layer: Layer): Tensor | undefined {
    return this.stale.has(layer) ? undefined : this.running.get(layer);
  }

  private reset(): void {
    this.stale.clear();
    this.alive.clear();
    for (const layer of this.running.keys()) {
      this.running.get(layer)?.dispose();
      this.running.set(layer, undefined);
      this.folded.get(layer)?.dispose();
      this.folded.set(layer, undefined);
    }
  }

  dispose(): void {
    this.reset();
    this.running.clear();
    this.folded.clear();
    this.stepsInWindow = 0;
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** [units]: the sum over every leading axis of a [..., units] output (a product with a row of ones: see above) */
function unitSums(tf: Tf, y: Tensor): Tensor {
  const units = y.shape[y.shape.length - 1] ?? 1;
  const rows = y.size / units;
  if (y.rank <= 2) return tf.sum(y, 0);
  return tf.reshape(tf.matMul(tf.ones([1, rows]), tf.reshape(y, [rows, units])), [units]);
}

/**
 * Sets alive[u] for every unit u positive for some row of a [..., units] output. Most units of a healthy layer are
 * positive within its first rows: the scan stops once every unit is known alive, so only dead units cost a full pass.
 */
export function markPositive(values: Float32Array, alive: Uint8Array): void {
  const units = alive.length;
  let unknown = 0;
  for (let u = 0; u < units; u++) if (!alive[u]) unknown++;
  for (let row = 0; unknown > 0 && row < values.length; row += units) {
    for (let u = 0; u < units; u++) {
      if (!alive[u] && values[row + u] > 0) {
        alive[u] = 1;
        unknown--;
      }
    }
  }
}
