/**
 * Runtime diagnosis: reads the event stream of a run (live in the runner, or a saved log) and raises findings
 * with the published rules (GUIDELINES.md G7; thresholds and their sources in settings.ts). False alarms are avoided
 * the AUTOTRAINER way: gradient- and activation-shape symptoms only while the model is not yet learning well, every
 * symptom must persist over several probes, accuracy-history rules wait for part of the planned epochs, and a
 * symptom explained by a more fundamental one already found is not reported again (ROOT_LEVEL). Each finding is
 * raised once per run, with the measured values, the threshold, the steps where it held, and remedies for this model.
 */
import type { RunEvent, Finding, LayerSummary, SourceLocation } from '../protocol';
import { RunContext, accuracyOf, valAccuracyOf } from './context';
import { DEFAULT_DIAGNOSIS, EXPLAINED_BY, RULE_SOURCES, ROOT_LEVEL, type DiagnosisSettings } from './settings';
import { adviceFor } from './advice';
import { DataDiagnosis } from './data';

type Severity = Finding['severity'];
type Evidence = Finding['evidence'];

/** A symptom's consecutive run: from which step it has held, how many probes. */
class Streak {
  private since = new Map<string, { fromStep: number; count: number }>();
  hit(key: string, step: number): number {
    const s = this.since.get(key) ?? { fromStep: step, count: 0 };
    s.count++;
    this.since.set(key, s);
    return s.count;
  }
  miss(key: string): void { this.since.delete(key); }
  from(key: string): number { return this.since.get(key)?.fromStep ?? 0; }
  count(key: string): number { return this.since.get(key)?.count ?? 0; }
  /** any symptom whose key starts with one of the prefixes is holding */
  holding(...prefixes: string[]): boolean {
    for (const [k, s] of this.since) if (s.count > 0 && prefixes.some(p => k.startsWith(p))) return true;
    return false;
  }
  clear(): void { this.since.clear(); }
}

/** A finding the engine held back, and why (for tests and the curious; never emitted). */
export interface Suppressed { finding: Finding; reason: string }

export class DiagnosisEngine {
  private readonly ctx = new RunContext();
  private readonly raised = new Set<string>();
  private readonly streak = new Streak();
  private readonly s: DiagnosisSettings;
  /** latest dead fraction per ReLU layer */
  private readonly deadFraction = new Map<string, number>();
  /** kernel layers whose gradient has been exactly zero since the first step of the current fit */
  private readonly zeroSinceStart = new Set<string>();
  private firstGradStep: number | undefined;
  /** the first loss, waiting for the input range (so that unnormalized inputs explain it) */
  private pendingInitialLoss: { loss: number; step: number } | undefined;
  private lastFiniteLoss: number | null = null;
  /** the loss of the current step (whose gradient norms follow its batch event) was NaN/Inf */
  private lossNonFinite = false;
  readonly findings: Finding[] = [];
  readonly suppressed: Suppressed[] = [];
  private readonly data: DataDiagnosis;

  constructor(settings: Partial<DiagnosisSettings> = {}) {
    this.s = { ...DEFAULT_DIAGNOSIS, ...settings };
    this.data = new DataDiagnosis(this.s);
  }

  get settings(): Readonly<DiagnosisSettings> { return this.s; }

