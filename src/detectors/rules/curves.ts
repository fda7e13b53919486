/**
 * Rules over the epoch curves: overfitting (a sustained rise of the validation loss: overfitting.ts), a validation
 * loss that only jumps up and down (noisy validation), a flat training loss, slow convergence and oscillation
 * (AUTOTRAINER's accuracy-history rules, after its judgment point).
 */
import type { RunEvent, Finding } from '../../protocol';
import { RULE_SOURCES } from '../settings';
import { fmt, pct } from '../format';
import { learningRateForBatch, learningRateVerdict } from '../causes';
import { learningProgress } from './units';
import { mannKendall } from '../trend';
import { spikeSize, stepOfEpochStart } from './curveMath';
import { overfitting } from './overfitting';
import { EpochCurves } from './epochCurves';
import { historyJudged, oscillates } from './judgment';
import type { RuleApi, RuleFamily } from './types';

/** |peak - trough| for each neighbouring local maximum/minimum pair of a curve. */
export function peakTroughSwings(xs: number[]): number[] {
  return peakTroughPairs(xs).map(([a, b]) => Math.abs(a - b));
}

/** Neighbouring local maximum/minimum pairs of a curve, as [earlier, later] values. */
export function peakTroughPairs(xs: number[]): Array<[number, number]> {
  const extrema: number[] = [];
  for (let i = 1; i < xs.length - 1; i++) {
    if ((xs[i] > xs[i - 1] && xs[i] >= xs[i + 1]) || (xs[i] < xs[i - 1] && xs[i] <= xs[i + 1])) extrema.push(xs[i]);
  }
  return extrema.slice(1).map((x, i) => [extrema[i], x]);
}

export class CurveRules implements RuleFamily {
  /** the curves so far, updated an epoch at a time (rules/epochCurves.ts: a long run stays linear) */
  private readonly curves = new EpochCurves();

  observe(e: RunEvent, api: RuleApi): void {
    if (e.kind !== 'epoch') return;
    this.curves.sync(api.ctx, api.s);
    const raised = (code: string) => api.findings.some(f => f.code === code);
    // the training's own symptoms first: an oscillating training explains a jumping validation loss
    const flat = this.lossNotDecreasing(api, e.step);
    api.raise(flat);
    for (const f of this.accuracyHistory(api, e.step, !!flat)) api.raise(f);
    // a finding already raised (or noisy-validation after overfitting) would be dropped: not judged again
    if (!raised('overfitting')) api.raise(overfitting(api, e.step, this.curves));
    // not before the training's own accuracy history is judged: an oscillating training explains a jumping validation;
    // judged again after an info (still reaching new bests) until its best is stale: then it is raised as a warning
    const warned = api.findings.some(f => f.code === 'noisy-validation' && f.severity !== 'info');
    const noisy =
      warned || raised('overfitting') || !historyJudged(api) ? undefined : this.noisyValidation(api, e.step);
    if (noisy && !raised('overfitting')) api.raise(noisy);
  }

