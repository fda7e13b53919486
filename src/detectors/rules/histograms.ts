/**
 * Rules on the weight and gradient histograms of a TensorBoard logdir (src/tfevents/convert.ts turns its runs into
 * events). A Training Lens run measures gradient norms directly and the gradient rules read those; a logdir only has
 * what its writer logged, so this family runs on logdir runs only (run-start backend `tensorboard`) and reads the
 * histograms: weights that never change while other layers do (unchanged-weights), weights whose spread grows by
 * orders of magnitude (exploding-weights) or that hold NaN/Inf (non-finite), and, where the writer logged gradient
 * histograms (PyTorch's `add_histogram(p.grad)`), AUTOTRAINER's first/last-layer gradient ratio with the same codes
 * and thresholds as the gradient rules (vanishing-gradient, exploding-gradient). Norms and spreads are estimated from
 * the buckets (histogramStats.ts). Each finding carries its histogram's series (`evidence.series`), which
 * src/tfevents/findings.ts turns into the tag the logdir has.
 */
import type { RunEvent, Finding, HistogramEvent } from '../../protocol';
import { RULE_SOURCES } from '../settings';
import { fmt } from '../format';
import { adviceFor } from '../advice';
import { histogramSeries } from '../../tfevents/tags';
import { histogramStats, isKernel, sameHistogram, type HistogramStats } from '../histogramStats';
import { gateText } from './gradients';
import type { RuleApi, RuleFamily } from './types';

/**
 * min, max, mean and spread within this share of the tensor's size count as unchanged: a product choice, ten times
 * float32's resolution (1.2e-7); an update any optimizer makes in a logging period moves the extremes far more
 */
export const UNCHANGED_RELATIVE = 1e-6;
/** growth of a kernel's spread or largest magnitude over its first logged reading that is exploding (two orders of magnitude) */
export const EXPLODING_WEIGHTS_FACTOR = 100;
/**
 * ...once its largest magnitude also reaches this: a product choice, so that a layer initialized at (near) zero that
 * learns, growth of any factor from a tiny first reading, is not taken for weights that diverge
 */
export const EXPLODING_WEIGHTS_MIN_ABS = 1;

const SOURCES = {
  unchanged: `${RULE_SOURCES.unchanged}; SageMaker Debugger WeightUpdateRatio (updates too small to change the weights); read on the logged weight histograms`,
  exploding:
    'SageMaker Debugger WeightUpdateRatio (updates large against the weights) and ExplodingTensor; growth of the logged weight histograms by two orders of magnitude',
  gradients: `${RULE_SOURCES.exploding}; ${RULE_SOURCES.vanishing}; norms estimated from the logged gradient histograms`,
};

interface Track {
  series: string;
  ev: HistogramEvent;
  /** order of first appearance: the writer logs a model's variables in model order */
  order: number;
  first?: HistogramStats;
  /** the reading the current run of unchanged readings started at, and how many readings it counts */
  anchor?: { step: number; stats: HistogramStats; losses: number };
  points: number;
  /** latest step whose reading differed from the anchor */
  changedAt?: number;
  /** growth ratio of the previous reading (exploding must hold on two readings in a row) */
  lastGrowth: number;
}

interface GradReading {
  track: Track;
  stats: HistogramStats;
}

export class HistogramRules implements RuleFamily {
  private active = false;
  private tracks = new Map<string, Track>();
  private losses: number[] = [];
  private batchLoss = false;
  private grads: { step: number; readings: GradReading[] } | undefined;