  /** Feeds one event; returns the findings it raised (usually none). */
  observe(e: RunEvent): Finding[] {
    const out: Finding[] = [];
    const raise = (f: Finding | undefined) => {
      if (!f) return;
      const level = levelOf(f);
      const key = f.code === 'non-finite' ? f.code : `${f.code}|${f.layer ?? ''}`; // one non-finite finding: the first
      if (this.raised.has(key)) return;
      const reason = this.explained(f, level);
      if (reason) {
        if (!this.suppressed.some(x => x.finding.code === f.code && x.finding.layer === f.layer)) this.suppressed.push({ finding: f, reason });
        return;
      }
      this.raised.add(key);
      this.findings.push(f);
      out.push(f);
    };
    const c = this.ctx;
    for (const f of this.data.observe(e, c)) raise(f); // data pitfalls (src/detectors/data.ts)
    switch (e.kind) {
      case 'fit-start':
        c.startFit(e);
        this.streak.clear();
        this.deadFraction.clear();
        this.zeroSinceStart.clear();
        this.firstGradStep = undefined;
        break;
      case 'batch':
        this.flushInitialLoss(raise);
        c.onBatch(e.loss, e.metrics, e.lr);
        this.lossNonFinite = e.loss === null;
        // A NaN loss is the optimizer's doing (pointed at compile) unless the output cannot feed the loss: a
        // crossentropy over outputs that are not probabilities divides 0 by 0 or takes the log of a negative.
        if (e.loss === null) raise(this.nonFinite(e.step, 'loss', this.outputMismatch() ? c.outputLayer : undefined));
        else this.lastFiniteLoss = e.loss;
        if (c.step === 1 && e.loss !== null) this.pendingInitialLoss = { loss: e.loss, step: e.step };
        break;
      case 'grad-norms':
        for (const f of this.gradients(e.step, e.variables)) raise(f);
        break;
      case 'dead-units':
        for (const l of e.layers) raise(this.deadRelu(e.step, e.window, l.layer, l.dead, l.total));
        break;
      case 'activation-stats':
        if (e.input) raise(this.input(e.step, e.input));
        this.flushInitialLoss(raise);
        for (const l of e.layers) raise(this.saturation(e.step, l.layer, l.activation, l.saturated));
        break;
      case 'epoch':
        this.flushInitialLoss(raise);
        c.onEpoch({ epoch: e.epoch, step: e.step, logs: e.logs });
        for (const f of this.curves(e.step)) raise(f);
        break;
      case 'run-end':
        this.flushInitialLoss(raise);
        break;
    }
    return out;
  }

  /** Why a finding is explained by a more fundamental one (undefined: report it). */
  private explained(f: Finding, level: number | undefined): string | undefined {
    const cause = this.findings.find(g => EXPLAINED_BY[f.code]?.includes(g.code));
    if (cause) return `explained by ${cause.code}`;
    if (level === undefined) return undefined;
    const higher = this.findings.find(g => (levelOf(g) ?? Infinity) < level);
    if (higher) return `explained by ${higher.code}${higher.layer ? ` in ${higher.layer}` : ''}`;
    if (level >= 3 && this.zeroSinceStart.size > 0 && f.code !== 'unchanged-weights') return 'constant kernels have received no gradient since the first step (pending unchanged-weights)';
    if (level >= 4 && (this.streak.holding('vg', 'eg', 'sat|', 'zero|') || [...this.deadFraction.values()].some(x => x >= this.s.deadReluFraction))) {
      return 'a layer symptom is holding (pending)';
    }
    return undefined;
  }

  private make(code: string, severity: Severity, message: string, opts: {
    layer?: LayerSummary; location?: SourceLocation; evidence: Evidence; rule: string; fromStep: number; toStep: number;
  }): Finding {
    const c = this.ctx;
    const location = opts.location ?? opts.layer?.location;
    const fromEpoch = epochOfStep(c, opts.fromStep), toEpoch = epochOfStep(c, opts.toStep);
    return {
      code, severity, source: 'runtime', message,
      layer: opts.layer?.name,
      file: location?.file,
      range: location ? { start: location } : undefined,
      step: opts.fromStep,
      epoch: fromEpoch,
      evidence: opts.evidence,
      rule: opts.rule,
      held: { fromStep: opts.fromStep, toStep: opts.toStep, fromEpoch, toEpoch },
      advice: adviceFor(code, c, opts.layer),
    };
  }

  private nonFinite(step: number, what: 'loss' | 'gradient', layer: LayerSummary | undefined, variables?: string[]): Finding {
    const c = this.ctx;
    const message = what === 'loss'
      ? `The loss became NaN or Infinity at step ${step} (epoch ${c.epoch + 1}; last finite loss ${fmt(this.lastFiniteLoss)})${layer ? `: ${layer.name} has ${layer.activation ?? 'linear'} activation, which ${c.fit?.loss} cannot take as probabilities` : ''}. From then on training is meaningless.`
      : `The gradient of ${layer?.name ?? variables?.[0] ?? 'a layer'} became NaN or Infinity at step ${step} (epoch ${c.epoch + 1}) while the loss was still finite (${variables?.length ?? 0} of ${Object.keys(c.fit?.variables ?? {}).length} variables non-finite${layer && layer === c.outputLayer ? ': it starts at the loss' : ''}); the next update writes NaN into the weights.`;
    return this.make('non-finite', 'error', message, {
      layer, location: layer ? undefined : c.compileSite,
      evidence: { step, what, lastFiniteLoss: this.lastFiniteLoss, lr: c.lr, threshold: 'finite', ...(variables ? { variables: variables.join(', ') } : {}) },
      rule: RULE_SOURCES.nonFinite, fromStep: step, toStep: step,
    });
  }

