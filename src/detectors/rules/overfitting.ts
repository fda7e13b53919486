/**
 * Overfitting, on a sustained rise of the validation loss only (the curve family in curves.ts calls it at each epoch
 * end): a rise established by its size or by its trend, with the training loss at the same weights falling and the
 * gaps between training and validation large. Kept apart from the other curve rules because its guards against
 * noise (sampling error, running median, few wrong samples) make it the longest of them.
 */
import type { Finding } from '../../protocol';
import { valAccuracyOf, accuracyOf } from '../context';
import { RULE_SOURCES } from '../settings';
import { fmt, pct } from '../format';
import { fewErrors } from './validationErrors';
import { mannKendall } from '../trend';
import { stepOfEpochStart } from './curveMath';
import type { EpochCurves } from './epochCurves';
import type { RuleApi } from './types';

/**
 * Overfitting (UMLAUT; Prechelt's GL_α; SageMaker's gap; AUTOTRAINER's accuracy gap), on a sustained rise only: the
 * validation loss has stayed at least GL_α (and its sampling error) above its best in every one of the last k
 * epochs, or has risen since its best with a significant Mann-Kendall trend and is GL_α above it; the latest still
 * holds at least half of the largest rise since the best (a spike falling back is noise), and after a spike that
 * came back around the best epoch, or noisy-validation was found, the rule reads the running median of 3 epochs.
 * Meanwhile the training loss reaches a new low and the gaps between training and validation are large.
 */