  /**
   * Noisy validation: the validation loss spiked (rose by noisyValidationSwing of its level and came back) at least
   * noisyValidationSpikes times. Says which cause the evidence points at: a validation set so small that its
   * sampling error alone explains the spikes, else a learning rate high for the batch size (or too small a batch).
   * A warning when the best validation loss is noisyValidationStaleEpochs or more epochs old (the noise hides whether
   * the model still improves), else info (the job trains; the user should judge by the trend, not the last epoch).
   */
  private noisyValidation(api: RuleApi, step: number): Finding | undefined {
    const { ctx: c, s } = api;
    const { val } = this.curves;
    if (!val.numbers) return undefined;
    const v = val.xs as number[];
    const found = this.curves.valSpikes; // = spikes(v, s.noisyValidationSwing)
    if (found.length < s.noisyValidationSpikes) return undefined;
    const largest = this.curves.largestSpike;
    const best = val.min[v.length - 1];
    const improvement = (v[0] - best) / Math.max(1e-12, v[0]);
    const m = c.fit?.validationSamples;
    // sampling error of a mean loss over m samples, with a per-sample spread about the size of the mean (σ/√m)
    const samplingError = m ? 1 / Math.sqrt(m) : null;
    // the training loss at the same weights (src/probes/endLoss.ts) says which moved: when it spiked with the
    // validation loss in most spikes, the epochs ended at weights worse for both (the optimizer's steps); when it did
    // not, the validation set alone moved. Without it, the sampling error of the set's mean decides.
    const end = this.curves.end.numbers ? (this.curves.end.xs as number[]) : null;
    const sharedSpikes = end ? found.filter(f => spikeSize(end, f.epoch) >= f.size / 2).length : null;
    const smallSet =
      sharedSpikes !== null
        ? sharedSpikes * 2 < found.length
        : samplingError !== null && largest <= s.noisyValidationSamplingFactor * samplingError;
    const lr = c.lr,
      bs = c.fit?.batchSize ?? null;
    const supported = learningRateForBatch(c);
    const lrFactor = lr != null && supported ? lr / supported : null;
    const cause = smallSet
      ? 'validation-set'
      : bs !== null && bs < s.smallBatchSize && (lrFactor === null || lrFactor < s.highLearningRateFactor)
        ? 'batch-size'
        : 'learning-rate';
    const shared =
      sharedSpikes === null
        ? ''
        : ` (at the weights each epoch ended with, the training loss spiked with it in ${sharedSpikes} of ${found.length})`;
    const because = {
      'validation-set':
        sharedSpikes === null
          ? `the validation set has only ${m} samples: a mean over so few moves by about ${pct(samplingError!)} from sampling alone, which explains spikes of ${pct(largest)}`
          : `the validation set${m ? ` of ${m} samples` : ''} moves alone: at the weights each epoch ended with, the training loss spiked with it in only ${sharedSpikes} of ${found.length} spikes`,
      'batch-size': `batches of ${bs} samples make every step noisy, so each epoch ends somewhere else${shared}`,
      'learning-rate': `the learning rate ${fmt(lr)} of ${c.fit?.optimizer ?? 'the optimizer'} is ${lrFactor != null ? `${fmt(lrFactor)}× the ${fmt(supported)} a batch of ${bs} supports (scaled from its default at batch 32)` : 'high for the batch size'}, so each epoch ends wherever the last large steps left the weights${shared}`,
    }[cause];
    // still improving between the spikes (the best epoch is recent): the trend is visible; else the noise hides it
    const stale = v.length - 1 - val.at[v.length - 1];
    const severity = stale >= s.noisyValidationStaleEpochs ? 'warning' : 'info';
    return api.make(
      'noisy-validation',
      severity,
      `The validation loss jumps up and down: ${found.length} spikes of ${pct(s.noisyValidationSwing)} or more that came back (at epochs ${this.curves.spikeEpochs}; the largest ${pct(largest)}). Likely cause: ${because}.` +
        (severity === 'warning'
          ? ` Its best (${fmt(best)}) is ${stale} epochs old (threshold ${s.noisyValidationStaleEpochs}): the noise hides whether the model still improves.`
          : ` It still reaches new bests (${fmt(best)}, ${pct(Math.max(0, improvement))} below the first epoch): judge by the trend or the best epoch, not by the last one.`),
      {
        location: c.fitSite,
        evidence: {
          spikes: found.length,
          spikesThreshold: s.noisyValidationSpikes,
          largestSpike: largest,
          swingThreshold: s.noisyValidationSwing,
          improvement,
          bestAge: stale,
          staleThreshold: s.noisyValidationStaleEpochs,
          validationSamples: m ?? null,
          samplingError,
          sharedSpikes,
          batchSize: bs,
          lr,
          supportedLr: supported,
          lrFactor,
          cause,
        },
        rule: RULE_SOURCES.noisyValidation,
        fromStep: stepOfEpochStart(api, found[0].epoch),
        toStep: step,
      },
    );
  }