  /** The output activation does not produce what the loss expects (probabilities for a crossentropy). */
  private outputMismatch(): boolean {
    const out = this.ctx.outputLayer, lossName = this.ctx.fit?.loss ?? '';
    return (/categorical/i.test(lossName) && out?.activation !== 'softmax') || (/binary/i.test(lossName) && out?.activation !== 'sigmoid');
  }

  private flushInitialLoss(raise: (f: Finding | undefined) => void): void {
    const p = this.pendingInitialLoss;
    if (!p) return;
    this.pendingInitialLoss = undefined;
    raise(this.initialLoss(p.loss, p.step));
  }

  private initialLoss(loss: number, step: number): Finding | undefined {
    const out = this.ctx.outputLayer;
    const lossName = this.ctx.fit?.loss ?? '';
    if (!out || !/crossentropy/i.test(lossName)) return undefined;
    const classes = /binary/i.test(lossName) ? 2 : out.units ?? 0;
    if (classes < 2) return undefined;
    const expected = Math.log(classes);
    const threshold = this.s.initialLossFactor * expected;
    if (Math.abs(loss - expected) < threshold) return undefined;
    const noSoftmax = /categorical/i.test(lossName) && out.activation !== 'softmax';
    return this.make('bad-initial-loss', 'warning',
      `The first loss is ${fmt(loss)}, far from ln(${classes}) = ${expected.toFixed(3)} expected from an untrained ${classes}-class classifier (off by ${fmt(Math.abs(loss - expected))}, threshold ${fmt(threshold)})` +
      (noSoftmax ? `: ${out.name} has ${out.activation ?? 'no'} activation, but ${lossName} expects probabilities (softmax).` : ': the output layer, its initialization or the labels are off.'),
      { layer: out, evidence: { loss, expected, classes, threshold, outputActivation: out.activation ?? 'linear' }, rule: RULE_SOURCES.initialLoss, fromStep: step, toStep: step });
  }

