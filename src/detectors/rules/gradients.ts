/**
 * Rules on the per-step gradient norms: a gradient that turns non-finite under a finite loss, kernels that receive
 * exactly zero gradient (unchanged weights), and gradients that vanish or explode towards the first layers
 * (AUTOTRAINER's first/last-layer ratio, gated on the model not yet learning well).
 */
import type { RunEvent, LayerSummary, Finding } from '../../protocol';
import { RULE_SOURCES } from '../settings';
import { fmt } from '../format';
import { isConstantInit } from '../causes';
import { nonFinite } from './onset';
import type { RuleApi, RuleFamily } from './types';

type Norms = Record<string, number | null>;

export class GradientRules implements RuleFamily {
  private firstGradStep: number | undefined;

  observe(e: RunEvent, api: RuleApi): void {
    if (e.kind === 'fit-start') this.firstGradStep = undefined;
    if (e.kind === 'grad-norms') this.gradients(api, e.step, e.variables);
  }

  private gradients(api: RuleApi, step: number, variables: Norms): void {
    const c = api.ctx;
    if (this.firstGradStep === undefined) this.firstGradStep = step;
    const bad = Object.keys(variables).filter(k => variables[k] === null);
    if (bad.length) {
      // The loss of this step was already seen: a non-finite loss is reported there (model-wide, the optimizer's
      // doing). A gradient that turns non-finite while the loss is still finite is localized the way backpropagation
      // runs (DeepLocalize blames where NaN first appears): the layer nearest the loss whose gradient is non-finite;
      // when every layer's is, the NaN comes from the loss itself, through the output layer.
      if (!api.signals.lossNonFinite) {
        const layerOf = (v: string) => c.layers.find(l => v.startsWith(l.name + '/'));
        const at = [...c.layers].reverse().find(l => bad.some(v => layerOf(v) === l));
        api.raise(nonFinite(api, step, 'gradient', at, bad));
      }
      return;
    }
    const kernels = c.kernelLayers();
    const norm = (l: LayerSummary) => {
      const name = Object.keys(variables).find(v => v.startsWith(l.name + '/') && /kernel/.test(v));
      return name ? { value: variables[name]!, size: c.fit?.variables?.[name] ?? 1 } : undefined;
    };
    this.unchanged(api, step, kernels, norm);
    this.ratio(api, step, kernels, norm);
  }

  /**
   * Unchanged weights: a kernel that receives exactly zero gradient keeps its weights. From the first step on, with a
   * constant initializer, the initialization is to blame (every unit computes the same); otherwise something stopped
   * the signal: dead ReLUs (the unit rules name them, and the learning rate that killed them), or a stall of the
   * whole model. A stall is held back until the next dead-unit and activation probes have been read, so that the
   * cause is raised instead of its consequence.
   */
  private unchanged(
    api: RuleApi,
    step: number,
    kernels: LayerSummary[],
    norm: (l: LayerSummary) => { value: number } | undefined,
  ): void {
    const { ctx: c, s, signals, streak } = api;
    // gradients are read on spaced steps (src/probes/schedule.ts): `persistence` counts readings in a row, the
    // epochs' worth of steps is the span those readings cover
    const need = Math.max(s.persistence, s.unchangedEpochs * (c.fit?.stepsPerEpoch ?? 10));
    const held = (key: string) =>
      streak.count(key) >= s.persistence && step - streak.from(key) + 1 >= need ? step - streak.from(key) + 1 : 0;
    const zero = kernels.filter(l => norm(l)?.value === 0);
    for (const l of kernels) {
      const key = `zero|${l.name}`;
      if (zero.includes(l)) {
        streak.hit(key, step);
        if (streak.from(key) === this.firstGradStep && isConstantInit(l)) signals.zeroSinceStart.add(l.name);
      } else {
        streak.miss(key);
        signals.zeroSinceStart.delete(l.name);
      }
    }
    const all = kernels.length > 0 && zero.length === kernels.length;
    signals.stall = all
      ? { fromStep: signals.stall?.fromStep ?? step, steps: (signals.stall?.steps ?? 0) + 1 }
      : undefined;

    for (const l of zero.filter(x => signals.zeroSinceStart.has(x.name))) {
      const key = `zero|${l.name}`;
      const count = held(key);
      if (!count) continue;
      api.raise(
        api.make(
          'unchanged-weights',
          'error',
          `${l.name}'s kernel has received exactly zero gradient since the first step (${count} steps): its constant initial weights (${l.initializer}) never change.`,
          {
            layer: l,
            evidence: {
              steps: count,
              threshold: need,
              gradientNorm: 0,
              initializer: l.initializer ?? null,
              sinceStart: true,
            },
            rule: RULE_SOURCES.unchanged,
            fromStep: streak.from(key),
            toStep: step,
          },
        ),
      );
    }
    const deadLayer = [...signals.deadFraction.values()].some(f => f >= s.deadReluFraction);
    const stalled = deadLayer ? [] : zero.filter(l => !signals.zeroSinceStart.has(l.name));
    if (!stalled.length) return;
    const from = Math.max(...stalled.map(l => streak.from(`zero|${l.name}`)));
    const count = Math.min(...stalled.map(l => held(`zero|${l.name}`)));
    if (!count) return;
    if (all) {
      api.hold(
        api.make(
          'unchanged-weights',
          'error',
          `Training has stalled: every kernel has received exactly zero gradient for ${count} steps (since step ${from}; loss ${fmt(signals.lastFiniteLoss)}), so no weight changes any more.`,
          {
            location: c.compileSite,
            evidence: {
              steps: count,
              threshold: need,
              gradientNorm: 0,
              layers: kernels.length,
              loss: signals.lastFiniteLoss,
              lr: c.lr,
              sinceStart: false,
            },
            rule: RULE_SOURCES.unchanged,
            fromStep: from,
            toStep: step,
          },
        ),
        s.holdSymptomSteps,
      );
      return;
    }
    for (const l of stalled) {
      const key = `zero|${l.name}`;
      api.hold(
        api.make(
          'unchanged-weights',
          'error',
          `${l.name}'s kernel has received exactly zero gradient for ${held(key)} steps: its weights no longer change.`,
          {
            layer: l,
            evidence: {
              steps: held(key),
              threshold: need,
              gradientNorm: 0,
              initializer: l.initializer ?? null,
              sinceStart: false,
            },
            rule: RULE_SOURCES.unchanged,
            fromStep: streak.from(key),
            toStep: step,
          },
        ),
        s.holdSymptomSteps,
      );
    }
  }