  /**
   * Loss not decreasing: over the last W epochs the best loss improved by less than the threshold, while far from
   * converged (loss above half its first value, accuracy below Θ).
   */
  private lossNotDecreasing(api: RuleApi, step: number): Finding | undefined {
    const { ctx: c, s } = api;
    const W = s.lossPlateauEpochs,
      n = c.epochs.length;
    const { loss } = this.curves;
    if (n < W || !loss.numbers) return undefined;
    const t = loss.xs as number[];
    const ref = loss.min[n - W]; // = Math.min(...t.slice(0, n - W + 1))
    const recent = Math.min(...t.slice(n - W + 1));
    const improvement = (ref - recent) / Math.max(1e-12, Math.abs(ref));
    // a loss that does not fit the output or the labels (label-loss-mismatch, raised at fit start) cannot fall below a
    // floor however right the model is: a plateau there is that mismatch's consequence, not convergence, whatever the
    // accuracy reached (the engine keeps it as the mismatch's evidence)
    const mismatch = api.findings.find(f => f.code === 'label-loss-mismatch');
    const unconverged = (recent > 0.5 * t[0] && c.notLearningWell(s.targetAccuracy)) || mismatch !== undefined;
    if (!(improvement < s.lossPlateauRelative && unconverged)) return undefined;
    const floor = typeof mismatch?.evidence.lossFloor === 'number' ? mismatch.evidence.lossFloor : null;
    // a loss that rose while the training accuracy swings beyond its noise is overshooting, not on a plateau: the
    // oscillation rule judges it once the accuracy history can be judged; it stays loss-not-decreasing only if not
    if (recent > ref && this.curves.bigSwings >= 1 && (!historyJudged(api) || oscillates(api, this.curves.bigSwings)))
      return undefined;
    return api.make(
      'loss-not-decreasing',
      'warning',
      `The training loss has not decreased for ${W} epochs (best ${fmt(ref)} before, ${fmt(recent)} since: ${(improvement * 100).toFixed(3)}% better, threshold ${pct(s.lossPlateauRelative)}) and is still ${pct(recent / t[0])} of its first value.${floor !== null ? ` It has stopped at the floor of ${fmt(floor)} that the loss's mismatch with the output imposes.` : mismatch ? ' The loss does not fit the output or the labels (label-loss-mismatch, found at fit start): fix that first.' : ''}`,
      {
        location: c.compileSite,
        evidence: {
          before: ref,
          recent,
          improvement,
          threshold: s.lossPlateauRelative,
          epochs: W,
          firstLoss: t[0],
          lr: c.lr,
          lossFloor: floor,
        },
        rule: RULE_SOURCES.lossFlat,
        fromStep: stepOfEpochStart(api, n - W + 1),
        toStep: step,
      },
    );
  }