  private gradients(step: number, variables: Record<string, number | null>): Finding[] {
    const c = this.ctx, s = this.s;
    const out: Finding[] = [];
    if (this.firstGradStep === undefined) this.firstGradStep = step;
    const bad = Object.keys(variables).filter(k => variables[k] === null);
    if (bad.length) {
      // The loss of this step was already seen: a non-finite loss is reported there (model-wide, the optimizer's
      // doing). A gradient that turns non-finite while the loss is still finite is localized the way backpropagation
      // runs (DeepLocalize blames where NaN first appears): the layer nearest the loss whose gradient is non-finite;
      // when every layer's is, the NaN comes from the loss itself, through the output layer.
      if (!this.lossNonFinite) {
        const layerOf = (v: string) => c.layers.find(l => v.startsWith(l.name + '/'));
        const at = [...c.layers].reverse().find(l => bad.some(v => layerOf(v) === l));
        out.push(this.nonFinite(step, 'gradient', at, bad));
      }
      return out;
    }
    const kernels = c.kernelLayers();
    const norm = (l: LayerSummary) => {
      const name = Object.keys(variables).find(v => v.startsWith(l.name + '/') && /kernel/.test(v));
      return name ? { value: variables[name]!, size: c.fit?.variables?.[name] ?? 1 } : undefined;
    };

    // Unchanged weights: a kernel that receives exactly zero gradient keeps its weights. From the first step on, with
    // a constant initializer, the initialization is to blame (every unit computes the same); otherwise something
    // stopped the signal: a dead ReLU layer at or before it (reported as dead-relu), or a stall of the whole model.
    const need = Math.max(s.persistence, s.unchangedEpochs * (c.fit?.stepsPerEpoch ?? 10));
    const zero = kernels.filter(l => norm(l)?.value === 0);
    for (const l of kernels) {
      const key = `zero|${l.name}`;
      if (zero.includes(l)) {
        this.streak.hit(key, step);
        if (this.streak.from(key) === this.firstGradStep && isConstantInit(l)) this.zeroSinceStart.add(l.name);
      } else {
        this.streak.miss(key);
        this.zeroSinceStart.delete(l.name);
      }
    }
    for (const l of zero.filter(x => this.zeroSinceStart.has(x.name))) {
      const key = `zero|${l.name}`;
      const count = this.streak.count(key);
      if (count < need) continue;
      out.push(this.make('unchanged-weights', 'error',
        `${l.name}'s kernel has received exactly zero gradient since the first step (${count} steps): its constant initial weights (${l.initializer}) never change.`,
        { layer: l, evidence: { steps: count, threshold: need, gradientNorm: 0, initializer: l.initializer ?? null, sinceStart: true }, rule: RULE_SOURCES.unchanged, fromStep: this.streak.from(key), toStep: step }));
    }
    const stalled = this.deadLayer() ? [] : zero.filter(l => !this.zeroSinceStart.has(l.name));
    if (stalled.length) {
      const all = zero.length === kernels.length;
      const from = Math.max(...stalled.map(l => this.streak.from(`zero|${l.name}`)));
      const count = Math.min(...stalled.map(l => this.streak.count(`zero|${l.name}`)));
      if (count >= need) {
        if (all) {
          out.push(this.make('unchanged-weights', 'error',
            `Training has stalled: every kernel has received exactly zero gradient for ${count} steps (since step ${from}; loss ${fmt(this.lastFiniteLoss)}), so no weight changes any more.`,
            { location: c.compileSite, evidence: { steps: count, threshold: need, gradientNorm: 0, layers: kernels.length, loss: this.lastFiniteLoss, lr: c.lr, sinceStart: false }, rule: RULE_SOURCES.unchanged, fromStep: from, toStep: step }));
        } else {
          for (const l of stalled) {
            out.push(this.make('unchanged-weights', 'error',
              `${l.name}'s kernel has received exactly zero gradient for ${this.streak.count(`zero|${l.name}`)} steps: its weights no longer change.`,
              { layer: l, evidence: { steps: this.streak.count(`zero|${l.name}`), threshold: need, gradientNorm: 0, initializer: l.initializer ?? null, sinceStart: false }, rule: RULE_SOURCES.unchanged, fromStep: this.streak.from(`zero|${l.name}`), toStep: step }));
          }
        }
      }
    }

    if (kernels.length < 2) return out;
    const first = norm(kernels[0]), last = norm(kernels[kernels.length - 1]);
    if (!first || !last || first.value === 0 || last.value === 0) {
      this.streak.miss('vg');
      this.streak.miss('eg');
      return out;
    }
    const ratio = first.value / last.value;
    const rms = first.value / Math.sqrt(Math.max(1, first.size));
    const gate = c.notLearningWell(s.targetAccuracy);
    const vanishing = gate && ((ratio <= s.vanishingRatio && first.value <= s.vanishingFirstNorm) || rms < s.vanishingRms);
    const exploding = gate && ratio >= s.explodingRatio;
    const firstName = kernels[0].name, lastName = kernels[kernels.length - 1].name;
    if (vanishing && this.streak.hit('vg', step) >= s.persistence) {
      out.push(this.make('vanishing-gradient', ratio <= s.vanishingRatio * 1e-2 ? 'error' : 'warning',
        `Gradients vanish before reaching the first layers: ${firstName}'s kernel gradient norm is ${fmt(first.value)}, ${fmt(ratio)} times that of ${lastName} (thresholds: ratio ≤ ${s.vanishingRatio} and norm ≤ ${s.vanishingFirstNorm}, or RMS < ${s.vanishingRms}), for ${s.persistence} steps in a row${this.gateText()}. The early layers barely learn.`,
        { layer: kernels[0], evidence: { firstNorm: first.value, lastNorm: last.value, ratio, rms, ratioThreshold: s.vanishingRatio, normThreshold: s.vanishingFirstNorm, rmsThreshold: s.vanishingRms, steps: s.persistence }, rule: RULE_SOURCES.vanishing, fromStep: this.streak.from('vg'), toStep: step }));
    } else if (!vanishing) this.streak.miss('vg');
    if (exploding && this.streak.hit('eg', step) >= s.persistence) {
      out.push(this.make('exploding-gradient', 'error',
        `Gradients explode towards the first layers: ${firstName}'s kernel gradient norm is ${fmt(first.value)}, ${fmt(ratio)} times that of ${lastName} (threshold ${s.explodingRatio}), for ${s.persistence} steps in a row${this.gateText()}.`,
        { layer: kernels[0], evidence: { firstNorm: first.value, lastNorm: last.value, ratio, threshold: s.explodingRatio, steps: s.persistence }, rule: RULE_SOURCES.exploding, fromStep: this.streak.from('eg'), toStep: step }));
    } else if (!exploding) this.streak.miss('eg');
    return out;
  }

