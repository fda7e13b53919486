/**
 * Instruments `LayersModel.prototype.fit` / `fitDataset` (Sequential delegates to an inner LayersModel, so this
 * catches every model) without changing what they compute: one appended callback for batch/epoch events, the
 * gradient probe on the compiled optimizer, the dead-ReLU probe on ReLU layers. Probes are removed when fit ends.
 */
import type { EventBody, FitStartEvent, SourceLocation } from '../protocol';
import { finite } from '../protocol';
import type { Tf, LayersModel, Layer } from '../tf/types';
import { GradientProbe, layerNorms } from '../probes/gradients';
import { DeadReluProbe } from '../probes/deadRelu';
import { ActivationProbe } from '../probes/activations';
import { LayerTaps } from '../probes/layerTaps';
import { readWeightHistograms } from '../probes/weights';
import { missingWasmKernel } from './backend';
import { userLocation, stackFrames } from '../stack/frames';
import { MemoryProbe } from '../probes/memory';
import { DataProbe } from '../probes/data';
import {
  validationSamplesOf,
  stepsOf,
  learningRate,
  momentumOf,
  lossName,
  summarize,
  trainableParamCount,
  type FitArgs,
} from './modelFacts';

export interface ProbeSettings {
  gradNorms: boolean;
  deadRelu: boolean;
  /** steps a unit must stay at 0 to count as dead */
  deadReluWindow: number;
  /** gradient and activation histograms every N steps (0: never) */
  histogramEvery: number;
  histogramBins: number;
  /** activation statistics (saturation, input range) every N steps (0: never) */
  activationEvery: number;
}

export const DEFAULT_PROBES: ProbeSettings = {
  gradNorms: true,
  deadRelu: true,
  deadReluWindow: 20,
  histogramEvery: 50,
  histogramBins: 30,
  activationEvery: 25,
};

export interface InstrumentOptions {
  emit: (body: EventBody) => void;
  probes: ProbeSettings;
  epochsOverride?: number;
  isUserFile?: (file: string) => boolean;
}

/** Where each model's `compile` was called (the model fit sees is Sequential's inner model: same object). */
const compileSites = new WeakMap<object, SourceLocation>();

export class CancelledError extends Error {
  constructor() {
    super('Training was stopped');
    this.name = 'CancelledError';
  }
}

export class NonFiniteLossError extends Error {
  constructor(
    message: string,
    readonly location?: SourceLocation,
  ) {
    super(message);
    this.name = 'NonFiniteLossError';
  }
}

type AnyFit = (this: LayersModel, ...args: unknown[]) => Promise<unknown>;

export class Instrumentation {
  private readonly active = new Set<LayersModel>();
  private readonly pending = new Set<Promise<unknown>>();
  private restorers: Array<() => void> = [];
  private stopRequested = false;
  private fitCount = 0;
  /** global step counter across all fit calls of the run */
  steps = 0;

  constructor(
    private readonly tf: Tf,
    private readonly opts: InstrumentOptions,
  ) {}

  install(): void {
    const proto = this.tf.LayersModel.prototype as unknown as Record<string, AnyFit>;
    const compile = proto.compile as unknown as (this: LayersModel, ...a: unknown[]) => void;
    const isUser = this.opts.isUserFile;
    (proto as unknown as Record<string, unknown>).compile = function (this: LayersModel, ...args: unknown[]) {
      const location = userLocation(new Error().stack, isUser);
      if (location) compileSites.set(this, location);
      return compile.apply(this, args);
    };
    this.restorers.push(() => {
      (proto as unknown as Record<string, unknown>).compile = compile;
    });
    for (const method of ['fit', 'fitDataset'] as const) {
      const original = proto[method];
      const self = this;
      proto[method] = function (this: LayersModel, ...args: unknown[]) {
        const p = self.runFit(this, method, original, args);
        self.pending.add(p);
        p.then(
          () => self.pending.delete(p),
          () => self.pending.delete(p),
        );
        return p;
      };
      this.restorers.push(() => {
        proto[method] = original;
      });
    }
  }

