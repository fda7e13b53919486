/**
 * Rules on the units of hidden layers: ReLUs that output 0 for every sample (dead), and sigmoid/tanh outputs pinned
 * where the derivative vanishes (saturated). Each names its likely cause: a learning rate far above the optimizer's
 * usual range for dead units, an initializer not scaled to the fan-in for saturation.
 */
import type { RunEvent, Finding } from '../../protocol';
import { RULE_SOURCES } from '../settings';
import { fmt, pct } from '../format';
import { learningRateVerdict, fanScaledInit } from '../causes';
import { accuracyOf } from '../context';
import type { RuleApi, RuleFamily } from './types';
import { firstEpochFrom } from '../epochIndex';

const SATURATING = new Set(['sigmoid', 'tanh', 'hardSigmoid']);

export class UnitRules implements RuleFamily {
  observe(e: RunEvent, api: RuleApi): void {
    switch (e.kind) {
      case 'dead-units':
        for (const l of this.trainable(api, e.layers))
          api.raise(this.deadRelu(api, e.step, e.window, l.layer, l.dead, l.total));
        break;
      case 'activation-stats':
        for (const l of this.trainable(api, e.layers))
          api.raise(this.saturation(api, e.step, l.layer, l.activation, l.saturated));
        break;
      case 'epoch':
        for (const f of this.saturationFromInit(api, e.step)) api.raise(f);
        break;
    }
  }

  /**
   * The readings of layers this fit trains. A frozen layer's dead or saturated units are the pretrained base's, not
   * something this fit's learning rate or initializer did, and no remedy applies to weights that are not trained:
   * its streaks start over (it may be unfrozen in a later fit).
   */
  private trainable<T extends { layer: string }>(api: RuleApi, readings: T[]): T[] {
    return readings.filter(l => {
      if (!api.ctx.isFrozen(l.layer)) return true;
      for (const key of [`dr|${l.layer}`, `sat|${l.layer}`, `satlow|${l.layer}`]) api.streak.miss(key);
      api.signals.deadFraction.delete(l.layer);
      api.signals.saturatedSince.delete(l.layer);
      return false;
    });
  }