  /** how the accuracy gate read, for messages */
  private gateText(): string {
    const best = this.ctx.bestAccuracy;
    return best === undefined ? '' : ` while accuracy is below ${this.s.targetAccuracy} (best so far ${fmt(best)})`;
  }

  /**
   * A ReLU layer whose units are mostly dead: it blocks the signal both ways (no output forward, no gradient back),
   * which explains exactly-zero kernel gradients before and after it.
   */
  private deadLayer(): string | undefined {
    return [...this.deadFraction].find(([, f]) => f >= this.s.deadReluFraction)?.[0];
  }

  private deadRelu(step: number, window: number, layerName: string, dead: number, total: number): Finding | undefined {
    const s = this.s, key = `dr|${layerName}`;
    const fraction = dead / total;
    this.deadFraction.set(layerName, fraction);
    if (fraction < s.deadReluFraction || !this.ctx.notLearningWell(s.targetAccuracy)) { this.streak.miss(key); return undefined; }
    const windows = this.streak.hit(key, Math.max(0, step - window + 1));
    if (windows < s.deadReluWindows) return undefined;
    const layer = this.ctx.layer(layerName);
    return this.make('dead-relu', fraction >= 0.9 ? 'error' : 'warning',
      `${dead} of ${total} ReLU units of ${layerName} (${pct(fraction)}) output 0 for every sample, over ${windows} windows of ${window} steps: they get no gradient and no longer learn (threshold ${pct(s.deadReluFraction)}).`,
      { layer, evidence: { dead, total, fraction, threshold: s.deadReluFraction, window, windows }, rule: RULE_SOURCES.deadRelu, fromStep: this.streak.from(key), toStep: step });
  }

  private saturation(step: number, layerName: string, activation: string, saturated: number | null): Finding | undefined {
    const s = this.s, key = `sat|${layerName}`;
    if (saturated == null || this.ctx.outputLayer?.name === layerName) return undefined;
    if (saturated <= s.saturatedFraction || !this.ctx.notLearningWell(s.targetAccuracy)) { this.streak.miss(key); return undefined; }
    const probes = this.streak.hit(key, step);
    if (probes < s.saturationProbes) return undefined;
    const layer = this.ctx.layer(layerName);
    return this.make('saturated-activation', 'warning',
      `${pct(saturated)} of ${layerName}'s ${activation} outputs are saturated (pre-activation beyond ±5, where the derivative is below ${activation === 'tanh' ? '2e-4' : '0.007'}), in ${probes} probes in a row (threshold ${pct(s.saturatedFraction)}).`,
      { layer, evidence: { saturated, threshold: s.saturatedFraction, probes, activation }, rule: RULE_SOURCES.saturated, fromStep: this.streak.from(key), toStep: step });
  }

  private input(step: number, input: { min: number | null; max: number | null; mean: number | null; std: number | null }): Finding | undefined {
    const magnitude = Math.max(Math.abs(input.min ?? 0), Math.abs(input.max ?? 0));
    if (magnitude <= this.s.inputMagnitude) return undefined;
    return this.make('unnormalized-input', 'warning',
      `The model's inputs range from ${fmt(input.min)} to ${fmt(input.max)} (mean ${fmt(input.mean)}, std ${fmt(input.std)}): far outside [-1, 1] (threshold |x| ≤ ${this.s.inputMagnitude}). Unscaled inputs blow up the first layer's outputs and gradients and make the learning rate hard to choose.`,
      { location: this.ctx.fitSite, evidence: { min: input.min, max: input.max, mean: input.mean, std: input.std, magnitude, threshold: this.s.inputMagnitude }, rule: RULE_SOURCES.input, fromStep: step, toStep: step });
  }

