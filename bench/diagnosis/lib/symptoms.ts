/**
 * Measuring each expected symptom in a run log (when it started, how strong it was) with the published thresholds,
 * independently of the engine's own bookkeeping: what the bench's figures leave a finding out on (symptomShown), and
 * the vitals and "trains well" lines it prints per job.
 */
import type { RunEvent, FitStartEvent, LayerSummary, ActivationStatsEvent } from '../../../src/protocol';
import { PUBLISHED, OWN, accuracyOf, peakTroughSwings } from './thresholds';
import { shortRunSlow } from './shortRun';
import { DATA_CRITERIA, type DataFacts } from './dataFacts';

export interface Measurement {
  onset?: number;
  text: string;
  /** the check could not judge this run (no fit, no data probe, a code it does not measure): not "did not show" */
  unjudged?: boolean;
}

interface Log {
  events: RunEvent[];
  fit?: FitStartEvent;
  epochOf: (step: number) => number;
}

function logOf(events: RunEvent[]): Log {
  const fit = events.find((e): e is FitStartEvent => e.kind === 'fit-start');
  const steps = new Map<number, number>();
  for (const e of events) if (e.kind === 'batch') steps.set(e.step, e.epoch);
  return { events, fit, epochOf: s => steps.get(s) ?? [...steps.values()].at(-1) ?? 0 };
}

const f3 = (x: number) =>
  Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(2) : String(+x.toPrecision(3));
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

function kernelLayers(fit: FitStartEvent): LayerSummary[] {
  const vars = Object.keys(fit.variables ?? {});
  return fit.layers.filter(l => vars.some(v => v.startsWith(l.name + '/') && /kernel/.test(v)));
}

function kernelNorm(variables: Record<string, number | null>, l: LayerSummary): number | null | undefined {
  const name = Object.keys(variables).find(v => v.startsWith(l.name + '/') && /kernel/.test(v));
  return name ? variables[name] : undefined;
}

/**
 * The symptom of `code` (at `layer`) as the log shows it, with the published thresholds (lib/thresholds.ts); data
 * pitfalls are measured in the data itself (`data`, from lib/probeData.ts).
 */
