/** What the detectors know about the run so far: the model of the current fit, and the curves. */
import type { FitStartEvent, LayerSummary, SourceLocation } from '../protocol';

export interface EpochRecord {
  epoch: number;
  step: number;
  logs: Record<string, number | null>;
  /** the training loss at the epoch's end weights on a fixed training sample (src/probes/endLoss.ts), when measured */
  endLoss?: number | null;
}

export class RunContext {
  fit: FitStartEvent | undefined;
  /** training steps seen */
  step = 0;
  epochs: EpochRecord[] = [];
  firstLoss: number | null | undefined;
  lr: number | null = null;
  /** best training accuracy so far (batch EMA or epoch value), undefined when the model logs no accuracy */
  bestAccuracy: number | undefined;
  private accEma: number | undefined;

  startFit(fit: FitStartEvent): void {
    this.fit = fit;
    this.epochs = [];
  }

  onBatch(loss: number | null, metrics: Record<string, number | null>, lr: number | null): void {
    this.step++;
    if (this.firstLoss === undefined) this.firstLoss = loss;
    this.lr = lr;
    const acc = accuracyOf(metrics);
    if (acc != null) {
      this.accEma = this.accEma === undefined ? acc : 0.9 * this.accEma + 0.1 * acc;
      this.bestAccuracy = Math.max(this.bestAccuracy ?? 0, this.accEma);
    }
  }

  onEpoch(e: EpochRecord): void {
    this.epochs.push(e);
    const acc = accuracyOf(e.logs);
    if (acc != null) this.bestAccuracy = Math.max(this.bestAccuracy ?? 0, acc);
  }

  /** "not yet learning well": accuracy below Θ, or no accuracy metric at all (then the gate is open). */
  notLearningWell(target: number): boolean {
    return this.bestAccuracy === undefined || this.bestAccuracy < target;
  }

  get layers(): LayerSummary[] {
    return this.fit?.layers ?? [];
  }

  layer(name: string): LayerSummary | undefined {
    return this.layers.find(l => l.name === name);
  }

  /**
   * A layer frozen in the current fit (`layer.trainable = false`, transfer learning): its weights stay as they are by
   * design, so no rule reads its gradients, dead units or saturation as a training problem.
   */
  isFrozen(name: string): boolean {
    return this.layer(name)?.trainable === false;
  }

  /** Trainable layers with a kernel, in model order (the gradient ratio compares the first with the last). */
  kernelLayers(): LayerSummary[] {
    const vars = Object.keys(this.fit?.variables ?? {});
    return this.layers.filter(
      l =>
        l.trainable !== false &&
        (vars.includes(`${l.name}/kernel`) || vars.some(v => v.startsWith(l.name + '/') && /kernel/.test(v))),
    );
  }

  get outputLayer(): LayerSummary | undefined {
    return this.layers.at(-1);
  }

  /** Where to point for a model-wide finding about optimization: compile, else fit. */
  get compileSite(): SourceLocation | undefined {
    return this.fit?.compileLocation ?? this.fit?.location;
  }
  get fitSite(): SourceLocation | undefined {
    return this.fit?.location ?? this.fit?.compileLocation;
  }

  get epoch(): number {
    return this.epochs.length;
  }
  get plannedEpochs(): number {
    return this.fit?.epochs ?? 0;
  }
}

export function accuracyOf(logs: Record<string, number | null>): number | null {
  for (const k of ['acc', 'accuracy', 'categoricalAccuracy', 'binaryAccuracy', 'sparseCategoricalAccuracy']) {
    const v = logs[k];
    if (typeof v === 'number') return v;
  }
  return null;
}

export function valAccuracyOf(logs: Record<string, number | null>): number | null {
  return accuracyOf(
    Object.fromEntries(
      Object.entries(logs)
        .filter(([k]) => k.startsWith('val_'))
        .map(([k, v]) => [k.slice(4), v]),
    ),
  );
}
