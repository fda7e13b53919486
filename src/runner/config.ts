/** What the host passes to a run's child process (env TRAINING_LENS_RUN, JSON), and the child->host IPC shape. */
import type { BackendPreference } from './backend';
import type { ProbeSettings } from './instrument';
import type { RunEvent } from '../protocol';

export const RUN_CONFIG_ENV = 'TRAINING_LENS_RUN';

export interface RunConfig {
  runId: string;
  jobFile: string;
  runDir: string;
  backend: BackendPreference;
  epochs?: number;
  probes: ProbeSettings;
  /** folder with the wasm binaries shipped in the build */
  wasmDir?: string;
}

/** host -> child */
export type HostCommand = { type: 'stop' };
/** child -> host: one event per message */
export type ChildMessage = { type: 'event'; event: RunEvent };