  observe(e: RunEvent, api: RuleApi): void {
    if (e.kind === 'run-start') {
      this.active = e.backend === 'tensorboard';
      this.tracks.clear();
      this.losses = [];
      this.batchLoss = false;
      this.grads = undefined;
    }
    if (!this.active) return;
    switch (e.kind) {
      // the loss as the logdir has it: per-step scalars, else Keras' epoch_loss
      case 'batch':
        if (e.loss !== null) {
          this.batchLoss = true;
          this.losses.push(e.loss);
        }
        break;
      case 'epoch':
        if (!this.batchLoss && typeof e.logs.loss === 'number') this.losses.push(e.logs.loss);
        break;
      case 'histogram':
        if (e.of === 'weight') this.weight(api, e);
        else if (e.of === 'grad') this.gradient(api, e);
        break;
      case 'run-end':
        this.closeGradients(api);
        break;
    }
  }

  private track(e: HistogramEvent): Track {
    const series = histogramSeries(e);
    let t = this.tracks.get(series);
    if (!t) this.tracks.set(series, (t = { series, ev: e, order: this.tracks.size, points: 0, lastGrowth: 0 }));
    return t;
  }

  private weight(api: RuleApi, e: HistogramEvent): void {
    const t = this.track(e);
    if (e.nonFinite > 0) return api.raise(this.nonFinite(api, e, t, 'weights'));
    const stats = histogramStats(e.edges, e.counts);
    if (!stats) return;
    t.first ??= stats;
    if (!t.anchor || !sameHistogram(t.anchor.stats, stats, UNCHANGED_RELATIVE)) {
      if (t.anchor) t.changedAt = e.step;
      t.anchor = { step: e.step, stats, losses: this.losses.length };
      t.points = 1;
    } else t.points++;
    if (!isKernel(e.variable)) return;
    api.raise(this.unchanged(api, e, t));
    api.raise(this.exploding(api, e, t, stats));
  }

  /**
   * Unchanged weights: a kernel's histogram the same (to UNCHANGED_RELATIVE) at persistence + 1 logged readings in a
   * row, while another layer's kernel changed over those steps and the loss, where logged, moved. A logdir does not
   * say which layers are trainable: a frozen layer looks the same, and the message says so.
   */
  private unchanged(api: RuleApi, e: HistogramEvent, t: Track): Finding | undefined {
    const need = api.s.persistence + 1;
    const a = t.anchor!;
    if (t.points < need) return undefined;
    const kernels = [...this.tracks.values()].filter(x => x.ev.of === 'weight' && isKernel(x.ev.variable));
    const changing = kernels.filter(x => x.ev.layer !== e.layer && x.changedAt !== undefined && x.changedAt > a.step);
    if (!changing.length) return undefined;
    const window = this.losses.slice(Math.max(0, a.losses - 1));
    if (this.losses.length && window.length < 2) return undefined;
    const lossMoved = window.length
      ? (Math.max(...window) - Math.min(...window)) / Math.max(Math.abs(window[0]), Number.MIN_VALUE)
      : null;
    if (lossMoved !== null && lossMoved <= api.s.lossPlateauRelative) return undefined;
    const base = changing.every(x => x.order > t.order);
    const s = a.stats;
    const f = api.make(
      'unchanged-weights',
      'warning',
      `${name(e)} has not changed over ${t.points} logged readings (steps ${a.step}-${e.step}: min ${fmt(s.min)}, max ${fmt(s.max)}, mean ${fmt(s.mean)}, spread ${fmt(s.std)}, each within ${UNCHANGED_RELATIVE} of its size) while ${changing.length === 1 ? name(changing[0].ev) : `${changing.length} other layers' weights`} changed${lossMoved === null ? '' : ` and the loss moved by ${fmt(lossMoved * 100)}%`}: this layer does not learn (its gradient is zero: dead units, a constant input, no path to the loss; or the optimizer does not update it). If this layer is frozen on purpose, ignore this: a logdir does not say which layers are trainable${base ? ', and it comes before every layer that changes, as a frozen base in fine-tuning does' : ''}.`,
      {
        evidence: {
          series: t.series,
          from: 'histogram',
          readings: t.points,
          threshold: need,
          tolerance: UNCHANGED_RELATIVE,
          min: s.min,
          max: s.max,
          mean: s.mean,
          spread: s.std,
          changingLayers: changing.length,
          lossChange: lossMoved,
          frozenBaseLike: base,
        },
        rule: SOURCES.unchanged,
        fromStep: a.step,
        toStep: e.step,
      },
    );
    return {
      ...f,
      layer: e.layer,
      advice: [
        'If the layer is frozen on purpose (fine-tuning a pretrained base), nothing to do',
        'Otherwise check that its variables are passed to the optimizer (trainable, not detached or excluded) and that its output reaches the loss',
        'Look at the gradient reaching it: dead ReLU units before it, or a constant (zeros/ones) initializer, give it exactly zero',
      ],
    };
  }