export function measure(events: RunEvent[], code: string, layer?: string, data?: DataFacts): Measurement {
  const s = PUBLISHED;
  const log = logOf(events);
  const fit = log.fit;
  const grads = events.filter(e => e.kind === 'grad-norms');
  const epochs = events.filter(e => e.kind === 'epoch');
  const batches = events.filter(e => e.kind === 'batch');
  switch (code) {
    case 'vanishing-gradient':
    case 'exploding-gradient': {
      if (!fit) return { text: 'no fit', unjudged: true };
      const k = kernelLayers(fit);
      const rows = grads
        .map(g => ({
          step: g.step,
          first: kernelNorm(g.variables, k[0]),
          last: kernelNorm(g.variables, k[k.length - 1]),
        }))
        .filter(
          (r): r is { step: number; first: number; last: number } =>
            r.first != null && r.last != null && r.first > 0 && r.last > 0,
        )
        .map(r => ({
          ...r,
          ratio: r.first / r.last,
          rms:
            r.first /
            Math.sqrt(
              fit.variables?.[
                Object.keys(fit.variables).find(v => v.startsWith(k[0].name + '/') && /kernel/.test(v))!
              ] ?? 1,
            ),
        }));
      if (code === 'vanishing-gradient') {
        const hit = rows.find(
          r => (r.ratio <= s.vanishingRatio && r.first <= s.vanishingFirstNorm) || r.rms < s.vanishingRms,
        );
        const minRatio = Math.min(...rows.map(r => r.ratio));
        return {
          onset: hit && log.epochOf(hit.step),
          text: `${k[0].name}/${k[k.length - 1].name} gradient ratio min ${f3(minRatio)}, first-layer norm ${hit ? f3(hit.first) : '-'} at step ${hit?.step ?? '-'}`,
        };
      }
      const hit = rows.find(r => r.ratio >= s.explodingRatio);
      const maxRatio = Math.max(...rows.map(r => r.ratio));
      const median = [...rows.map(r => r.ratio)].sort((a, b) => a - b)[rows.length >> 1];
      return {
        onset: hit && log.epochOf(hit.step),
        text: `${k[0].name}/${k[k.length - 1].name} gradient ratio max ${f3(maxRatio)}, median ${f3(median)}`,
      };
    }
    case 'non-finite': {
      const lossAt = batches.find(b => b.loss === null);
      const gradAt = grads.find(g => Object.values(g.variables).some(v => v === null));
      const step = Math.min(lossAt?.step ?? Infinity, gradAt?.step ?? Infinity);
      const before = batches
        .filter(b => b.step < step && b.loss !== null)
        .slice(-3)
        .map(b => f3(b.loss!));
      return Number.isFinite(step)
        ? {
            onset: log.epochOf(step),
            text: `non-finite ${lossAt?.step === step ? 'loss' : 'gradient'} at step ${step}; losses before: ${before.join(', ')}`,
          }
        : { text: 'all finite' };
    }
    case 'dead-relu': {
      const readings = events
        .filter(e => e.kind === 'dead-units')
        .map(e => ({ step: e.step, f: e.layers.find(l => l.layer === layer) }))
        .filter(r => r.f);
      const frac = readings.map(r => r.f!.dead / r.f!.total);
      const i = frac.findIndex(x => x >= s.deadReluFraction);
      return {
        onset: i >= 0 ? log.epochOf(readings[i].step) : undefined,
        text: `${layer} dead ${frac.map(pct).join(' ')}`,
      };
    }
    case 'saturated-activation': {
      const probes = events
        .filter(e => e.kind === 'activation-stats')
        .map(e => ({ step: e.step, l: e.layers.find(l => l.layer === layer) }))
        .filter(r => r.l?.saturated != null);
      const i = probes.findIndex(r => r.l!.saturated! > s.saturatedFraction);
      return {
        onset: i >= 0 ? log.epochOf(probes[i].step) : undefined,
        text: `${layer} saturated ${probes.map(r => pct(r.l!.saturated!)).join(' ')}`,
      };
    }
    case 'unchanged-weights': {
      if (!fit) return { text: 'no fit', unjudged: true };
      const targets = layer ? fit.layers.filter(l => l.name === layer) : kernelLayers(fit);
      const zeroAt = grads.map(g => ({ step: g.step, zero: targets.every(l => kernelNorm(g.variables, l) === 0) }));
      // the last run of exact zeros
      let from: number | undefined;
      for (const z of zeroAt)
        if (z.zero) from ??= z.step;
        else from = undefined;
      const zeros = zeroAt.filter(z => z.zero).length;
      return {
        onset: from !== undefined ? log.epochOf(from) : undefined,
        text: `${layer ?? 'every'} kernel gradient exactly 0 in ${zeros} of ${zeroAt.length} steps${from !== undefined ? ` (from step ${from} on)` : ''}`,
      };
    }
    case 'unnormalized-input': {
      const probes = events.filter((e): e is ActivationStatsEvent => e.kind === 'activation-stats' && !!e.input);
      const hit = probes.find(
        e => Math.max(Math.abs(e.input!.min ?? 0), Math.abs(e.input!.max ?? 0)) > s.inputMagnitude,
      );
      const i = hit?.input;
      return {
        onset: hit ? log.epochOf(hit.step) : undefined,
        text: i ? `input range [${f3(i.min!)}, ${f3(i.max!)}], mean ${f3(i.mean!)}` : 'inputs within range',
      };
    }
    case 'bad-initial-loss': {
      const first = batches[0];
      const out = fit?.layers.at(-1);
      const classes = /binary/i.test(fit?.loss ?? '') ? 2 : (out?.units ?? 0);
      return {
        onset: first?.epoch,
        text: `first loss ${first?.loss != null ? f3(first.loss) : 'NaN'} vs ln(${classes}) = ${f3(Math.log(classes))}`,
      };
    }
    case 'overfitting': {
      const v = epochs.map(e => e.logs.val_loss ?? NaN),
        t = epochs.map(e => e.logs.loss ?? NaN);
      const best = Math.min(...v),
        at = v.indexOf(best);
      return {
        onset: at + 1,
        text: `val_loss min ${f3(best)} at epoch ${at}, then ${f3(v.at(-1)!)} (+${pct(v.at(-1)! / best - 1)}); train loss ${f3(t[at])} -> ${f3(t.at(-1)!)}`,
      };
    }
    case 'loss-not-decreasing': {
      const t = epochs.map(e => e.logs.loss ?? NaN),
        W = s.lossPlateauEpochs;
      let onset: number | undefined;
      for (let e = W - 1; e < t.length && onset === undefined; e++) {
        const ref = Math.min(...t.slice(0, e - W + 2)),
          recent = Math.min(...t.slice(e - W + 2, e + 1));
        if ((ref - recent) / Math.abs(ref) < s.lossPlateauRelative) onset = e;
      }
      const perEpoch = (t[0] - t.at(-1)!) / t[0] / Math.max(1, t.length - 1);
      return {
        onset,
        text: `loss ${f3(t[0])} -> ${f3(t.at(-1)!)} over ${t.length} epochs (${(perEpoch * 100).toFixed(3)}% per epoch)`,
      };
    }
    case 'slow-convergence': {
      // AUTOTRAINER judges accuracy history from its judgment point (30% of the planned epochs) on
      const a = epochs.map(e => accuracyOf(e.logs) ?? NaN);
      const judge = Math.ceil(s.judgmentPoint * (fit?.epochs ?? 0)) - 1;
      let onset: number | undefined, raw: number | undefined;
      let max = -Infinity;
      for (let e = 1; e < a.length; e++) {
        max = Math.max(max, a[e] - a[e - 1]);
        if (e >= 2 && max <= s.slowConvergenceDelta) {
          raw ??= e;
          if (e >= judge) onset ??= e;
        }
      }
      const short = shortRunSlow(epochs, fit?.epochs ?? 0, Math.max(2, judge));
      return {
        onset: onset ?? short,
        text:
          `training accuracy ${f3(a[0])} -> ${f3(a.at(-1)!)}; largest epoch gain ${f3(max)}; gains <= ${s.slowConvergenceDelta} since epoch ${raw ?? '-'}, judged from epoch ${judge}` +
          (short !== undefined
            ? `; a short run that ends below ${OWN.targetAccuracy} while its loss still falls, from epoch ${short}`
            : ''),
      };
    }
    case 'oscillating-loss': {
      const a = epochs.map(e => accuracyOf(e.logs) ?? NaN);
      const judge = Math.ceil(s.judgmentPoint * (fit?.epochs ?? 0)) - 1;
      let onset: number | undefined, raw: number | undefined;
      for (let e = 2; e < a.length; e++) {
        const big = peakTroughSwings(a.slice(0, e + 1)).filter(x => x >= s.oscillationSwing).length;
        if (big >= 2 && big / (e + 1) >= s.oscillationShare) {
          raw ??= e;
          if (e >= judge) onset ??= e;
        }
      }
      const sw = peakTroughSwings(a);
      return {
        onset,
        text: `${sw.filter(x => x >= s.oscillationSwing).length} training-accuracy swings >= ${s.oscillationSwing} over ${a.length} epochs (largest ${f3(Math.max(...sw))}); criterion true from epoch ${raw ?? '-'}, judged from epoch ${judge}`,
      };
    }
    case 'noisy-validation': {
      const v = epochs.map(e => e.logs.val_loss).filter((x): x is number => typeof x === 'number');
      const d = v.slice(1).map((x, i) => x - v[i]);
      let onset: number | undefined,
        reversals = 0,
        rel = 0;
      for (let e = 3; e < v.length; e++) {
        const steps = d.slice(0, e);
        reversals = steps.slice(1).filter((x, i) => Math.sign(x) !== Math.sign(steps[i])).length / (steps.length - 1);
        rel = median(steps.map(Math.abs)) / median(v.slice(0, e + 1));
        if (reversals >= OWN.noisyReversals && rel >= OWN.noisyRelativeStep) {
          onset ??= e;
        }
      }
      return v.length < 4
        ? { text: 'fewer than 4 validation losses', unjudged: true }
        : {
            onset,
            text: `val_loss reverses direction in ${pct(reversals)} of epochs, median step ${pct(rel)} of its level (criterion: >= ${pct(OWN.noisyReversals)} and >= ${pct(OWN.noisyRelativeStep)})`,
          };
    }
    case 'label-distribution-shift':
    case 'class-imbalance':
    case 'non-finite-input':
    case 'train-validation-leakage':
    case 'label-loss-mismatch':
      return data ? measureData(code, data, epochs) : { text: 'no data probe', unjudged: true };
    default:
      return { text: '', unjudged: true };
  }
}

