/**
 * What a guideline rule concludes about a model (a Verdict: code, message, evidence, where, the edit it suggests) and
 * the helpers every rule uses to word it. Shared by judge.ts (layers, model) and its output/optimizer rules.
 */
import type { Finding } from '../protocol/events';
import type { InitRow } from './tables';
import type { LintSettings, StaticCode, Severity } from './settings';

/** The edit a verdict suggests, as data: the lint rules turn it into text edits when the source allows. */
export type FixHint<L> =
  | {
      kind: 'initializer';
      layer: L;
      target: string;
      why: 'constant' | 'mismatch' | 'selu';
      row?: InitRow;
      activation?: string;
    }
  | { kind: 'alpha-dropout'; layer: L }
  | { kind: 'elu-he'; layer: L }
  | { kind: 'batch-norm' }
  | { kind: 'output-activation'; layer: L; value: string }
  /** momentum (the default configuration's optimizer), and RMSProp as a second choice for AdaGrad */
  | { kind: 'optimizer'; rmsprop: boolean };

/** What a finding points at: a layer (its call, or the initializer or rate value in its config), the model, the optimizer. */
export type Target<L> = { part: 'call' | 'initializer' | 'rate'; layer: L } | { part: 'model' | 'optimizer' | 'lr' };

export interface Verdict<L> {
  code: StaticCode;
  /** undefined: DEFAULT_SEVERITY */
  severity?: Severity;
  message: string;
  evidence: Finding['evidence'];
  rule: string;
  /** the finding's `layer` */
  label?: string;
  at: Target<L>;
  fix?: FixHint<L>;
}

export interface JudgeOptions<L> {
  settings: LintSettings;
  /** how findings name a layer */
  label(layer: L): string;
  /** how the job spells `tf.layers` (`tf.layers`, `layers`), to name alphaDropout in advice */
  layerNamespace?(layer: L): string | undefined;
}

/**
 * Message texts by the values they depend on: a file repeats the same few situations many times, and building
 * the long texts dominated the linter's time. Bounded: the keys are a handful of names and numbers.
 */
const messages = new Map<string, string>();
export function message(key: string, build: () => string): string {
  let m = messages.get(key);
  if (m === undefined) {
    if (messages.size > 2000) messages.clear();
    messages.set(key, (m = build()));
  }
  return m;
}

export const cite = (source: string) => ` [${source}]`;
