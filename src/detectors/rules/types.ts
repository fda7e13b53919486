/**
 * The contract between the diagnosis engine and its rule families (one file per family in this folder). A family
 * sees every event after the engine has updated the run context, and raises findings through the engine, which
 * applies "root cause over symptom" (ROOT_LEVEL) and raises each finding once per run. Another family (data
 * pitfalls, guideline checks at fit start) plugs in by implementing RuleFamily and joining RULE_FAMILIES in
 * engine.ts, or by `engine.use(family)`.
 */
import type { RunEvent, Finding, LayerSummary, SourceLocation } from '../../protocol';
import type { RunContext } from '../context';
import type { DiagnosisSettings } from '../settings';
import type { Streak } from '../streak';

export type Severity = Finding['severity'];
export type Evidence = Finding['evidence'];

export interface FindingSpec {
  layer?: LayerSummary;
  /** where to point (default: the layer's line, else fit, else compile) */
  location?: SourceLocation;
  evidence: Evidence;
  rule: string;
  fromStep: number;
  toStep: number;
}

/** Measurements one family makes and others read (a cause found by one explains a symptom seen by another). */
export class Signals {
  /** latest dead fraction per ReLU layer */
  readonly deadFraction = new Map<string, number>();
  /** kernel layers whose gradient has been exactly zero since the first step of the current fit (constant init) */
  readonly zeroSinceStart = new Set<string>();
  /** every kernel's gradient exactly zero (a stall), from which step and for how many steps in a row */
  stall: { fromStep: number; steps: number } | undefined;
  /** latest first/last kernel gradient-norm ratio */
  gradientRatio: number | undefined;
  lastFiniteLoss: number | null = null;
  /** the loss of the current step (whose gradient norms follow its batch event) was NaN/Inf */
  lossNonFinite = false;
  /** per layer, the step its saturation started being held against the init-cause rule */
  readonly saturatedSince = new Map<string, { fromStep: number; probes: number; share: number }>();

  resetFit(): void {
    this.deadFraction.clear();
    this.zeroSinceStart.clear();
    this.stall = undefined;
    this.gradientRatio = undefined;
    this.saturatedSince.clear();
  }
}

export interface RuleApi {
  readonly ctx: RunContext;
  readonly s: DiagnosisSettings;
  readonly signals: Signals;
  /** consecutive-probe bookkeeping shared by the families ('vg', 'eg', 'sat|<layer>', 'zero|<layer>', ...) */
  readonly streak: Streak;
  /** findings raised so far */
  readonly findings: readonly Finding[];
  make(code: string, severity: Severity, message: string, spec: FindingSpec): Finding;
  raise(f: Finding | undefined): void;
  /**
   * Raise `f` only after `steps` more training steps (or at the end of the run), unless a finding that explains it
   * (a more fundamental ROOT_LEVEL) is raised meanwhile: for a symptom measured before the probe that reveals its
   * cause has been read.
   */
  hold(f: Finding | undefined, steps: number): void;
}

export interface RuleFamily {
  observe(e: RunEvent, api: RuleApi): void;
}
