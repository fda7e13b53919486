/**
 * Runtime diagnosis: reads the event stream of a run (live in the runner, or a saved log) and raises findings
 * with the published rules (GUIDELINES.md G7). False alarms are avoided the AUTOTRAINER way: gradient-shape
 * symptoms only while the model is not yet learning well, every symptom must persist over several probes, and
 * accuracy-history rules wait for part of the planned epochs. Each finding is raised once per fit, with the
 * measured values, the threshold, the steps where it held, and remedies for this model.
 */
import type { RunEvent, Finding, LayerSummary, SourceLocation } from '../protocol';
import { RunContext, accuracyOf, valAccuracyOf } from './context';
import { DEFAULT_DIAGNOSIS, RULE_SOURCES, type DiagnosisSettings } from './settings';
import { adviceFor } from './advice';

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
}

export class DiagnosisEngine {
  private readonly ctx = new RunContext();
  private readonly raised = new Set<string>();
  private readonly streak = new Streak();
  private readonly s: DiagnosisSettings;
  readonly findings: Finding[] = [];

  constructor(settings: Partial<DiagnosisSettings> = {}) {
    this.s = { ...DEFAULT_DIAGNOSIS, ...settings };
  }

  /** Feeds one event; returns the findings it raised (usually none). */
  observe(e: RunEvent): Finding[] {
    const out: Finding[] = [];
    const raise = (f: Finding | undefined) => {
      if (!f) return;
      const key = `${f.code}|${f.layer ?? ''}`;
      if (this.raised.has(key)) return;
      this.raised.add(key);
      this.findings.push(f);
      out.push(f);
    };
    const c = this.ctx;
    switch (e.kind) {
      case 'fit-start':
        c.startFit(e);
        break;
      case 'batch':
        c.onBatch(e.loss, e.metrics, e.lr);
        if (e.loss === null) raise(this.nonFinite(e.step, 'loss', undefined));
        if (c.step === 1 && e.loss !== null) raise(this.initialLoss(e.loss, e.step));
        break;
      case 'grad-norms':
        for (const f of this.gradients(e.step, e.variables)) raise(f);
        break;
      case 'dead-units':
        for (const l of e.layers) raise(this.deadRelu(e.step, e.window, l.layer, l.dead, l.total));
        break;
      case 'activation-stats':
        for (const l of e.layers) raise(this.saturation(e.step, l.layer, l.activation, l.saturated));
        if (e.input) raise(this.input(e.step, e.input));
        break;
      case 'epoch':
        c.onEpoch({ epoch: e.epoch, step: e.step, logs: e.logs });
        for (const f of this.curves(e.step)) raise(f);
        break;
    }
    return out;
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

  private nonFinite(step: number, what: string, layer: LayerSummary | undefined): Finding {
    return this.make('non-finite', 'error',
      `The ${what}${layer ? ` of ${layer.name}` : ''} became NaN or Infinity at step ${step}: from then on training is meaningless.`,
      { layer, location: layer ? undefined : this.ctx.compileSite, evidence: { step, what }, rule: RULE_SOURCES.nonFinite, fromStep: step, toStep: step });
  }

  private initialLoss(loss: number, step: number): Finding | undefined {
    const out = this.ctx.outputLayer;
    const lossName = this.ctx.fit?.loss ?? '';
    if (!out || !/crossentropy/i.test(lossName)) return undefined;
    const classes = /binary/i.test(lossName) ? 2 : out.units ?? 0;
    if (classes < 2) return undefined;
    const expected = Math.log(classes);
    if (Math.abs(loss - expected) < this.s.initialLossFactor * expected) return undefined;
    return this.make('bad-initial-loss', 'warning',
      `The first loss is ${loss.toPrecision(4)}, far from ln(${classes}) = ${expected.toFixed(3)} expected from an untrained ${classes}-class classifier: the output layer, its initialization or the labels are off.`,
      { layer: out, evidence: { loss, expected, classes, threshold: this.s.initialLossFactor * expected }, rule: RULE_SOURCES.initialLoss, fromStep: step, toStep: step });
  }

  private gradients(step: number, variables: Record<string, number | null>): Finding[] {
    const c = this.ctx, s = this.s;
    const out: Finding[] = [];
    const bad = Object.entries(variables).find(([, v]) => v === null);
    if (bad) {
      out.push(this.nonFinite(step, 'gradient', c.layer(bad[0].split('/')[0]) ?? c.layers.find(l => bad[0].startsWith(l.name + '/'))));
      return out;
    }
    const kernels = c.kernelLayers();
    if (kernels.length < 2) return out;
    const norm = (l: LayerSummary) => {
      const name = Object.keys(variables).find(v => v.startsWith(l.name + '/') && /kernel/.test(v));
      return name ? { value: variables[name]!, size: c.fit?.variables?.[name] ?? 1 } : undefined;
    };
    const first = norm(kernels[0]), last = norm(kernels[kernels.length - 1]);
    if (!first || !last || last.value === 0) return out;
    const ratio = first.value / last.value;
    const rms = first.value / Math.sqrt(Math.max(1, first.size));
    const gate = c.notLearningWell(s.targetAccuracy);
    const vanishing = gate && ((ratio <= s.vanishingRatio && first.value <= s.vanishingFirstNorm) || rms < s.vanishingRms);
    const exploding = gate && ratio >= s.explodingRatio;
    if (vanishing && this.streak.hit('vg', step) >= s.persistence) {
      out.push(this.make('vanishing-gradient', 'warning',
        `Gradients vanish before reaching the first layers: ${kernels[0].name}'s kernel gradient norm is ${first.value.toExponential(2)}, ${ratio.toExponential(2)} times that of ${kernels[kernels.length - 1].name}, for ${s.persistence} probes in a row while accuracy is below ${s.targetAccuracy}. The early layers barely learn.`,
        { layer: kernels[0], evidence: { firstNorm: first.value, lastNorm: last.value, ratio, rms, ratioThreshold: s.vanishingRatio, normThreshold: s.vanishingFirstNorm, rmsThreshold: s.vanishingRms }, rule: RULE_SOURCES.vanishing, fromStep: this.streak.from('vg'), toStep: step }));
    } else if (!vanishing) this.streak.miss('vg');
    if (exploding && this.streak.hit('eg', step) >= s.persistence) {
      out.push(this.make('exploding-gradient', 'error',
        `Gradients explode towards the first layers: ${kernels[0].name}'s kernel gradient norm is ${first.value.toExponential(2)}, ${ratio.toFixed(0)} times that of ${kernels[kernels.length - 1].name} (threshold ${s.explodingRatio}), for ${s.persistence} probes in a row.`,
        { layer: kernels[0], evidence: { firstNorm: first.value, lastNorm: last.value, ratio, threshold: s.explodingRatio }, rule: RULE_SOURCES.exploding, fromStep: this.streak.from('eg'), toStep: step }));
    } else if (!exploding) this.streak.miss('eg');
    // Unchanged weights: a layer whose kernel receives exactly zero gradient keeps its initial weights.
    for (const l of kernels) {
      const n = norm(l);
      const key = `zero|${l.name}`;
      if (n && n.value === 0) {
        const count = this.streak.hit(key, step);
        const need = Math.max(s.persistence, 2 * (c.fit?.stepsPerEpoch ?? 10));
        if (count >= need) {
          out.push(this.make('unchanged-weights', 'error',
            `${l.name}'s kernel has received exactly zero gradient for ${count} steps: its weights never change.`,
            { layer: l, evidence: { steps: count, gradientNorm: 0 }, rule: RULE_SOURCES.unchanged, fromStep: this.streak.from(key), toStep: step }));
        }
      } else this.streak.miss(key);
    }
    return out;
  }

  private deadRelu(step: number, window: number, layerName: string, dead: number, total: number): Finding | undefined {
    const s = this.s, key = `dr|${layerName}`;
    const fraction = dead / total;
    if (fraction < s.deadReluFraction) { this.streak.miss(key); return undefined; }
    if (this.streak.hit(key, step - window + 1) < Math.min(2, s.persistence)) return undefined;
    const layer = this.ctx.layer(layerName);
    return this.make('dead-relu', fraction >= 0.9 ? 'error' : 'warning',
      `${dead} of ${total} ReLU units of ${layerName} (${(fraction * 100).toFixed(0)}%) output 0 for every sample over the last ${window} steps: they no longer learn (threshold ${(s.deadReluFraction * 100).toFixed(0)}%).`,
      { layer, evidence: { dead, total, fraction, threshold: s.deadReluFraction, window }, rule: RULE_SOURCES.deadRelu, fromStep: this.streak.from(key), toStep: step });
  }

  private saturation(step: number, layerName: string, activation: string, saturated: number | null): Finding | undefined {
    const s = this.s, key = `sat|${layerName}`;
    if (saturated == null || this.ctx.outputLayer?.name === layerName) return undefined;
    if (saturated <= s.saturatedFraction) { this.streak.miss(key); return undefined; }
    if (this.streak.hit(key, step) < Math.min(2, s.persistence)) return undefined;
    const layer = this.ctx.layer(layerName);
    return this.make('saturated-activation', 'warning',
      `${(saturated * 100).toFixed(0)}% of ${layerName}'s ${activation} outputs are saturated (pre-activation beyond ±5), where the gradient is nearly zero (threshold ${(s.saturatedFraction * 100).toFixed(0)}%).`,
      { layer, evidence: { saturated, threshold: s.saturatedFraction }, rule: RULE_SOURCES.saturated, fromStep: this.streak.from(key), toStep: step });
  }

  private input(step: number, input: { min: number | null; max: number | null; mean: number | null; std: number | null }): Finding | undefined {
    const magnitude = Math.max(Math.abs(input.min ?? 0), Math.abs(input.max ?? 0));
    if (magnitude <= this.s.inputMagnitude) return undefined;
    return this.make('unnormalized-input', 'warning',
      `The model's inputs range from ${fmt(input.min)} to ${fmt(input.max)} (mean ${fmt(input.mean)}, std ${fmt(input.std)}): far outside [-1, 1]. Unscaled inputs saturate activations and make the learning rate hard to choose.`,
      { location: this.ctx.fitSite, evidence: { min: input.min, max: input.max, mean: input.mean, std: input.std, threshold: this.s.inputMagnitude }, rule: RULE_SOURCES.input, fromStep: step, toStep: step });
  }

  /** Rules over the epoch curves. */
  private curves(step: number): Finding[] {
    const c = this.ctx, s = this.s;
    const out: Finding[] = [];
    const ep = c.epochs;
    const n = ep.length;
    const losses = ep.map(e => e.logs.loss).filter((v): v is number => typeof v === 'number');
    const judged = n >= Math.max(3, Math.ceil(s.judgmentPoint * c.plannedEpochs));
    const accs = ep.map(e => accuracyOf(e.logs));
    const fromStep = (i: number) => (i > 0 ? ep[i - 1].step + 1 : 0);

    // Overfitting: validation loss stayed above its best for k epochs while training loss fell, with a large gap.
    const k = s.overfitRisingEpochs;
    const vals = ep.map(e => e.logs.val_loss);
    if (n > k && vals.every(v => typeof v === 'number') && ep.every(e => typeof e.logs.loss === 'number')) {
      const v = vals as number[], tr = ep.map(e => e.logs.loss as number);
      const best = Math.min(...v.slice(0, n - k));
      const bestEpoch = v.indexOf(best);
      const above = v.slice(n - k).every(x => x > best);
      const falling = tr[n - 1] < tr[n - 1 - k];
      const gap = (v[n - 1] - tr[n - 1]) / Math.max(1e-12, tr[n - 1]);
      if (above && falling && v[n - 1] > v[n - 1 - k] && gap > s.overfitGapRatio) {
        out.push(this.make('overfitting', 'warning',
          `Overfitting: validation loss has stayed above its best (${fmt(best)} at epoch ${bestEpoch + 1}) for ${k} epochs, now ${fmt(v[n - 1])}, while training loss fell to ${fmt(tr[n - 1])}; the gap is ${(gap * 100).toFixed(0)}% of the training loss (threshold ${(s.overfitGapRatio * 100).toFixed(0)}%).`,
          { location: c.fitSite, evidence: { valLoss: v[n - 1], bestValLoss: best, bestEpoch: bestEpoch + 1, trainLoss: tr[n - 1], gapRatio: gap, threshold: s.overfitGapRatio }, rule: RULE_SOURCES.overfitting, fromStep: fromStep(bestEpoch + 1), toStep: step }));
      }
    }

    // Loss not decreasing: no meaningful improvement over the last W epochs, while far from converged.
    const W = s.lossPlateauEpochs;
    if (losses.length > W && judged) {
      const before = Math.min(...losses.slice(0, -W));
      const recent = Math.min(...losses.slice(-W));
      const first = losses[0];
      const improvement = (before - recent) / Math.max(1e-12, Math.abs(before));
      const unconverged = recent > 0.5 * first && c.notLearningWell(s.targetAccuracy);
      if (improvement < s.lossPlateauRelative && unconverged) {
        out.push(this.make('loss-not-decreasing', 'warning',
          `The training loss has not decreased for ${W} epochs (best ${fmt(before)} before, ${fmt(recent)} since; ${(improvement * 100).toFixed(2)}% better) and is still ${((recent / first) * 100).toFixed(0)}% of its first value.`,
          { location: c.compileSite, evidence: { before, recent, improvement, threshold: s.lossPlateauRelative, epochs: W, lr: c.lr }, rule: RULE_SOURCES.lossFlat, fromStep: fromStep(n - W), toStep: step }));
      }
    }

    // Accuracy-history rules (AUTOTRAINER): only after the judgment point.
    const acc = accs.filter((v): v is number => v != null);
    if (judged && acc.length === n && n >= 5) {
      const val = ep.map(e => valAccuracyOf(e.logs));
      // Slow convergence: every epoch-to-epoch change in accuracy (train, and validation when present) is tiny.
      const steps = acc.slice(1).map((a, i) => Math.abs(a - acc[i]));
      const vsteps = val.every(v => v != null) ? (val as number[]).slice(1).map((a, i) => Math.abs(a - (val as number[])[i])) : [];
      const maxStep = Math.max(...steps, ...vsteps);
      if (maxStep <= s.slowConvergenceDelta && c.notLearningWell(s.targetAccuracy)) {
        out.push(this.make('slow-convergence', 'warning',
          `Accuracy is creeping: no epoch changed it by more than ${fmt(maxStep)} (threshold ${s.slowConvergenceDelta}) over ${n} epochs, and it is ${fmt(acc[n - 1])}.`,
          { location: c.compileSite, evidence: { maxStep, threshold: s.slowConvergenceDelta, accuracy: acc[n - 1], epochs: n, lr: c.lr }, rule: RULE_SOURCES.slow, fromStep: 0, toStep: step }));
      }
      // Oscillation: share of neighbouring peak/trough pairs that differ by at least ζ.
      const swings = peakTroughSwings(acc);
      const big = swings.filter(x => x >= s.oscillationSwing).length;
      if (big / n >= s.oscillationShare && big >= 2) {
        out.push(this.make('oscillating-loss', 'warning',
          `Training oscillates: ${big} swings of at least ${s.oscillationSwing} in accuracy between neighbouring peaks and troughs over ${n} epochs (${((big / n) * 100).toFixed(0)}% ≥ ${(s.oscillationShare * 100).toFixed(0)}%).`,
          { location: c.compileSite, evidence: { swings: big, epochs: n, share: big / n, swingThreshold: s.oscillationSwing, shareThreshold: s.oscillationShare, lr: c.lr }, rule: RULE_SOURCES.oscillating, fromStep: 0, toStep: step }));
      }
    }
    return out;
  }
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