  /** Exploding weights: a kernel's spread or largest magnitude EXPLODING_WEIGHTS_FACTOR times its first reading, twice in a row. */
  private exploding(api: RuleApi, e: HistogramEvent, t: Track, now: HistogramStats): Finding | undefined {
    const f0 = t.first!;
    if (!(f0.std > 0)) return undefined; // a constant initializer: no spread to grow from
    const growth = Math.max(now.std / f0.std, now.absMax / f0.absMax);
    const hot = growth >= EXPLODING_WEIGHTS_FACTOR && now.absMax >= EXPLODING_WEIGHTS_MIN_ABS;
    const held = hot && t.lastGrowth >= EXPLODING_WEIGHTS_FACTOR;
    t.lastGrowth = hot ? growth : 0;
    if (!held) return undefined;
    const f = api.make(
      'exploding-weights',
      'error',
      `${name(e)} grew ${fmt(growth)} times since its first logged reading (spread ${fmt(f0.std)} → ${fmt(now.std)}, largest |w| ${fmt(f0.absMax)} → ${fmt(now.absMax)}; threshold ${EXPLODING_WEIGHTS_FACTOR}×, on two readings in a row): the updates are too large for the weights and training is diverging; NaN follows.`,
      {
        evidence: {
          series: t.series,
          from: 'histogram',
          growth,
          threshold: EXPLODING_WEIGHTS_FACTOR,
          firstSpread: f0.std,
          spread: now.std,
          firstAbsMax: f0.absMax,
          absMax: now.absMax,
        },
        rule: SOURCES.exploding,
        fromStep: t.ev.step,
        toStep: e.step,
      },
    );
    return {
      ...f,
      layer: e.layer,
      advice: [
        ...adviceFor('exploding-gradient', api.ctx),
        'Constrain the weights: l2 weight decay (e.g. 1e-4) or a max-norm constraint',
      ],
    };
  }

  private nonFinite(api: RuleApi, e: HistogramEvent, t: Track, what: 'weights' | 'gradient'): Finding {
    const last = api.signals.lastFiniteLoss ?? this.losses.filter(Number.isFinite).at(-1) ?? null;
    const f = api.make(
      'non-finite',
      'error',
      `${name(e)}${what === 'weights' ? '' : "'s gradient"} holds NaN or Infinity at step ${e.step} (its histogram could not place ${e.nonFinite} values; ${last === null ? 'no finite loss before it' : `last finite loss ${fmt(last)}`}). From then on training is meaningless.`,
      {
        evidence: {
          series: t.series,
          from: 'histogram',
          step: e.step,
          what,
          values: e.nonFinite,
          lastFiniteLoss: last,
          threshold: 'finite',
        },
        rule: RULE_SOURCES.nonFinite,
        fromStep: e.step,
        toStep: e.step,
      },
    );
    return { ...f, layer: e.layer };
  }

