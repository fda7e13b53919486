/**
 * The probes instrumentation attaches to every fit, in the order their events go out after each step: gradient
 * norms (and gradient histograms), memory, weight histograms, activation statistics, dead units; the data probe
 * reports at fit start and after each epoch. Memory follows the gradient reading, so the tensors probes hold when it
 * samples do not depend on whether the step was read. They detach in reverse order: the last memory sample follows
 * every other probe's last reading (the gradient probe reads nothing when it detaches).
 */
import { finite } from '../protocol';
import type { Layer } from '../tf/types';
import type { Probe } from './probe';
import { MemoryProbe } from './memory';
import { GradientProbe, layerNorms } from './gradients';
import { readWeightHistograms } from './weights';
import { ActivationProbe } from './activations';
import { DeadReluProbe } from './deadRelu';
import { DataProbe } from './data';
import { EndLoss } from './endLoss';

const mapValues = <T, U>(o: Record<string, T>, f: (v: T) => U): Record<string, U> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));

/** tensors and bytes tfjs holds, sampled after every step and once more when fit is over */
export const memoryProbe: Probe = {
  name: 'memory',
  attach({ tf, emit, isUserFile }) {
    const probe = new MemoryProbe(tf, isUserFile);
    return {
      afterStep: step => probe.report(step, emit),
      detach: step => probe.report(step, emit, true),
    };
  },
};

/**
 * gradient norms per variable and layer on the steps the schedule reads (every step with `everyStep`); the
 * gradients' histograms every `histogramEvery` steps
 */
export const gradientProbe: Probe = {
  name: 'gradients',
  attach({ tf, model, settings, emit, firstStep, layerOf, schedule }) {
    if (!settings.gradNorms || !model.optimizer) return undefined;
    const probe = new GradientProbe(tf, schedule);
    const histogramAt = (step: number) => settings.histogramEvery > 0 && step % settings.histogramEvery === 0;
    probe.captureHistograms = histogramAt(firstStep);
    probe.install(model.optimizer);
    return {
      async afterStep(step) {
        const reading = await probe.read(settings.histogramBins);
        probe.captureHistograms = histogramAt(step + 1);
        if (!reading) return;
        // a non-finite gradient: read every step while it lasts (where it first appears names the layer)
        if (Object.values(reading.variables).some(v => !Number.isFinite(v))) schedule.alarm(step);
        const clip = reading.clip && {
          ...reading.clip,
          preNorm: finite(reading.clip.preNorm),
          postNorm: finite(reading.clip.postNorm),
        };
        emit({
          kind: 'grad-norms',
          step,
          variables: mapValues(reading.variables, finite),
          layers: mapValues(layerNorms(reading.variables, layerOf), finite),
          ...(clip ? { clip } : {}),
        });
        for (const [variable, h] of Object.entries(reading.histograms ?? {}))
          emit({ kind: 'histogram', step, of: 'grad', layer: layerOf(variable), variable, ...h });
      },
      detach: () => probe.uninstall(),
    };
  },
};

/** every trainable weight's distribution every `histogramEvery` steps (the values the next step starts from) */
export const weightProbe: Probe = {
  name: 'weights',
  attach({ model, settings, emit }) {
    if (settings.histogramEvery <= 0) return undefined;
    return {
      async afterStep(step) {
        if (step % settings.histogramEvery !== 0) return;
        const layers = model.layers as Layer[];
        for (const { layer, variable, ...h } of await readWeightHistograms(layers, settings.histogramBins))
          emit({ kind: 'histogram', step, of: 'weight', layer, variable, ...h });
      },
      detach: () => undefined,
    };
  },
};

/** activation statistics (and histograms) of the training forward pass every `activationEvery` steps */
export const activationProbe: Probe = {
  name: 'activations',
  attach({ tf, model, settings, emit, taps, firstStep }) {
    if (settings.activationEvery <= 0) return undefined;
    const probe = new ActivationProbe(tf, settings.histogramBins);
    const schedule = (next: number) => {
      probe.capture = next % settings.activationEvery === 0;
      probe.captureHistograms = probe.capture && settings.histogramEvery > 0 && next % settings.histogramEvery === 0;
    };
    probe.install(model.layers as Layer[], taps);
    schedule(firstStep);
    return {
      async afterStep(step) {
        const reading = await probe.read(settings.histogramBins);
        schedule(step + 1);
        if (!reading) return;
        emit({
          kind: 'activation-stats',
          step,
          layers: reading.layers.map(l => ({
            ...l,
            mean: finite(l.mean),
            std: finite(l.std),
            min: finite(l.min),
            max: finite(l.max),
          })),
          input: reading.input && {
            mean: finite(reading.input.mean),
            std: finite(reading.input.std),
            min: finite(reading.input.min),
            max: finite(reading.input.max),
          },
        });
        for (const [layer, h] of Object.entries(reading.histograms))
          emit({ kind: 'histogram', step, of: 'activation', layer, ...h });
      },
      detach: () => probe.dispose(),
    };
  },
};

/**
 * ReLU units that stayed at 0 for every sample of the last `deadReluWindow` steps (the steps read in them), and of
 * the fit's last steps
 */
export const deadReluProbe: Probe = {
  name: 'dead-relu',
  attach({ tf, model, settings, emit, taps, schedule }) {
    if (!settings.deadRelu) return undefined;
    const probe = new DeadReluProbe(tf);
    // on the schedule's reading steps: a pass over every ReLU output costs ~1-2% of a conv net's step
    probe.install(model.layers as Layer[], taps, () => schedule.reads);
    if (probe.layerCount === 0) return undefined;
    const report = async (step: number) => {
      const reading = await probe.read();
      if (reading) emit({ kind: 'dead-units', step, window: reading.window, layers: reading.layers });
    };
    return {
      async afterStep(step) {
        probe.step();
        if (probe.windowSteps >= settings.deadReluWindow) await report(step);
      },
      async detach(step) {
        try {
          if (probe.windowSteps > 0) await report(step);
        } finally {
          probe.dispose();
        }
      },
    };
  },
};

/** the fit's data as tfjs will split it, before the first step; per-class results after each epoch */
export const dataProbe: Probe = {
  name: 'data',
  async attach({ tf, model, fit, emit }) {
    const { probe, report } = await DataProbe.start(tf, model, fit, emit);
    emit(report);
    return {
      afterEpoch: (epoch, step) => probe.epochEnd(epoch, step, fit.fitIndex, emit),
      detach: () => probe.dispose(),
    };
  },
};

/**
 * the training loss at each epoch's end weights on a fixed training sample, when the fit validates: what val_loss
 * is compared with to tell overfitting from an epoch that ended at worse weights
 */
export const endLossProbe: Probe = {
  name: 'end-loss',
  attach({ tf, model, fit }) {
    const probe = EndLoss.start(tf, model, fit);
    if (!probe) return undefined;
    return {
      async atEpochEnd() {
        try {
          return { endLoss: { loss: await probe.measure(), samples: probe.samples } };
        } catch {
          return {}; // a model the sample cannot be evaluated on: the epoch goes out without it
        }
      },
      detach: () => probe.dispose(),
    };
  },
};

export const PROBES: readonly Probe[] = [
  gradientProbe,
  memoryProbe,
  weightProbe,
  activationProbe,
  deadReluProbe,
  dataProbe,
  endLossProbe,
];
