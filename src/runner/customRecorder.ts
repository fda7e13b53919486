/** Turns the toolkit's `log` / `logHistogram` calls into run events (src/toolkit/customLog.ts). */
import type { EventBody } from '../protocol';
import { finite } from '../protocol/events';
import { histogram } from '../probes/histogram';
import type { CustomRecorder } from '../toolkit/customLog';

/** `currentStep`: the step a call without one is recorded at (the last batch fit finished). */
export function customRecorder(emit: (body: EventBody) => void, currentStep: () => number): CustomRecorder {
  return {
    scalar(name, value, step) {
      emit({ kind: 'custom-scalar', name, step: step ?? currentStep(), value: finite(value) });
    },
    histogram(name, values, step) {
      emit({ kind: 'custom-histogram', name, step: step ?? currentStep(), ...histogram(values) });
    },
  };
}