  /**
   * Dead ReLUs: at least deadReluFraction of a layer's units dead in deadReluWindows windows in a row while the model
   * is not learning well (or at least deadReluUngatedFraction whatever the accuracy); or, while every gradient is
   * exactly zero (a stall: nothing can revive them), at least stallDeadReluFraction in one window; or at least
   * stallDeadReluFraction in deadReluWindows windows once another layer was found dead under a learning rate far
   * above the usual range (the cause is established for the model). That learning rate is named as the cause.
   */
  private deadRelu(
    api: RuleApi,
    step: number,
    window: number,
    layerName: string,
    dead: number,
    total: number,
  ): Finding | undefined {
    const { s, signals, streak, ctx } = api;
    const key = `dr|${layerName}`;
    const fraction = dead / total;
    signals.deadFraction.set(layerName, fraction);
    const stall = signals.stall && signals.stall.steps >= s.persistence ? signals.stall : undefined;
    const stalledDead = stall !== undefined && fraction >= s.stallDeadReluFraction;
    // windows at the lower published share (SageMaker Debugger / TheDeepChecker), counted all along
    const lowKey = `drlow|${layerName}`;
    const lowWindows = fraction >= s.stallDeadReluFraction ? streak.hit(lowKey, Math.max(0, step - window + 1)) : 0;
    if (!lowWindows) streak.miss(lowKey);
    // once another ReLU layer of this model was found dead with a learning rate far above its range, that cause
    // acts on every ReLU layer: a sibling is judged at the lower share, without the accuracy gate
    const causeShown = api.findings.some(
      f => f.code === 'dead-relu' && f.layer !== layerName && f.evidence.lrHigh === true,
    );
    const sibling = causeShown && lowWindows >= s.deadReluWindows;
    // the accuracy gate (AUTOTRAINER) holds back a partly dead layer of a model that learns; a layer almost entirely
    // dead has lost its capacity whatever the accuracy
    const gated = fraction < s.deadReluUngatedFraction && !ctx.notLearningWell(s.targetAccuracy);
    if (!stalledDead && !sibling && (fraction < s.deadReluFraction || gated)) {
      streak.miss(key);
      return undefined;
    }
    const windows = sibling ? lowWindows : streak.hit(key, Math.max(0, step - window + 1));
    if (!stalledDead && windows < s.deadReluWindows) return undefined;
    const layer = ctx.layer(layerName);
    const lr = learningRateVerdict(ctx, s);
    const diedAt = stalledDead ? stall!.fromStep : sibling ? streak.from(lowKey) : streak.from(key);
    const threshold = stalledDead || sibling ? s.stallDeadReluFraction : s.deadReluFraction;
    const cause = lr.high
      ? ` The learning rate ${fmt(lr.lr)} of ${lr.optimizer}${lr.factor != null ? ` (${fmt(lr.factor)}× its default ${fmt(lr.defaultLr)})` : ''} is the likely cause: updates that large push a unit's inputs below zero for every sample, and a dead unit gets no gradient to come back.`
      : '';
    return api.make(
      'dead-relu',
      fraction >= 0.9 || stalledDead ? 'error' : 'warning',
      `${dead} of ${total} ReLU units of ${layerName} (${pct(fraction)}) output 0 for every sample` +
        (stalledDead
          ? `, and every kernel's gradient has been exactly 0 since step ${stall!.fromStep} (epoch ${epochOf(api, stall!.fromStep) + 1}): the units died there and training has stopped (threshold ${pct(threshold)} during a stall).`
          : ` over ${windows} windows of ${window} steps, since step ${diedAt} (epoch ${epochOf(api, diedAt) + 1}): they get no gradient and no longer learn (threshold ${pct(threshold)}${sibling ? ', as another ReLU layer of this model died under the same learning rate' : ''}).`) +
        cause,
      {
        layer,
        evidence: {
          dead,
          total,
          fraction,
          threshold,
          window,
          windows,
          diedAtStep: diedAt,
          stalled: stalledDead,
          sibling,
          lr: lr.lr,
          optimizer: lr.optimizer,
          defaultLr: lr.defaultLr,
          lrHigh: lr.high,
          cause: lr.high ? 'learning-rate' : 'unknown',
        },
        rule: RULE_SOURCES.deadRelu,
        fromStep: diedAt,
        toStep: step,
      },
    );
  }

  /** Saturation beyond saturatedFraction in saturationProbes probes in a row (DeepDiagnosis), while not learning well. */
  private saturation(
    api: RuleApi,
    step: number,
    layerName: string,
    activation: string,
    saturated: number | null,
  ): Finding | undefined {
    const { s, streak, ctx, signals } = api;
    const key = `sat|${layerName}`;
    if (saturated == null || ctx.outputLayer?.name === layerName) return undefined;
    const layer = ctx.layer(layerName);
    // the lower, init-caused band is only tracked here; it is judged at epoch ends against the learning progress
    const wide = layer && SATURATING.has(activation) && !fanScaledInit(layer);
    const held = signals.saturatedSince.get(layerName);
    if (wide && saturated > s.saturatedFractionInit) {
      signals.saturatedSince.set(layerName, {
        fromStep: held?.fromStep ?? step,
        probes: (held?.probes ?? 0) + 1,
        share: saturated,
      });
      streak.hit(`satlow|${layerName}`, step);
    } else {
      signals.saturatedSince.delete(layerName);
      streak.miss(`satlow|${layerName}`);
    }
    if (saturated <= s.saturatedFraction || !ctx.notLearningWell(s.targetAccuracy)) {
      streak.miss(key);
      return undefined;
    }
    const probes = streak.hit(key, step);
    if (probes < s.saturationProbes) return undefined;
    const init = layer && !fanScaledInit(layer) ? (layer.initializer ?? null) : null;
    return api.make(
      'saturated-activation',
      'warning',
      `${pct(saturated)} of ${layerName}'s ${activation} outputs are saturated (pre-activation beyond ±5, where the derivative is below ${activation === 'tanh' ? '2e-4' : '0.007'}), in ${probes} probes in a row (threshold ${pct(s.saturatedFraction)})` +
        (init
          ? `: its initializer ${init} is not scaled to the layer's fan-in, so the pre-activations start far too wide.`
          : '.'),
      {
        layer,
        evidence: {
          saturated,
          threshold: s.saturatedFraction,
          probes,
          activation,
          initializer: init,
          cause: init ? 'initializer' : 'unknown',
          gradientRatio: signals.gradientRatio ?? null,
        },
        rule: RULE_SOURCES.saturated,
        fromStep: streak.from(key),
        toStep: step,
      },
    );
  }

