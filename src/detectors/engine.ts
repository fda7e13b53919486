/**
 * Runtime diagnosis: reads the event stream of a run (live in the runner, or a saved log) and raises findings with
 * the published rules (thresholds and their sources in settings.ts). The rules live in one file per family under
 * rules/; this file runs them and decides what is raised. False alarms are avoided the AUTOTRAINER way: gradient-
 * and activation-shape symptoms only while the model is not yet learning well, every symptom must persist over
 * several probes, accuracy-history rules wait for part of the planned epochs. One root cause, one finding: a symptom
 * explained by a more fundamental finding (ROOT_LEVEL) is kept as evidence (`suppressed`), not raised, and a symptom
 * whose cause is read by a later probe is held back until then (`hold`). Each finding is raised once per run, with
 * the measured values, the threshold, the steps where it held, and remedies for its cause.
 *
 * Adding a rule family (data pitfalls, guideline checks at fit start): implement RuleFamily (rules/types.ts) and add
 * it to RULE_FAMILIES below, or call `engine.use(family)`.
 */
import { findingKey, foldExplained, type RunEvent, type Finding, type ExplainedSymptom } from '../protocol';
import { RunContext } from './context';
import { DEFAULT_DIAGNOSIS, EXPLAINED_BY, ROOT_LEVEL, type DiagnosisSettings } from './settings';
import { adviceFor } from './advice';
import { Streak } from './streak';
import { Signals, type RuleApi, type RuleFamily, type FindingSpec, type Severity } from './rules/types';
import { OnsetRules } from './rules/onset';
import { GradientRules } from './rules/gradients';
import { UnitRules } from './rules/units';
import { CurveRules } from './rules/curves';
import { HistogramRules } from './rules/histograms';
import { LeakWatch } from './leak';
import { DataDiagnosis } from './data';
import { redundantActivation } from './outputs';
import { checkFitModel } from '../guidelines/modelCheck';
import { firstEpochFrom } from './epochIndex';

export { peakTroughSwings } from './rules/curves';
export type { RuleFamily, RuleApi } from './rules/types';

/** The rule families every engine runs, in this order for each event (each built with the engine's settings). */
export const RULE_FAMILIES: Array<(settings: DiagnosisSettings) => RuleFamily> = [
  // data pitfalls first: they explain what the optimization then shows
  s => {
    const data = new DataDiagnosis(s);
    return {
      observe: (e, api) => {
        for (const f of data.observe(e, api.ctx)) api.raise(f);
        if (e.kind === 'fit-start') api.raise(redundantActivation(e, api.ctx));
      },
    };
  },
  () => new OnsetRules(),
  () => new GradientRules(),
  () => new UnitRules(),
  () => new CurveRules(),
  // a TensorBoard logdir's weight and gradient histograms (only there: a Training Lens run measures them directly)
  () => new HistogramRules(),
  // tensors that pile up step after step (tf.memory())
  () => {
    const leaks = new LeakWatch();
    return { observe: (e, api) => api.raise(leaks.observe(e)) };
  },
  // the lint rules on the model tfjs really built (source: 'static'): code the parser cannot follow is covered too
  () => ({
    observe: (e, api) => {
      if (e.kind === 'fit-start') for (const f of checkFitModel(e)) api.raise(f);
    },
  }),
];

/**
 * A finding the engine held back, and why; when a raised finding explains it (`cause`), the runner emits it as an
 * `explained` event (takeExplained) and the cause keeps it as evidence.
 */
export interface Suppressed {
  finding: Finding;
  reason: string;
  cause?: Finding;
}

/** What an `explained` event says: the cause (code, layer) and the symptom, placed where the symptom was seen. */
export interface Explanation {
  cause: { code: string; layer?: string };
  symptom: ExplainedSymptom;
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };
/** `f` is news: its key was not raised yet, or only at a lower severity */
const outranks = (f: Finding, before: Severity | undefined) =>
  before === undefined || SEVERITY_RANK[f.severity] > SEVERITY_RANK[before];

const keyOf = findingKey; // one non-finite finding: the first

