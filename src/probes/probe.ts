/**
 * The contract every probe of a fit follows. A probe attaches when fit starts (it may decline: nothing to measure
 * on this model, or switched off), is called after every training step and every epoch, and detaches when fit ends,
 * however it ends. Probes must not change what training computes; they only emit events.
 */
import type { EpochEvent, EventBody } from '../protocol';
import type { Tf, LayersModel } from '../tf/types';
import type { LayerTaps } from './layerTaps';
import type { FitData } from './data';
import { DEFAULT_BUDGET, type ProbeSchedule } from './schedule';

export type Emit = (body: EventBody) => void;

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
  /** gradient norms on every step; otherwise spaced to stay within `budget` (schedule.ts) */
  everyStep?: boolean;
  /** share of training time the probes' measured time may take before readings are spaced (DEFAULT_BUDGET) */
  budget?: number;
}

export const DEFAULT_PROBES: ProbeSettings = {
  gradNorms: true,
  deadRelu: true,
  deadReluWindow: 20,
  histogramEvery: 50,
  histogramBins: 30,
  activationEvery: 25,
  everyStep: false,
  budget: DEFAULT_BUDGET,
};

/** What a probe sees of the fit it measures. */
export interface FitContext {
  tf: Tf;
  model: LayersModel;
  /** the fit call as tfjs receives it, and what the data probe reports with it */
  fit: FitData;
  settings: ProbeSettings;
  /** the layer wrappers shared by every probe that reads a layer's output (removed by the owner after detach) */
  taps: LayerTaps;
  emit: Emit;
  /** the run's index of the first step this fit takes */
  firstStep: number;
  /** which steps take the gradient readings (the running step: `schedule.reads`) */
  schedule: ProbeSchedule;
  /** the layer a trainable variable belongs to */
  layerOf: (variable: string) => string;
  isUserFile?: (file: string) => boolean;
}

/** what probes add to an epoch's event, measured at its end before the event goes out */
export type EpochMeasures = Pick<EpochEvent, 'endLoss'>;

export interface AttachedProbe {
  /** after a training step; `step` is the run's step index (the next step is step + 1) */
  afterStep?(step: number): void | Promise<void>;
  /** at the end of an epoch that ran to its end, before its event: fields the event carries */
  atEpochEnd?(epoch: number): Promise<EpochMeasures>;
  /** after the epoch event of an epoch that ran to its end; `step` is the run's last step */
  afterEpoch?(epoch: number, step: number): void | Promise<void>;
  /** fit is over (done, stopped or failed): the last readings, then every hook removed; `step` is the last step */
  detach(step: number): void | Promise<void>;
}

export interface Probe {
  name: string;
  /** before fit's first step; undefined when it has nothing to measure on this fit */
  attach(fit: FitContext): AttachedProbe | undefined | Promise<AttachedProbe | undefined>;
}