  /** Rules over the epoch curves. */
  private curves(step: number): Finding[] {
    const c = this.ctx, s = this.s;
    const out: Finding[] = [];
    const ep = c.epochs;
    const n = ep.length;
    const stepOfEpochStart = (i: number) => (i > 0 ? ep[i - 1].step + 1 : 0);
    const tr = ep.map(e => e.logs.loss);
    const allLoss = tr.every((v): v is number => typeof v === 'number');

    // Overfitting: the validation loss has stayed above its best for k epochs and is now GL_α above it, while the
    // training loss reaches a new low; the loss gap is large and (with accuracy logged) so is the accuracy gap.
    const k = s.overfitRisingEpochs;
    const vals = ep.map(e => e.logs.val_loss);
    if (n > k && allLoss && vals.every((v): v is number => typeof v === 'number')) {
      const v = vals as number[], t = tr as number[];
      const best = Math.min(...v.slice(0, n - k));
      const bestEpoch = v.indexOf(best);
      const gl = v[n - 1] / best - 1;
      const above = v.slice(n - k).every(x => x > best);
      const trainNewLow = t[n - 1] <= Math.min(...t.slice(0, n - 1));
      const gap = (v[n - 1] - t[n - 1]) / Math.max(1e-12, t[n - 1]);
      const trainAcc = accuracyOf(ep[n - 1].logs), valAcc = valAccuracyOf(ep[n - 1].logs);
      const accGap = trainAcc != null && valAcc != null ? trainAcc - valAcc : null;
      const accGapThreshold = trainAcc != null && trainAcc > 0.9 ? s.overfitAccuracyGapHigh : s.overfitAccuracyGap;
      if (best > 0 && above && gl >= s.overfitGeneralizationLoss && trainNewLow && gap > s.overfitGapRatio && (accGap === null || accGap >= accGapThreshold)) {
        out.push(this.make('overfitting', 'warning',
          `Overfitting: the validation loss has stayed above its best (${fmt(best)} at epoch ${bestEpoch + 1}) for ${k} epochs and is now ${fmt(v[n - 1])}, ${pct(gl)} above it (threshold ${pct(s.overfitGeneralizationLoss)}), while the training loss fell to ${fmt(t[n - 1])}` +
          (accGap !== null ? `; training accuracy ${fmt(trainAcc)} vs validation ${fmt(valAcc)} (gap ${fmt(accGap)}, threshold ${accGapThreshold}).` : `; the gap is ${pct(gap)} of the training loss (threshold ${pct(s.overfitGapRatio)}).`),
          { location: c.fitSite, evidence: { valLoss: v[n - 1], bestValLoss: best, bestEpoch: bestEpoch + 1, generalizationLoss: gl, glThreshold: s.overfitGeneralizationLoss, trainLoss: t[n - 1], gapRatio: gap, gapThreshold: s.overfitGapRatio, accuracyGap: accGap, accuracyGapThreshold: accGap === null ? null : accGapThreshold, epochs: k }, rule: RULE_SOURCES.overfitting, fromStep: stepOfEpochStart(bestEpoch + 1), toStep: step }));
      }
    }

    // Loss not decreasing: over the last W epochs the best loss improved by less than the threshold, while far
    // from converged (loss above half its first value, accuracy below Θ).
    const W = s.lossPlateauEpochs;
    let flat = false;
    if (n >= W && allLoss) {
      const t = tr as number[];
      const ref = Math.min(...t.slice(0, n - W + 1));
      const recent = Math.min(...t.slice(n - W + 1));
      const improvement = (ref - recent) / Math.max(1e-12, Math.abs(ref));
      const unconverged = recent > 0.5 * t[0] && c.notLearningWell(s.targetAccuracy);
      flat = improvement < s.lossPlateauRelative && unconverged;
      if (flat) {
        out.push(this.make('loss-not-decreasing', 'warning',
          `The training loss has not decreased for ${W} epochs (best ${fmt(ref)} before, ${fmt(recent)} since: ${(improvement * 100).toFixed(3)}% better, threshold ${pct(s.lossPlateauRelative)}) and is still ${pct(recent / t[0])} of its first value.`,
          { location: c.compileSite, evidence: { before: ref, recent, improvement, threshold: s.lossPlateauRelative, epochs: W, firstLoss: t[0], lr: c.lr }, rule: RULE_SOURCES.lossFlat, fromStep: stepOfEpochStart(n - W + 1), toStep: step }));
      }
    }

    // Accuracy-history rules (AUTOTRAINER): only after the judgment point.
    const acc = ep.map(e => accuracyOf(e.logs));
    const judged = n >= Math.max(s.historyEpochs, Math.ceil(s.judgmentPoint * c.plannedEpochs));
    if (judged && acc.every(a => a != null)) {
      const a = acc as number[];
      const gains = a.slice(1).map((x, i) => x - a[i]);
      // Slow convergence: no epoch raised the training accuracy by more than δ — while the loss is still moving (a
      // flat loss is reported as loss-not-decreasing instead).
      const maxGain = Math.max(...gains);
      if (!flat && maxGain <= s.slowConvergenceDelta && c.notLearningWell(s.targetAccuracy)) {
        out.push(this.make('slow-convergence', 'warning',
          `Accuracy is creeping: over ${n} epochs no epoch raised the training accuracy by more than ${fmt(Math.max(0, maxGain))} (threshold ${s.slowConvergenceDelta}), and it is ${fmt(a[n - 1])}.`,
          { location: c.compileSite, evidence: { maxGain, threshold: s.slowConvergenceDelta, accuracy: a[n - 1], epochs: n, lr: c.lr }, rule: RULE_SOURCES.slow, fromStep: 0, toStep: step }));
      }
      // Oscillation: share of neighbouring peak/trough pairs of the training accuracy that differ by at least ζ.
      const swings = peakTroughSwings(a);
      const big = swings.filter(x => x >= s.oscillationSwing).length;
      if (big / n >= s.oscillationShare && big >= 2) {
        out.push(this.make('oscillating-loss', 'warning',
          `Training oscillates: ${big} swings of at least ${s.oscillationSwing} in training accuracy between neighbouring peaks and troughs over ${n} epochs (${pct(big / n)}, threshold ${pct(s.oscillationShare)}); the largest is ${fmt(Math.max(...swings))}.`,
          { location: c.compileSite, evidence: { swings: big, epochs: n, share: big / n, largest: Math.max(...swings), swingThreshold: s.oscillationSwing, shareThreshold: s.oscillationShare, lr: c.lr }, rule: RULE_SOURCES.oscillating, fromStep: 0, toStep: step }));
      }
    }
    return out;
  }
}