export class DiagnosisEngine {
  private readonly ctx = new RunContext();
  /** what was raised per key, at which severity: a key is raised again only at a higher one */
  private readonly raised = new Map<string, Severity>();
  private readonly s: DiagnosisSettings;
  private readonly families: RuleFamily[];
  private readonly api: RuleApi;
  private readonly signals = new Signals();
  private readonly streak = new Streak();
  /** symptoms waiting for the probe that may reveal their cause: raised at `untilStep` unless explained by then */
  private pending: Array<{ finding: Finding; untilStep: number }> = [];
  private out: Finding[] = [];
  readonly findings: Finding[] = [];
  readonly suppressed: Suppressed[] = [];
  /** suppressed symptoms with a raised cause, not yet taken by takeExplained */
  private explainedOut: Explanation[] = [];

  constructor(settings: Partial<DiagnosisSettings> = {}, families?: RuleFamily[]) {
    this.s = { ...DEFAULT_DIAGNOSIS, ...settings };
    this.families = families ? [...families] : RULE_FAMILIES.map(f => f(this.s));
    this.api = {
      ctx: this.ctx,
      s: this.s,
      signals: this.signals,
      streak: this.streak,
      findings: this.findings,
      make: (code, severity, message, spec) => this.make(code, severity, message, spec),
      raise: f => this.raise(f),
      hold: (f, steps) => this.hold(f, steps),
    };
  }

  get settings(): Readonly<DiagnosisSettings> {
    return this.s;
  }

  /** Raises the symptoms still held back (a saved log that ends without run-end). */
  finish(): Finding[] {
    this.out = [];
    this.release(true);
    return this.out;
  }

  /**
   * The symptoms explained by a raised finding since the last call (each once per run): what the runner emits as
   * `explained` events after the findings of the same event.
   */
  takeExplained(): Explanation[] {
    const out = this.explainedOut;
    this.explainedOut = [];
    return out;
  }

  /** Adds a rule family (it sees every later event). */
  use(family: RuleFamily): this {
    this.families.push(family);
    return this;
  }

  /** Feeds one event; returns the findings it raised (usually none). */
  observe(e: RunEvent): Finding[] {
    this.out = [];
    const c = this.ctx;
    switch (e.kind) {
      case 'fit-start':
        c.startFit(e);
        this.streak.clear();
        this.signals.resetFit();
        break;
      case 'batch':
        c.onBatch(e.loss, e.metrics, e.lr);
        break;
      case 'epoch':
        c.onEpoch({ epoch: e.epoch, step: e.step, logs: e.logs, endLoss: e.endLoss?.loss });
        break;
    }
    for (const family of this.families) family.observe(e, this.api);
    // the fit's last epoch ends: nothing more will be measured, so the held symptoms go out before run-end
    const lastEpoch = e.kind === 'epoch' && c.plannedEpochs > 0 && c.epochs.length >= c.plannedEpochs;
    this.release(e.kind === 'run-end' || lastEpoch);
    return this.out;
  }

  private raise(f: Finding | undefined): void {
    if (!f) return;
    const key = keyOf(f);
    const before = this.raised.get(key);
    if (!outranks(f, before)) return;
    const why = this.explained(f, levelOf(f));
    if (why) {
      // held back once while its cause was pending, and now explained by a raised one: the cause gets it as evidence
      const held = this.suppressed.find(x => keyOf(x.finding) === key);
      if (held && (held.cause || !why.cause)) return;
      if (held) Object.assign(held, why);
      else this.suppressed.push({ finding: f, ...why });
      if (why.cause)
        this.explainedOut.push({ cause: { code: why.cause.code, layer: why.cause.layer }, symptom: symptomOf(f) });
      return;
    }
    this.raised.set(key, f.severity);
    this.pending = this.pending.filter(p => keyOf(p.finding) !== key);
    // raised again at a higher severity (the evidence grew): it replaces the earlier one, here and for every reader
    // of the run (protocol: addFinding)
    if (before !== undefined)
      this.findings.splice(
        this.findings.findIndex(g => keyOf(g) === key),
        1,
        f,
      );
    else this.findings.push(f);
    this.out.push(f);
  }

  private hold(f: Finding | undefined, steps: number): void {
    if (!f || !outranks(f, this.raised.get(keyOf(f))) || this.pending.some(p => keyOf(p.finding) === keyOf(f))) return;
    if (steps <= 0) return this.raise(f);
    this.pending.push({ finding: f, untilStep: this.ctx.step + steps });
  }