export function overfitting(api: RuleApi, step: number, curves: EpochCurves): Finding | undefined {
  const { ctx: c, s } = api;
  const ep = c.epochs,
    n = ep.length;
  const { val, med, loss } = curves;
  if (!val.numbers || !loss.numbers) return undefined;
  const t = loss.xs as number[];
  const k = s.overfitRisingEpochs;
  if (n <= k) return undefined;
  // a validation loss that spiked and came back around its best, or was found noisy, is judged on its running
  // median of 3 (Tukey's smoother: a single spike, up or down, vanishes; the best of a noisy curve is a low outlier)
  // = raw.indexOf(Math.min(...raw.slice(0, n - k))); a spike of raw.slice(around) is one of raw after `around`
  const around = Math.max(0, val.at[n - k - 1] - 2);
  const noisyBefore =
    (curves.valSpikes.at(-1)?.epoch ?? -1) > around || api.findings.some(f => f.code === 'noisy-validation');
  const smooth = noisyBefore ? med : val;
  const v = smooth.xs as number[];
  const best = smooth.min[n - k - 1];
  const bestEpoch = smooth.at[n - k - 1];
  if (!(best > 0)) return undefined;
  // the raw validation loss reached a new best within the last k epochs: whatever its running median says, the
  // model has not got worse (a noisy curve's median still carries the spikes before that best)
  if (n - 1 - val.at[n - 1] < k) return undefined;
  const gl = v[n - 1] / best - 1;
  // a rise is established by its size (GL_α held for k epochs, and beyond the sampling error of a mean loss over
  // the validation set: σ/√m with a per-sample spread about the size of the mean) or by its consistency (the
  // epochs since the best rise more steadily than chance ordering explains: Mann-Kendall, one-sided)
  const m = c.fit?.validationSamples;
  // a classifier's mean cross-entropy is carried by its wrong samples: with an error rate q the per-sample spread
  // is about sqrt((1 - q)/q) times the mean (never taken below the mean itself)
  const valAcc = valAccuracyOf(ep[n - 1].logs);
  const q = valAcc != null && m ? Math.min(0.5, Math.max(1 / m, 1 - valAcc)) : 0.5;
  const relativeError = m ? Math.sqrt((1 - q) / q / m) : 0;
  const noiseFloor = s.overfitNoiseZ * relativeError;
  const needed = Math.max(s.overfitGeneralizationLoss, noiseFloor);
  const bySize = v.slice(n - k).every(x => x / best - 1 >= needed);
  // = t[n - 1] <= Math.min(...t.slice(0, n - 1)); the cheap conditions first, the trend test (quadratic in the
  // epochs since the best) only when they hold
  const trainNewLow = t[n - 1] <= (n >= 2 ? loss.min[n - 2] : Infinity);
  const gap = (v[n - 1] - t[n - 1]) / Math.max(1e-12, t[n - 1]);
  const trainAcc = accuracyOf(ep[n - 1].logs);
  const accGap = trainAcc != null && valAcc != null ? trainAcc - valAcc : null;
  const accGapBase = trainAcc != null && trainAcc > 0.9 ? s.overfitAccuracyGapHigh : s.overfitAccuracyGap;
  // the gap must pass its threshold beyond the sampling error of the validation accuracy (a proportion over m
  // samples: sqrt(p(1 - p)/m)), as the rise must pass the validation loss's: a gap just over the bar on 120 samples
  // says nothing about the model
  const accError = valAcc != null && m ? Math.sqrt((valAcc * (1 - valAcc)) / m) : 0;
  const accGapThreshold = accGapBase + s.overfitNoiseZ * accError;
  if (!(trainNewLow && gap > s.overfitGapRatio && (accGap === null || accGap >= accGapThreshold))) return undefined;
  const peak = Math.max(...v.slice(bestEpoch + 1));
  const holding = v[n - 1] - best >= s.overfitRiseRetained * (peak - best);
  if (!holding) return undefined;
  const since = v.slice(bestEpoch);
  const trendP = since.length >= 4 ? mannKendall(since).p : 1;
  // three rises in a row (p <= overfitTrendPValue) must also reach one standard error of the mean: on a small set
  // that many come by chance in a healthy run's wander; four or more (overfitStrongTrendPValue) stand at any size
  const strongTrend = trendP <= s.overfitStrongTrendPValue;
  const byTrend =
    trendP <= s.overfitTrendPValue && gl >= s.overfitGeneralizationLoss && (gl >= relativeError || strongTrend);
  const risen = bySize || byTrend;
  if (!risen) return undefined;
  // the training loss at the same weights (src/probes/endLoss.ts): a validation loss that rose with it is an epoch
  // that ended at weights worse for both (a large step), not the model fitting its training data at the validation
  // data's expense. The rise must be the validation loss's own: its gap to this one grew by the same threshold.
  const end = curves.end.numbers ? ((noisyBefore ? curves.endMed : curves.end).xs as number[]) : null;
  const ownRise = (i: number) => (end ? v[i] - best - (end[i] - end[bestEpoch]) : Infinity);
  const judged = bySize ? Array.from({ length: k }, (_, j) => n - k + j) : [n - 1];
  // (by size: the size threshold in each of the k epochs; by trend: GL_α now, as the trend asks of the loss itself)
  const own = bySize ? needed : s.overfitGeneralizationLoss;
  if (judged.some(i => ownRise(i) < own * best)) return undefined;
  // overfitting is the training error still falling while the validation error rises (Prechelt): weights that fit
  // the training data worse than at the best epoch did not buy the rise with a better fit (a large step did it)
  if (end && !(end[n - 1] < end[bestEpoch])) return undefined;
  // few wrong validation samples: the accuracy must have fallen too, unless the rise is that consistent
  const few = fewErrors(api, bestEpoch, noisyBefore);
  if (few && !few.fallen && !strongTrend) return undefined;
  return api.make(
    'overfitting',
    'warning',
    (bySize
      ? `Overfitting: the validation loss has stayed at least ${pct(needed)} above its best (${fmt(best)} at epoch ${bestEpoch + 1}) for ${k} epochs${noiseFloor > s.overfitGeneralizationLoss ? ` (${s.overfitNoiseZ} standard errors of a mean over ${m} validation samples at an error rate of ${pct(q)})` : ''}`
      : `Overfitting: the validation loss has risen steadily in the ${since.length - 1} epochs since its best (${fmt(best)} at epoch ${bestEpoch + 1}; Mann-Kendall trend p = ${fmt(trendP)}, threshold ${s.overfitTrendPValue})`) +
      (few
        ? few.fallen
          ? ` (only about ${fmt(few.errors)} validation samples are wrong, so the validation accuracy decides: it fell from ${fmt(few.before)} to ${fmt(few.now)}, ${fmt(few.z)} standard errors)`
          : ` (only about ${fmt(few.errors)} validation samples are wrong and the validation accuracy has not fallen beyond its noise (${fmt(few.before)} to ${fmt(few.now)}), but the rise is too steady for chance, p = ${fmt(trendP)} (threshold ${s.overfitStrongTrendPValue}): the wrong samples grow more confident epoch after epoch, as they do when a model memorizes its training set)`
        : '') +
      `${noisyBefore ? ' (on its running median of 3 epochs: the curve is noisy)' : ''} and is now ${fmt(v[n - 1])}, ${pct(gl)} above it, while the training loss fell to ${fmt(t[n - 1])}` +
      (end
        ? ` (at the weights the validation loss was read at, the training loss went ${fmt(end[bestEpoch])} → ${fmt(end[n - 1])})`
        : '') +
      (accGap !== null
        ? `; training accuracy ${fmt(trainAcc)} vs validation ${fmt(valAcc)} (gap ${fmt(accGap)}, threshold ${accGapBase}${accError > 0 ? ` + ${s.overfitNoiseZ} standard errors of the validation accuracy over ${m} samples = ${fmt(accGapThreshold)}` : ''}).`
        : `; the gap is ${pct(gap)} of the training loss (threshold ${pct(s.overfitGapRatio)}).`),
    {
      location: c.fitSite,
      evidence: {
        valLoss: v[n - 1],
        bestValLoss: best,
        bestEpoch: bestEpoch + 1,
        generalizationLoss: gl,
        glThreshold: needed,
        noiseFloor,
        relativeError,
        trendP,
        trendPThreshold: s.overfitTrendPValue,
        strongTrendPThreshold: s.overfitStrongTrendPValue,
        criterion: bySize ? 'size' : 'trend',
        trainLoss: t[n - 1],
        endLossAtBest: end ? end[bestEpoch] : null,
        endLoss: end ? end[n - 1] : null,
        gapRatio: gap,
        gapThreshold: s.overfitGapRatio,
        accuracyGap: accGap,
        accuracyGapThreshold: accGap === null ? null : accGapThreshold,
        epochs: k,
        noisyBefore,
        validationErrors: few?.errors ?? null,
        valAccuracyDropZ: few?.z ?? null,
      },
      rule: RULE_SOURCES.overfitting,
      fromStep: stepOfEpochStart(api, bestEpoch + 1),
      toStep: step,
    },
  );
}