/** ROOT_LEVEL, with constant kernels that never got a gradient one level up (they explain the layer symptoms) */
function levelOf(f: Finding): number | undefined {
  return f.code === 'unchanged-weights' && f.evidence.sinceStart === true ? 2 : ROOT_LEVEL[f.code];
}

/** zeros, ones, constant: every unit of the layer starts (and, without a gradient, stays) the same */
function isConstantInit(l: LayerSummary): boolean {
  return /^(zeros|ones|constant)$/i.test(l.initializer ?? '');
}

/** |peak - trough| for each neighbouring local maximum/minimum pair of a curve. */
export function peakTroughSwings(xs: number[]): number[] {
  const extrema: number[] = [];
  for (let i = 1; i < xs.length - 1; i++) {
    if ((xs[i] > xs[i - 1] && xs[i] >= xs[i + 1]) || (xs[i] < xs[i - 1] && xs[i] <= xs[i + 1])) extrema.push(xs[i]);
  }
  return extrema.slice(1).map((x, i) => Math.abs(x - extrema[i]));
}

function epochOfStep(c: RunContext, step: number): number {
  const i = c.epochs.findIndex(e => e.step >= step);
  return i >= 0 ? c.epochs[i].epoch : c.epochs.length;
}

function pct(x: number): string {
  const p = x * 100;
  return `${Math.abs(p) < 10 && p % 1 !== 0 ? p.toFixed(1) : p.toFixed(0)}%`;
}

function fmt(x: number | null | undefined): string {
  if (x == null) return 'NaN';
  const a = Math.abs(x);
  return a !== 0 && (a >= 1e4 || a < 1e-3) ? x.toExponential(2) : String(+x.toPrecision(4));
}

/** Runs the engine over a whole saved log. */
export function diagnose(events: RunEvent[], settings?: Partial<DiagnosisSettings>): Finding[] {
  const engine = new DiagnosisEngine(settings);
  for (const e of events) engine.observe(e);
  return engine.findings;
}