/** whether the symptom showed in the run, or the check could not judge it (then it counts: a miss stays a miss) */
export function symptomShown(m: Measurement): boolean {
  return m.onset !== undefined || !!m.unjudged;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b),
    m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Data pitfalls, from the data (DataFacts) and, for class imbalance, the accuracy the run reached. */
function measureData(code: string, d: DataFacts, epochs: Array<Extract<RunEvent, { kind: 'epoch' }>>): Measurement {
  const c = DATA_CRITERIA;
  switch (code) {
    case 'label-distribution-shift':
      return d.shift === undefined
        ? { text: 'no validation labels', unjudged: true }
        : {
            onset: d.shift >= c.shift ? 0 : undefined,
            text: `label distribution train [${d.trainCounts!.join(' ')}] vs val [${d.valCounts!.join(' ')}]: distance ${d.shift.toFixed(2)} (criterion >= ${c.shift})`,
          };
    case 'class-imbalance': {
      if (d.majority === undefined) return { text: 'not a classification', unjudged: true };
      const acc = epochs.map(e => e.logs.val_acc ?? e.logs.val_accuracy ?? accuracyOf(e.logs) ?? NaN);
      const at = acc.findIndex(a => a <= d.majority! + c.majorityMargin);
      const last = acc.at(-1) ?? NaN;
      const hit = d.majority >= c.majority && last <= d.majority + c.majorityMargin;
      return {
        onset: hit ? Math.max(0, at) : undefined,
        text: `majority class ${pct(d.majority)} of training labels; accuracy ${acc.map(f3).join(' ')} (criterion: majority >= ${pct(c.majority)}, final accuracy <= majority + ${c.majorityMargin})`,
      };
    }
    case 'non-finite-input':
      return {
        onset: d.nonFinite.x + d.nonFinite.y > 0 ? 0 : undefined,
        text: `non-finite values: ${d.nonFinite.x} in x, ${d.nonFinite.y} in y`,
      };
    case 'train-validation-leakage':
      return {
        onset: d.nVal && d.leaked / d.nVal >= c.leakedShare ? 0 : undefined,
        text: `${d.leaked} of ${d.nVal} validation samples also in the training data (criterion >= ${pct(c.leakedShare)})`,
      };
    default:
      return {
        onset: d.lossMismatch ? 0 : undefined,
        text: d.lossMismatch ?? `${d.loss} fits ${d.labels} labels and a ${d.output.activation} output`,
      };
  }
}

