/**
 * Instruments `LayersModel.prototype.fit` / `fitDataset` (Sequential delegates to an inner LayersModel, so this
 * catches every model) without changing what they compute: one appended callback emits the batch and epoch events
 * and drives the probes of `src/probes/registry.ts`, attached at fit start and detached when fit ends.
 */
import type { EventBody, FitStartEvent, SourceLocation } from '../protocol';
import { finite } from '../protocol';
import type { Tf, LayersModel } from '../tf/types';
import { LayerTaps } from '../probes/layerTaps';
import { ProbeSchedule, DEFAULT_BUDGET } from '../probes/schedule';
import { PROBES } from '../probes/registry';
import type { AttachedProbe, EpochMeasures, FitContext, ProbeSettings } from '../probes/probe';
import { missingWasmKernel } from './backend';
import { userLocation, stackFrames, CallerLocations } from '../stack/frames';
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

export { DEFAULT_PROBES, type ProbeSettings } from '../probes/probe';

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
  /** per model: when its gradient readings are taken (what they cost carries over from one fit to the next) */
  private readonly schedules = new WeakMap<LayersModel, ProbeSchedule>();
  private readonly pending = new Set<Promise<unknown>>();
  private restorers: Array<() => void> = [];
  private stopRequested = false;
  private fitCount = 0;
  /** global step counter across all fit calls of the run */
  steps = 0;
  private readonly callers: CallerLocations;

  constructor(
    private readonly tf: Tf,
    private readonly opts: InstrumentOptions,
  ) {
    this.callers = new CallerLocations(opts.isUserFile);
  }

  install(): void {
    const proto = this.tf.LayersModel.prototype as unknown as Record<string, AnyFit>;
    const compile = proto.compile as unknown as (this: LayersModel, ...a: unknown[]) => void;
    const callers = this.callers;
    (proto as unknown as Record<string, unknown>).compile = function (this: LayersModel, ...args: unknown[]) {
      const location = callers.locate();
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
    // its stack is formatted (source-mapped) only if the fit fails
    const callSite = new Error('fit called here');
    const location = this.callers.locate();
    const configIndex = method === 'fit' ? 2 : 1;
    const config: FitArgs = { ...((args[configIndex] as FitArgs | undefined) ?? {}) };
    if (this.opts.epochsOverride) config.epochs = this.opts.epochsOverride;
    (config as { verbose?: number }).verbose = 0; // tfjs-node's Keras-style progress lines: the run's epoch events say it
    const fitIndex = this.fitCount++;
    const probes = this.opts.probes;
    let schedule = this.schedules.get(model);
    if (schedule) schedule.beginFit(this.steps);
    else {
      const { everyStep = false, budget = DEFAULT_BUDGET, activationEvery, histogramEvery } = probes;
      schedule = new ProbeSchedule({ everyStep, budget, activationEvery, histogramEvery }, this.steps);
      this.schedules.set(model, schedule);
    }
    const charge = schedule.charge.bind(schedule);
    const taps = new LayerTaps(tf, charge);
    /** when the previous step's probes were done: a step's wall time runs from there to its onBatchEnd */
    let stepStart = 0;
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
    const layers = summarize(model.layers);
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
        layers,
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
        const ended = performance.now();
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
        schedule.loss(step, loss);
        taps.flush();
        for (const probe of attached) await probe.afterStep?.(step);
        const done = performance.now();
        schedule.next(step, ended - stepStart, done - ended);
        stepStart = done;
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
        const measured: EpochMeasures = {};
        for (const probe of attached) Object.assign(measured, await probe.atEpochEnd?.(ep));
        this.opts.emit({
          kind: 'epoch',
          epoch: ep,
          step: Math.max(0, this.steps - 1),
          logs: mapValues(logs ?? {}, finite),
          ...measured,
        });
        for (const probe of attached) await probe.afterEpoch?.(ep, Math.max(0, this.steps - 1));
        epoch = ep + 1;
      },
      onEpochBegin: async (ep: number) => {
        epoch = ep;
        batchesThisEpoch = 0;
        schedule.epochBegin(this.steps);
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

    const context: FitContext = {
      tf,
      model,
      fit: {
        method,
        args,
        config,
        fitIndex,
        location,
        compileLocation: compileSites.get(model),
        loss: lossName(model),
        outputActivation: layers.at(-1)?.activation ?? null,
      },
      settings: this.opts.probes,
      taps,
      emit: this.opts.emit,
      firstStep: this.steps,
      schedule,
      layerOf,
      isUserFile: this.opts.isUserFile,
    };
    const attached: AttachedProbe[] = [];
    try {
      for (const probe of PROBES) {
        const a = await probe.attach(context);
        if (a) attached.push(a);
      }
    } catch (e) {
      await detachAll(attached, taps, Math.max(0, this.steps - 1));
      throw e;
    }
    this.active.add(model);
    try {
      let result: unknown;
      stepStart = performance.now();
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
      this.active.delete(model);
      await detachAll(attached, taps, Math.max(0, this.steps - 1));
    }
  }
}

/** Detaches in reverse order (the last memory sample after every other probe's last reading), then the taps. */
async function detachAll(attached: AttachedProbe[], taps: LayerTaps, lastStep: number): Promise<void> {
  let failure: unknown;
  for (const probe of [...attached].reverse()) {
    try {
      await probe.detach(lastStep);
    } catch (e) {
      failure ??= e;
    }
  }
  taps.uninstall();
  if (failure) throw failure;
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
