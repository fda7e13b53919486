/**
 * What the host passes to a run's child process, and how they talk. The configuration travels in a file in the run
 * folder (env TRAINING_LENS_RUN names it): a patched job source can be far bigger than an environment variable may
 * be (E2BIG past 128 kB). Events go child -> host as NDJSON on their own pipe (fd EVENTS_FD), written
 * synchronously: a full pipe blocks the job instead of dropping output, and whatever was written before the child
 * exits is delivered. Host -> child commands (stop) go over IPC.
 */
import type { BackendPreference } from './backend';
import type { ProbeSettings } from './instrument';
import type { DiagnosisSettings } from '../detectors/settings';

export const RUN_CONFIG_ENV = 'TRAINING_LENS_RUN';
/** the run configuration's file in the run folder */
export const RUN_CONFIG_FILE = 'run-config.json';
/** the runner's pid, while it runs (a log without run-end whose runner is gone was interrupted) */
export const RUNNER_PID_FILE = 'runner.pid';
/** the child's file descriptor for events (stdio index in the host's fork) */
export const EVENTS_FD = 4;

/** What a run trains and how, as its starter chooses it (the launcher adds who the run is and where it lives). */
export interface RunSettings {
  backend: BackendPreference;
  epochs?: number;
  /**
   * seeds Math.random before the job runs: tfjs draws every seed a job does not give (initializers, dropout, fit's
   * shuffling) from it, so the same seed on the same backend trains the same run
   */
  seed?: number;
  probes: ProbeSettings;
  /** folder with the wasm binaries shipped in the build */
  wasmDir?: string;
  /** thresholds of the runtime rules (defaults: the published values) */
  diagnosis?: Partial<DiagnosisSettings>;
  /** a variant of the job: its patched source (the job file itself is never modified) and what it tries */
  variant?: RunVariant;
  /** hyper-parameter values for this run (a sweep trial): `hparams()` in the job returns them over its defaults */
  hparams?: Record<string, number | string | boolean>;
  /** the sweep this run is a trial of */
  sweep?: { id: string; trial: number };
}

/** The child's whole configuration (the file RUN_CONFIG_ENV names). */
export interface RunConfig extends RunSettings {
  runId: string;
  jobFile: string;
  runDir: string;
}

export { HPARAMS_ENV } from '../toolkit/hparams';

/** The bare import jobs use for the toolkit; the runner resolves it (bundle.ts), the Sweep reads its hparams() call. */
export const TOOLKIT_MODULE = 'training-lens';

export interface RunVariant {
  /** absolute path -> patched text, trained instead of the file's own (which is never written) */
  files: Record<string, string>;
  /** the run this variant is compared with */
  of?: string;
  title: string;
}

/** host -> child */
export type HostCommand = { type: 'stop' };