/** Whether a healthy job really trains well (lib/thresholds.ts OWN), from its last epoch and its data. */
export function trainsWell(events: RunEvent[], data?: DataFacts): Measurement & { ok: boolean } {
  const epochs = events.filter(e => e.kind === 'epoch');
  const first = epochs[0]?.logs,
    last = epochs.at(-1)?.logs;
  if (!first || !last) return { ok: false, text: 'no epochs' };
  const acc = last.val_acc ?? last.val_accuracy ?? accuracyOf(last);
  if (acc != null) {
    const need = Math.max(OWN.healthyAccuracy, (data?.majority ?? 0) + OWN.healthyOverMajority);
    return {
      ok: acc >= need,
      text: `final ${last.val_acc != null || last.val_accuracy != null ? 'val ' : ''}accuracy ${f3(acc)} (needs >= ${f3(need)})`,
    };
  }
  const l0 = first.val_loss ?? first.loss,
    l1 = last.val_loss ?? last.loss;
  if (l0 == null || l1 == null) return { ok: false, text: 'no loss' };
  if (data?.labels === 'continuous' && /meanSquaredError/.test(data.loss) && data.labelVariance > 0) {
    // R^2 = 1 - MSE / Var(y): explains at least half of the targets' variance
    return {
      ok: l1 <= data.labelVariance * OWN.healthyLossRatio,
      text: `${last.val_loss != null ? 'val ' : ''}MSE ${f3(l1)} vs target variance ${f3(data.labelVariance)} (needs R^2 >= ${1 - OWN.healthyLossRatio})`,
    };
  }
  return {
    ok: l1 <= l0 * OWN.healthyLossRatio,
    text: `${first.val_loss != null ? 'val ' : ''}loss ${f3(l0)} -> ${f3(l1)} (needs <= ${OWN.healthyLossRatio} x)`,
  };
}