  /** Accuracy-history rules (AUTOTRAINER): only after the judgment point. */
  private accuracyHistory(api: RuleApi, step: number, flat: boolean): Finding[] {
    const { ctx: c, s } = api;
    const n = c.epochs.length;
    const curves = this.curves;
    const judgedAt = Math.ceil(s.judgmentPoint * c.plannedEpochs);
    if (!curves.acc.numbers || n < Math.max(s.shortRunEpochs, judgedAt)) return [];
    const acc = curves.acc.xs as number[];
    const judged = historyJudged(api);
    const out: Finding[] = [];
    // Slow convergence: no epoch raised the training accuracy by more than δ — while the loss is still moving (a flat
    // loss is reported as loss-not-decreasing instead). Or, in a run too short for that history, the step is too
    // small for the planned epochs: at its pace so far the accuracy would not reach Θ by the end, while the loss is
    // still falling as fast as on average (no plateau: more of the same steps would help) and the learning rate is
    // not high (TheDeepChecker's low learning rate).
    const maxGain = curves.maxGain; // = Math.max(...gains), gains[i] = acc[i + 1] - acc[i]
    const t = curves.loss.xs as number[];
    const progress = learningProgress(api);
    // still falling: by more than the plateau threshold per epoch (a flat loss is loss-not-decreasing), and in the
    // last epoch about as fast as on average
    const keepsPace = curves.loss.numbers && t[n - 2] - t[n - 1] >= s.slowLossPaceShare * ((t[0] - t[n - 1]) / (n - 1));
    const stillFalling = keepsPace && (t[0] - t[n - 1]) / Math.abs(t[0]) >= s.lossPlateauRelative * (n - 1);
    // creeping accuracy over a loss that slows down towards a floor is a model that cannot learn this (judged by
    // loss-not-decreasing once it is flat), not a step that is too small: the loss must keep its average pace
    const creeping = judged && maxGain <= s.slowConvergenceDelta && keepsPace;
    // a too-small step raises the accuracy epoch after epoch (an oscillating one does not): every gain, or a rising
    // trend beyond chance ordering (Mann-Kendall: an epoch that lost a sample or two is not a fall)
    // (the trend test last: it is the costliest of these, and a logdir's run has no planned epochs)
    const rising = () => curves.gainsRise || mannKendall(acc).p <= RISING_P;
    const tooSlow =
      c.plannedEpochs <= s.shortRunEpochsMax &&
      rising() &&
      !!progress?.slow &&
      progress.pace > 0 &&
      stillFalling &&
      !learningRateVerdict(c, s).high;
    if (!flat && (creeping || tooSlow) && c.notLearningWell(s.targetAccuracy)) {
      out.push(
        api.make(
          'slow-convergence',
          'warning',
          creeping
            ? `Accuracy is creeping: over ${n} epochs no epoch raised the training accuracy by more than ${fmt(Math.max(0, maxGain))} (threshold ${s.slowConvergenceDelta}), and it is ${fmt(acc[n - 1])}.`
            : `Training is too slow for this run: the training accuracy moved ${fmt(progress!.first)} → ${fmt(progress!.now)} in ${n} epochs (${fmt(progress!.pace)} per epoch); at that pace Θ = ${s.targetAccuracy} is ${Number.isFinite(progress!.epochsToTarget) ? `${Math.ceil(progress!.epochsToTarget)} epochs away` : 'never reached'}, with ${progress!.left} planned epochs left, while the loss still falls as fast as on average (no plateau): the steps of ${c.fit?.optimizer ?? 'the optimizer'} at learning rate ${fmt(c.lr)} are too small for the planned epochs.`,
          {
            location: c.compileSite,
            evidence: {
              maxGain,
              threshold: s.slowConvergenceDelta,
              accuracy: acc[n - 1],
              epochs: n,
              lr: c.lr,
              criterion: creeping ? 'gain' : 'pace',
              accuracyPerEpoch: progress?.pace ?? null,
              epochsToTarget: progress && Number.isFinite(progress.epochsToTarget) ? progress.epochsToTarget : null,
              epochsLeft: progress?.left ?? null,
            },
            rule: RULE_SOURCES.slow,
            fromStep: 0,
            toStep: step,
          },
        ),
      );
    }
    // Oscillation: share of neighbouring peak/trough pairs of the training accuracy that differ by at least ζ.
    // a flat loss explains a stuck model's accuracy wobble (as it explains slow convergence)
    // a swing counts when it passes ζ and the sampling noise of an epoch's accuracy (a model stuck near chance
    // wobbles by a few points on a few hundred samples without oscillating)
    const samples = c.fit?.stepsPerEpoch && c.fit.batchSize ? c.fit.stepsPerEpoch * c.fit.batchSize : null;
    // = the pairs of peakTroughPairs(acc) whose swing passes ζ and the noise (rules/epochCurves.ts counts them)
    const big = curves.bigSwings;
    const flatBefore = flat || api.findings.some(f => f.code === 'loss-not-decreasing');
    if (judged && !flatBefore && oscillates(api, big)) {
      out.push(
        api.make(
          'oscillating-loss',
          'warning',
          `Training oscillates: ${big} swings of at least ${s.oscillationSwing} in training accuracy between neighbouring peaks and troughs over ${n} epochs (${pct(big / n)}, threshold ${pct(s.oscillationShare)}); the largest is ${fmt(curves.maxSwing)}.`,
          {
            location: c.compileSite,
            evidence: {
              swings: big,
              epochs: n,
              share: big / n,
              largest: curves.maxSwing,
              swingThreshold: s.oscillationSwing,
              shareThreshold: s.oscillationShare,
              samplesPerEpoch: samples,
              noiseZ: s.oscillationNoiseZ,
              lr: c.lr,
            },
            rule: RULE_SOURCES.oscillating,
            fromStep: 0,
            toStep: step,
          },
        ),
      );
    }
    return out;
  }
}

/** one-sided Mann-Kendall p-value at or below which a short run's training accuracy rises (the usual 5%) */
const RISING_P = 0.05;