  /**
   * Saturation the initializer caused, below the DeepDiagnosis share but with the harm measured: a hidden sigmoid/tanh
   * layer with an initializer not scaled to its fan-in keeps more than saturatedFractionInit of its outputs pinned for
   * saturationProbes probes, and the training accuracy, below Θ, improves so slowly that at its pace so far it would
   * not reach Θ within the planned epochs. A net that learns well despite the initializer stays silent.
   */
  private saturationFromInit(api: RuleApi, step: number): Finding[] {
    const { s, ctx, signals } = api;
    const progress = learningProgress(api);
    if (!progress || !progress.slow) return [];
    const out: Finding[] = [];
    for (const [name, held] of signals.saturatedSince) {
      const layer = ctx.layer(name);
      if (!layer || held.probes < s.saturationProbes) continue;
      out.push(
        api.make(
          'saturated-activation',
          'warning',
          `${pct(held.share)} of ${name}'s ${layer.activation} outputs are pinned at their limits (pre-activation beyond ±5) in ${held.probes} probes in a row (threshold ${pct(s.saturatedFractionInit)} with slow learning), and training accuracy has only moved ${fmt(progress.first)} → ${fmt(progress.now)} in ${progress.epochs} epochs (at that pace Θ = ${s.targetAccuracy} is ${Number.isFinite(progress.epochsToTarget) ? `${Math.ceil(progress.epochsToTarget)} epochs away` : 'never reached'}, ${progress.left} planned)` +
            `${signals.gradientRatio !== undefined ? `; the first layer's gradient is ${fmt(signals.gradientRatio)} of the last's` : ''}. The cause is the initializer ${layer.initializer ?? 'used'}: it is not scaled to the layer's fan-in, so the pre-activations start far too wide.`,
          {
            layer,
            evidence: {
              saturated: held.share,
              threshold: s.saturatedFractionInit,
              probes: held.probes,
              activation: layer.activation ?? null,
              initializer: layer.initializer ?? null,
              cause: 'initializer',
              gradientRatio: signals.gradientRatio ?? null,
              accuracyFirst: progress.first,
              accuracy: progress.now,
              accuracyPerEpoch: progress.pace,
              epochsToTarget: Number.isFinite(progress.epochsToTarget) ? progress.epochsToTarget : null,
              epochsLeft: progress.left,
              targetAccuracy: s.targetAccuracy,
            },
            rule: RULE_SOURCES.saturatedInit,
            fromStep: held.fromStep,
            toStep: step,
          },
        ),
      );
    }
    return out;
  }
}

/** Training accuracy since the first epoch, and whether at that pace it reaches Θ within the planned epochs. */
export function learningProgress(
  api: RuleApi,
):
  | { first: number; now: number; epochs: number; pace: number; epochsToTarget: number; left: number; slow: boolean }
  | undefined {
  const { ctx, s } = api;
  // the first and the last epoch only: not every epoch's accuracy at every epoch (quadratic over a long run)
  const n = ctx.epochs.length;
  const a0 = n >= 2 ? accuracyOf(ctx.epochs[0].logs) : null,
    an = n >= 2 ? accuracyOf(ctx.epochs[n - 1].logs) : null;
  if (n < 2 || a0 == null || an == null) return undefined;
  const first = a0,
    now = an;
  const pace = (now - first) / (n - 1);
  const epochsToTarget = pace > 0 ? (s.targetAccuracy - now) / pace : Infinity;
  const left = Math.max(0, ctx.plannedEpochs - n);
  return {
    first,
    now,
    epochs: n,
    pace,
    epochsToTarget,
    left,
    slow: now < s.targetAccuracy && ctx.notLearningWell(s.targetAccuracy) && epochsToTarget > left,
  };
}

function epochOf(api: RuleApi, step: number): number {
  const i = firstEpochFrom(api.ctx.epochs, step); // = api.ctx.epochs.findIndex(e => e.step >= step)
  return i >= 0 ? i : api.ctx.epochs.length;
}