  /** Vanishing / exploding gradients: AUTOTRAINER's first/last-layer kernel gradient-norm ratio. */
  private ratio(
    api: RuleApi,
    step: number,
    kernels: LayerSummary[],
    norm: (l: LayerSummary) => { value: number; size: number } | undefined,
  ): void {
    const { ctx: c, s, streak } = api;
    if (kernels.length < 2) return;
    const first = norm(kernels[0]),
      last = norm(kernels[kernels.length - 1]);
    if (!first || !last || first.value === 0 || last.value === 0) {
      streak.miss('vg');
      streak.miss('eg');
      return;
    }
    const ratio = first.value / last.value;
    api.signals.gradientRatio = ratio;
    const rms = first.value / Math.sqrt(Math.max(1, first.size));
    const gate = c.notLearningWell(s.targetAccuracy);
    const vanishing =
      gate && ((ratio <= s.vanishingRatio && first.value <= s.vanishingFirstNorm) || rms < s.vanishingRms);
    const exploding = gate && ratio >= s.explodingRatio;
    const firstName = kernels[0].name,
      lastName = kernels[kernels.length - 1].name;
    if (vanishing && streak.hit('vg', step) >= s.persistence) {
      // a sigmoid/tanh layer seen saturated at the last activation probe may be the cause (a saturated layer passes
      // almost no gradient back): held until the next probe confirms it (then it explains this) or clears it
      const report = streak.holding('sat|', 'satlow|')
        ? (f: Finding) => api.hold(f, s.holdSymptomSteps)
        : (f: Finding) => api.raise(f);
      report(
        api.make(
          'vanishing-gradient',
          ratio <= s.vanishingRatio * 1e-2 ? 'error' : 'warning',
          `Gradients vanish before reaching the first layers: ${firstName}'s kernel gradient norm is ${fmt(first.value)}, ${fmt(ratio)} times that of ${lastName} (thresholds: ratio ≤ ${s.vanishingRatio} and norm ≤ ${s.vanishingFirstNorm}, or RMS < ${s.vanishingRms}), for ${s.persistence} steps in a row${gateText(api)}. The early layers barely learn.`,
          {
            layer: kernels[0],
            evidence: {
              firstNorm: first.value,
              lastNorm: last.value,
              ratio,
              rms,
              ratioThreshold: s.vanishingRatio,
              normThreshold: s.vanishingFirstNorm,
              rmsThreshold: s.vanishingRms,
              steps: s.persistence,
            },
            rule: RULE_SOURCES.vanishing,
            fromStep: streak.from('vg'),
            toStep: step,
          },
        ),
      );
    } else if (!vanishing) streak.miss('vg');
    if (exploding && streak.hit('eg', step) >= s.persistence) {
      api.raise(
        api.make(
          'exploding-gradient',
          'error',
          `Gradients explode towards the first layers: ${firstName}'s kernel gradient norm is ${fmt(first.value)}, ${fmt(ratio)} times that of ${lastName} (threshold ${s.explodingRatio}), for ${s.persistence} steps in a row${gateText(api)}.`,
          {
            layer: kernels[0],
            evidence: {
              firstNorm: first.value,
              lastNorm: last.value,
              ratio,
              threshold: s.explodingRatio,
              steps: s.persistence,
            },
            rule: RULE_SOURCES.exploding,
            fromStep: streak.from('eg'),
            toStep: step,
          },
        ),
      );
    } else if (!exploding) streak.miss('eg');
  }
}

/** how the accuracy gate read, for messages */
export function gateText(api: RuleApi): string {
  const best = api.ctx.bestAccuracy;
  return best === undefined ? '' : ` while accuracy is below ${api.s.targetAccuracy} (best so far ${fmt(best)})`;
}