/** A run's vital signs in one line: accuracy/loss, gradient ratio range, worst dead and saturated layers, input range. */
export function vitals(events: RunEvent[]): string {
  const fit = events.find((e): e is FitStartEvent => e.kind === 'fit-start');
  const epochs = events.filter(e => e.kind === 'epoch');
  const first = epochs[0]?.logs,
    last = epochs.at(-1)?.logs;
  const parts: string[] = [];
  if (first && last) {
    const acc = accuracyOf(last);
    parts.push(
      acc != null
        ? `acc ${f3(accuracyOf(first)!)} -> ${f3(acc)}${last.val_acc != null ? ` (val ${f3(last.val_acc)})` : ''}`
        : `loss ${f3(first.loss ?? NaN)} -> ${f3(last.loss ?? NaN)}${last.val_loss != null ? ` (val ${f3(last.val_loss)})` : ''}`,
    );
  }
  if (fit) {
    const k = kernelLayers(fit);
    const ratios = events
      .filter(e => e.kind === 'grad-norms')
      .map(g => {
        const a = kernelNorm(g.variables, k[0]),
          b = kernelNorm(g.variables, k[k.length - 1]);
        return a != null && b != null && a > 0 && b > 0 ? a / b : undefined;
      })
      .filter((x): x is number => x !== undefined);
    if (ratios.length) parts.push(`grad ratio ${f3(Math.min(...ratios))}..${f3(Math.max(...ratios))}`);
  }
  let dead = { f: 0, layer: '' };
  for (const e of events)
    if (e.kind === 'dead-units')
      for (const l of e.layers) if (l.dead / l.total > dead.f) dead = { f: l.dead / l.total, layer: l.layer };
  if (events.some(e => e.kind === 'dead-units'))
    parts.push(`max dead ${pct(dead.f)}${dead.layer ? ' ' + dead.layer : ''}`);
  let sat = { f: -1, layer: '' };
  const outName = fit?.layers.at(-1)?.name;
  for (const e of events)
    if (e.kind === 'activation-stats')
      for (const l of e.layers)
        if (l.saturated != null && l.layer !== outName && l.saturated > sat.f) sat = { f: l.saturated, layer: l.layer };
  if (sat.f >= 0) parts.push(`max saturated ${pct(sat.f)} ${sat.layer}`);
  const inputs = events
    .filter((e): e is ActivationStatsEvent => e.kind === 'activation-stats' && !!e.input)
    .map(e => e.input!);
  if (inputs.length)
    parts.push(
      `input ${f3(Math.min(...inputs.map(i => i.min ?? 0)))}..${f3(Math.max(...inputs.map(i => i.max ?? 0)))}`,
    );
  const b0 = events.find(e => e.kind === 'batch');
  if (b0?.kind === 'batch' && b0.loss != null) parts.push(`first loss ${f3(b0.loss)}`);
  return parts.join(', ');
}