  /** Raises (or suppresses, when explained meanwhile) the held symptoms whose wait is over. */
  private release(all: boolean): void {
    const due = this.pending.filter(p => all || this.ctx.step >= p.untilStep);
    if (!due.length) return;
    this.pending = this.pending.filter(p => !due.includes(p));
    for (const p of due) this.raise(p.finding);
  }

  /** Why a finding is explained by a more fundamental one (undefined: report it). */
  private explained(f: Finding, level: number | undefined): { reason: string; cause?: Finding } | undefined {
    const cause = this.findings.find(g => EXPLAINED_BY[f.code]?.includes(g.code));
    if (cause) return { reason: `explained by ${cause.code}`, cause };
    if (level === undefined) return undefined;
    const higher = this.findings.find(g => (levelOf(g) ?? Infinity) < level);
    if (higher)
      return { reason: `explained by ${higher.code}${higher.layer ? ` in ${higher.layer}` : ''}`, cause: higher };
    const sig = this.signals;
    if (level >= 3 && sig.zeroSinceStart.size > 0 && f.code !== 'unchanged-weights')
      return { reason: 'constant kernels have received no gradient since the first step (pending unchanged-weights)' };
    if (
      level >= 4 &&
      (this.streak.holding('vg', 'eg', 'sat|', 'satlow|', 'zero|') ||
        [...sig.deadFraction.values()].some(x => x >= this.s.deadReluFraction))
    ) {
      return { reason: 'a layer symptom is holding (pending)' };
    }
    return undefined;
  }

  private make(code: string, severity: Severity, message: string, opts: FindingSpec): Finding {
    const c = this.ctx;
    // every finding has a place: the layer's line, else the rule's own site, else fit( then compile(
    const fallback =
      (opts.layer?.location ?? opts.location) ? undefined : c.fitSite ? 'fit' : c.compileSite ? 'compile' : undefined;
    const location = opts.location ?? opts.layer?.location ?? c.fitSite;
    const fromEpoch = epochOfStep(c, opts.fromStep),
      toEpoch = epochOfStep(c, opts.toStep);
    return {
      code,
      severity,
      source: 'runtime',
      message,
      layer: opts.layer?.name,
      file: location?.file,
      range: location ? { start: location } : undefined,
      step: opts.fromStep,
      epoch: fromEpoch,
      evidence: fallback && opts.layer ? { ...opts.evidence, placedAt: fallback } : opts.evidence,
      rule: opts.rule,
      held: { fromStep: opts.fromStep, toStep: opts.toStep, fromEpoch, toEpoch },
      advice: adviceFor(code, c, opts.layer, opts.evidence),
    };
  }
}

/** A suppressed finding as its cause keeps it: what it said, and where and when it was seen. */
function symptomOf(f: Finding): ExplainedSymptom {
  const at = f.range?.start;
  return {
    code: f.code,
    ...(f.layer ? { layer: f.layer } : {}),
    message: f.message,
    ...(f.step !== undefined ? { step: f.step } : {}),
    ...(f.epoch !== undefined ? { epoch: f.epoch } : {}),
    ...(at ? { location: at } : {}),
  };
}

/**
 * ROOT_LEVEL, with constant kernels that never got a gradient one level up (they explain the layer symptoms); a
 * logdir layer whose histogram stays the same may be frozen by design, so it explains nothing
 */
function levelOf(f: Finding): number | undefined {
  if (f.code === 'unchanged-weights' && f.evidence.from === 'histogram') return undefined;
  return f.code === 'unchanged-weights' && f.evidence.sinceStart === true ? 2 : ROOT_LEVEL[f.code];
}

function epochOfStep(c: RunContext, step: number): number {
  const i = firstEpochFrom(c.epochs, step); // = c.epochs.findIndex(e => e.step >= step)
  return i >= 0 ? c.epochs[i].epoch : c.epochs.length;
}

/** Runs the engine over a whole saved log. */
export function diagnose(events: RunEvent[], settings?: Partial<DiagnosisSettings>): Finding[] {
  const engine = new DiagnosisEngine(settings);
  for (const e of events) engine.observe(e);
  engine.finish();
  const findings = [...engine.findings];
  for (const x of engine.takeExplained()) foldExplained(findings, x);
  return findings;
}