  /** Gradient histograms, grouped by step: a step's group is judged when the next one starts (or the run ends). */
  private gradient(api: RuleApi, e: HistogramEvent): void {
    const t = this.track(e);
    if (e.nonFinite > 0) return api.raise(this.nonFinite(api, e, t, 'gradient'));
    if (!isKernel(e.variable)) return;
    const stats = histogramStats(e.edges, e.counts);
    if (!stats) return;
    if (this.grads && this.grads.step !== e.step) this.closeGradients(api);
    this.grads ??= { step: e.step, readings: [] };
    this.grads.readings.push({ track: t, stats });
  }

  /** AUTOTRAINER's first/last-layer kernel gradient-norm ratio, as GradientRules.ratio reads it on measured norms. */
  private closeGradients(api: RuleApi): void {
    const g = this.grads;
    this.grads = undefined;
    if (!g || g.readings.length < 2) return;
    const { ctx: c, s, streak } = api;
    const sorted = [...g.readings].sort((a, b) => a.track.order - b.track.order);
    const first = sorted[0],
      last = sorted[sorted.length - 1];
    if (first.track.ev.layer === last.track.ev.layer || first.stats.norm === 0 || last.stats.norm === 0) {
      streak.miss('vg');
      streak.miss('eg');
      return;
    }
    const ratio = first.stats.norm / last.stats.norm;
    const rms = first.stats.norm / Math.sqrt(first.stats.n);
    api.signals.gradientRatio = ratio;
    const gate = c.notLearningWell(s.targetAccuracy);
    const vanishing =
      gate && ((ratio <= s.vanishingRatio && first.stats.norm <= s.vanishingFirstNorm) || rms < s.vanishingRms);
    const exploding = gate && ratio >= s.explodingRatio;
    const firstName = name(first.track.ev),
      lastName = name(last.track.ev);
    const common = {
      series: first.track.series,
      lastSeries: last.track.series,
      from: 'histogram',
      firstNorm: first.stats.norm,
      lastNorm: last.stats.norm,
      ratio,
      steps: s.persistence,
    };
    const at = (f: Finding): Finding => ({ ...f, layer: first.track.ev.layer });
    if (vanishing && streak.hit('vg', g.step) >= s.persistence) {
      api.raise(
        at(
          api.make(
            'vanishing-gradient',
            ratio <= s.vanishingRatio * 1e-2 ? 'error' : 'warning',
            `Gradients vanish before reaching the first layers: ${firstName}'s gradient norm is about ${fmt(first.stats.norm)} (estimated from its histogram), ${fmt(ratio)} times that of ${lastName} (thresholds: ratio ≤ ${s.vanishingRatio} and norm ≤ ${s.vanishingFirstNorm}, or RMS < ${s.vanishingRms}), at ${s.persistence} logged steps in a row${gateText(api)}. The early layers barely learn.`,
            {
              evidence: {
                ...common,
                rms,
                ratioThreshold: s.vanishingRatio,
                normThreshold: s.vanishingFirstNorm,
                rmsThreshold: s.vanishingRms,
              },
              rule: SOURCES.gradients,
              fromStep: streak.from('vg'),
              toStep: g.step,
            },
          ),
        ),
      );
    } else if (!vanishing) streak.miss('vg');
    if (exploding && streak.hit('eg', g.step) >= s.persistence) {
      api.raise(
        at(
          api.make(
            'exploding-gradient',
            'error',
            `Gradients explode towards the first layers: ${firstName}'s gradient norm is about ${fmt(first.stats.norm)} (estimated from its histogram), ${fmt(ratio)} times that of ${lastName} (threshold ${s.explodingRatio}), at ${s.persistence} logged steps in a row${gateText(api)}.`,
            {
              evidence: { ...common, threshold: s.explodingRatio },
              rule: SOURCES.gradients,
              fromStep: streak.from('eg'),
              toStep: g.step,
            },
          ),
        ),
      );
    } else if (!exploding) streak.miss('eg');
  }
}

/** `dense_1/kernel`: the layer and variable a histogram was taken of */
function name(e: HistogramEvent): string {
  return [e.layer, e.variable].filter(Boolean).join('/');
}