  uninstall(): void {
    this.restorers.forEach(r => r());
    this.restorers = [];
  }

  /** Ask every running fit to stop after its current batch; the fit then rejects with CancelledError. */
  requestStop(): void {
    this.stopRequested = true;
    for (const m of this.active) m.stopTraining = true;
  }

  get stopping(): boolean {
    return this.stopRequested;
  }

  /** Resolves when no fit is running (a job may start fit without awaiting it). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private async runFit(
    model: LayersModel,
    method: 'fit' | 'fitDataset',
    original: AnyFit,
    args: unknown[],
  ): Promise<unknown> {
    if (this.stopRequested) throw new CancelledError();
    const tf = this.tf;
    const callSite = new Error('fit called here');
    const location = userLocation(callSite.stack, this.opts.isUserFile);
    const configIndex = method === 'fit' ? 2 : 1;
    const config: FitArgs = { ...((args[configIndex] as FitArgs | undefined) ?? {}) };
    if (this.opts.epochsOverride) config.epochs = this.opts.epochsOverride;
    (config as { verbose?: number }).verbose = 0; // tfjs-node's Keras-style progress lines: the run's epoch events say it
    const fitIndex = this.fitCount++;
    const grads = new GradientProbe(tf);
    const taps = new LayerTaps();
    const dead = new DeadReluProbe(tf);
    const acts = new ActivationProbe(tf);
    const memory = new MemoryProbe(tf, this.opts.isUserFile);
    const probes = this.opts.probes;
    const varToLayer = new Map<string, string>();
    const variableSizes: Record<string, number> = {};
    for (const layer of model.layers) {
      for (const w of layer.trainableWeights) {
        varToLayer.set(w.name, layer.name);
        variableSizes[w.name] = w.shape.reduce((a: number, b) => a * (b ?? 1), 1);
      }
    }
    const layerOf = (v: string) => varToLayer.get(v) ?? v.split('/')[0];
    let nonFinite: { step: number; epoch: number; batch: number; value: string } | undefined;
    let stepsThisFit = 0;
    let epoch = 0;
    let batchesThisEpoch = 0;
    let fitStarted = false;

    const stepsPerEpoch = method === 'fit' ? stepsOf(args[0], config) : (config.batchesPerEpoch ?? null);
    const emitFitStart = () => {
      fitStarted = true;
      this.opts.emit({
        kind: 'fit-start',
        fitIndex,
        method,
        epochs: config.epochs ?? 1,
        stepsPerEpoch,
        batchSize: method === 'fit' ? (config.batchSize ?? 32) : null,
        optimizer: model.optimizer?.getClassName?.() ?? 'unknown',
        loss: lossName(model),
        layers: summarize(model.layers),
        totalParams: model.countParams(),
        trainableParams: trainableParamCount(model),
        location,
        backend: tf.getBackend(),
        compileLocation: compileSites.get(model),
        variables: variableSizes,
        ...validationSamplesOf(method === 'fit' ? args[0] : undefined, config),
      } as Omit<FitStartEvent, 'runId' | 'seq' | 't'>);
    };

    const callback = {
      onBatchEnd: async (batch: number, logs?: Record<string, number>) => {
        if (!fitStarted) emitFitStart();
        const step = this.steps++;
        stepsThisFit++;
        batchesThisEpoch++;
        const loss = logs?.loss ?? NaN;
        const metrics: Record<string, number | null> = {};
        for (const [k, v] of Object.entries(logs ?? {}))
          if (k !== 'loss' && k !== 'batch' && k !== 'size') metrics[k] = finite(v);
        const momentum = momentumOf(model);
        this.opts.emit({
          kind: 'batch',
          step,
          epoch,
          batch,
          loss: finite(loss),
          metrics,
          lr: learningRate(model),
          ...(momentum == null ? {} : { momentum }),
        });
        memory.report(step, this.opts.emit);
        if (probes.gradNorms) {
          const reading = await grads.read(probes.histogramBins);
          if (reading) {
            const layers = layerNorms(reading.variables, layerOf);
            this.opts.emit({
              kind: 'grad-norms',
              step,
              variables: mapValues(reading.variables, finite),
              layers: mapValues(layers, finite),
              ...(reading.clip
                ? {
                    clip: {
                      ...reading.clip,
                      preNorm: finite(reading.clip.preNorm),
                      postNorm: finite(reading.clip.postNorm),
                    },
                  }
                : {}),
            });
            for (const [variable, h] of Object.entries(reading.histograms ?? {})) {
              this.opts.emit({ kind: 'histogram', step, of: 'grad', layer: layerOf(variable), variable, ...h });
            }
          }
          grads.captureHistograms = probes.histogramEvery > 0 && this.steps % probes.histogramEvery === 0;
        }
        if (probes.histogramEvery > 0 && step % probes.histogramEvery === 0) {
          for (const { layer, variable, ...h } of await readWeightHistograms(
            model.layers as Layer[],
            probes.histogramBins,
          )) {
            this.opts.emit({ kind: 'histogram', step, of: 'weight', layer, variable, ...h });
          }
        }
        if (probes.activationEvery > 0) {
          const reading = await acts.read(probes.histogramBins);
          if (reading) {
            this.opts.emit({
              kind: 'activation-stats',
              step,
              layers: reading.layers.map(l => ({
                ...l,
                mean: finite(l.mean),
                std: finite(l.std),
                min: finite(l.min),
                max: finite(l.max),
              })),
              input:
                reading.input &&
                (mapValues(reading.input as unknown as Record<string, number>, finite) as {
                  mean: number | null;
                  std: number | null;
                  min: number | null;
                  max: number | null;
                }),
            });
            for (const [layer, h] of Object.entries(reading.histograms))
              this.opts.emit({ kind: 'histogram', step, of: 'activation', layer, ...h });
          }
          acts.capture = this.steps % probes.activationEvery === 0;
          acts.captureHistograms =
            acts.capture && probes.histogramEvery > 0 && this.steps % probes.histogramEvery === 0;
        }
        if (probes.deadRelu && dead.layerCount > 0) {
          dead.step();
          if (dead.windowSteps >= probes.deadReluWindow) {
            const reading = await dead.read();
            if (reading) this.opts.emit({ kind: 'dead-units', step, window: reading.window, layers: reading.layers });
          }
        }
        if (!Number.isFinite(loss) && !nonFinite) {
          nonFinite = { step, epoch, batch, value: String(loss) };
          model.stopTraining = true;
        }
        if (this.stopRequested) model.stopTraining = true;
      },
      onEpochEnd: async (ep: number, logs?: Record<string, number>) => {
        // a fit stopped mid-epoch (Stop, a non-finite loss) still calls onEpochEnd: that epoch did not happen
        const cut = stepsPerEpoch != null ? batchesThisEpoch < stepsPerEpoch : this.stopRequested || !!nonFinite;
        if (model.stopTraining && cut) return;
        this.opts.emit({
          kind: 'epoch',
          epoch: ep,
          step: Math.max(0, this.steps - 1),
          logs: mapValues(logs ?? {}, finite),
        });
        await data.probe.epochEnd(ep, Math.max(0, this.steps - 1), fitIndex, this.opts.emit);
        epoch = ep + 1;
      },
      onEpochBegin: async (ep: number) => {
        epoch = ep;
        batchesThisEpoch = 0;
      },
    };
    // tfjs takes either plain callback objects or BaseCallback instances, never a mix: wrap the plain ones (ours too)
    // so a job's real callbacks (tf.callbacks.earlyStopping, the toolkit's schedules) keep working.
    const yieldEvery = (config as { yieldEvery?: unknown }).yieldEvery as ConstructorParameters<
      Tf['CustomCallback']
    >[1];
    const asCallback = (c: unknown) =>
      isBaseCallback(c) ? c : new tf.CustomCallback(c as ConstructorParameters<Tf['CustomCallback']>[0], yieldEvery);
    config.callbacks = [...toArray(config.callbacks).map(asCallback), asCallback(callback)];
    const callArgs = [...args];
    callArgs[configIndex] = config;

    if (probes.gradNorms && model.optimizer) {
      grads.captureHistograms = probes.histogramEvery > 0 && this.steps % probes.histogramEvery === 0;
      grads.install(model.optimizer);
    }
    if (probes.deadRelu) dead.install(model.layers as Layer[], taps);
    if (probes.activationEvery > 0) {
      acts.install(model.layers as Layer[], taps);
      acts.capture = this.steps % probes.activationEvery === 0;
      acts.captureHistograms = acts.capture && probes.histogramEvery > 0 && this.steps % probes.histogramEvery === 0;
    }
    // the data as tfjs will split it, before the first step (src/probes/data.ts)
    const data = await DataProbe.start(
      tf,
      model,
      {
        method,
        args,
        config,
        fitIndex,
        location,
        compileLocation: compileSites.get(model),
        loss: lossName(model),
        outputActivation: summarize(model.layers).at(-1)?.activation ?? null,
      },
      this.opts.emit,
    );
    this.opts.emit(data.report);
    this.active.add(model);
    try {
      let result: unknown;
      try {
        result = await original.apply(model, callArgs);
      } catch (e) {
        const kernel = missingWasmKernel(e);
        if (!kernel || stepsThisFit > 0) throw e;
        // No update was applied (the gradient kernel failed), so training can restart on cpu from the same state.
        this.opts.emit({
          kind: 'log',
          level: 'warn',
          stream: 'runner',
          text: `The wasm backend has no '${kernel}' kernel (needed to train this model); switching to the cpu backend.`,
        });
        await tf.setBackend('cpu');
        result = await original.apply(model, callArgs);
      }
      if (nonFinite) {
        const where = location ? ` (fit called at ${location.file}:${location.line})` : '';
        const err = new NonFiniteLossError(
          `Loss became ${nonFinite.value} at step ${nonFinite.step} (epoch ${nonFinite.epoch + 1}, batch ${nonFinite.batch + 1}); training stopped${where}`,
          location,
        );
        err.stack = `${err.name}: ${err.message}\n${stackFrames(callSite.stack)}`;
        throw err;
      }
      if (this.stopRequested) throw new CancelledError();
      return result;
    } catch (e) {
      // tfjs validates inputs after an await inside fit: the error's stack has no frame of the user's code. Say
      // where fit was called instead.
      if (
        e instanceof Error &&
        !(e instanceof CancelledError) &&
        location &&
        !userLocation(e.stack, this.opts.isUserFile)
      ) {
        (e as Error & { fitLocation?: SourceLocation }).fitLocation = location;
      }
      throw e;
    } finally {
      if (probes.deadRelu && dead.windowSteps > 0) {
        const reading = await dead.read();
        if (reading)
          this.opts.emit({
            kind: 'dead-units',
            step: Math.max(0, this.steps - 1),
            window: reading.window,
            layers: reading.layers,
          });
      }
      this.active.delete(model);
      memory.report(Math.max(0, this.steps - 1), this.opts.emit, true); // what the run holds once fit is done
      grads.uninstall();
      taps.uninstall();
      dead.dispose();
      acts.dispose();
      data.probe.dispose();
    }
  }
}

function isBaseCallback(c: unknown): boolean {
  const cb = c as { setParams?: unknown; setModel?: unknown } | null;
  return typeof cb?.setParams === 'function' && typeof cb?.setModel === 'function';
}

function toArray(callbacks: unknown): unknown[] {
  if (callbacks == null) return [];
  return Array.isArray(callbacks) ? callbacks : [callbacks];
}

function mapValues<T, U>(o: Record<string, T>, f: (v: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}
