/**
 * Data pitfalls, from what the data probe measured at fit start (`data-check`) and the per-class results at epoch
 * ends (`class-metrics`): NaN/Inf in the data, labels the loss cannot read, validation labels distributed unlike the
 * training labels, identical samples on both sides, and a model that ignores the minority classes of imbalanced
 * data. Findings about the data sit on the `fit(` line; a label/loss mismatch on `compile(` (the loss is chosen
 * there). Thresholds and their sources: settings.ts.
 */
import type { ClassMetricsEvent, DataCheckEvent, Finding, RunEvent, SourceLocation } from '../protocol';
import { accuracyOf, type RunContext } from './context';
import { RULE_SOURCES, type DiagnosisSettings } from './settings';
import { adviceFor } from './advice';
import { chiSquareHomogeneity } from './chiSquare';
import { LossCheckHold } from './outputs';

type Evidence = Finding['evidence'];

export class DataDiagnosis {
  private check: DataCheckEvent | undefined;
  private collapsedEpochs = 0;
  private collapseFrom = 0;
  /** the current fit has per-class results (then they decide class-imbalance, not the accuracy) */
  private predictions = false;
  private stuckEpochs = 0;
  private stuckFrom = 0;
  /** the loss self-test's finding, held until its fit's fit-start */
  private readonly lossCheck = new LossCheckHold();

  constructor(private readonly s: Readonly<DiagnosisSettings>) {}

  /** Findings this event shows (the engine raises each code once and applies ROOT_LEVEL). */
  observe(e: RunEvent, ctx: RunContext): Finding[] {
    if (e.kind === 'data-check') {
      this.check = e;
      this.collapsedEpochs = 0;
      this.stuckEpochs = 0;
      return this.atStart(e, ctx);
    }
    if (e.kind === 'class-metrics' && this.check?.fitIndex === e.fitIndex) {
      this.predictions = true;
      const f = this.imbalance(e, this.check, ctx);
      return f ? [f] : [];
    }
    if (e.kind === 'epoch' && this.check?.validation === 'none' && !this.predictions) {
      const f = this.majorityRate(e.epoch, e.step, accuracyOf(e.logs), this.check, ctx);
      return f ? [f] : [];
    }
    if (e.kind === 'fit-start') {
      this.predictions = false;
      return this.lossCheck.fitStart(e, ctx);
    }
    if (e.kind === 'run-end') return this.lossCheck.runEnd();
    return [];
  }

  /** Without per-class results (no validation data): training accuracy stuck at the majority class's share. */
  private majorityRate(
    epoch: number,
    step: number,
    accuracy: number | null,
    check: DataCheckEvent,
    ctx: RunContext,
  ): Finding | undefined {
    const counts = check.labels?.train;
    const present = counts?.filter(c => c > 0) ?? [];
    if (!counts || present.length < 2 || accuracy === null) return undefined;
    const total = sum(counts),
      largest = Math.max(...present),
      ratio = largest / Math.min(...present);
    const majorityShare = largest / total,
      majority = counts.indexOf(largest);
    if (ratio < this.s.imbalanceRatio || Math.abs(accuracy - majorityShare) > this.s.imbalanceAccuracyMargin) {
      this.stuckEpochs = 0;
      return undefined;
    }
    if (this.stuckEpochs++ === 0) this.stuckFrom = step;
    if (this.stuckEpochs < this.s.imbalanceEpochs) return undefined;
    return this.make(
      'class-imbalance',
      'warning',
      `Class ${majority} makes up ${pct(majorityShare)} of the training labels (${fmt(ratio)} times the smallest class, threshold ${this.s.imbalanceRatio}), and the training accuracy has stayed at that rate (${fmt(accuracy)}, within ${this.s.imbalanceAccuracyMargin}) for ${this.stuckEpochs} epochs: predicting class ${majority} for everything scores the same. Accuracy cannot tell whether the model finds the other classes.`,
      check.location ?? check.compileLocation,
      {
        majorityClass: majority,
        majorityShare,
        ratio,
        ratioThreshold: this.s.imbalanceRatio,
        accuracy,
        accuracyMargin: this.s.imbalanceAccuracyMargin,
        epochs: this.stuckEpochs,
        minorityRecall: null,
        of: 'training accuracy',
      },
      RULE_SOURCES.imbalance,
      ctx,
      { fromStep: this.stuckFrom, toStep: step, epoch },
    );
  }

  private make(
    code: string,
    severity: Finding['severity'],
    message: string,
    location: SourceLocation | undefined,
    evidence: Evidence,
    rule: string,
    ctx: RunContext,
    opts: { fromStep?: number; toStep?: number; epoch?: number; advice?: string[] } = {},
  ): Finding {
    const fromStep = opts.fromStep ?? ctx.step,
      toStep = opts.toStep ?? fromStep;
    return {
      code,
      severity,
      source: 'runtime',
      message,
      file: location?.file,
      range: location ? { start: location } : undefined,
      step: fromStep,
      epoch: opts.epoch ?? 0,
      evidence,
      rule,
      held: { fromStep, toStep, fromEpoch: opts.epoch ?? 0, toEpoch: opts.epoch ?? 0 },
      advice: [...(opts.advice ?? []), ...adviceFor(code, ctx)],
    };
  }

  private atStart(e: DataCheckEvent, ctx: RunContext): Finding[] {
    const out: Finding[] = [];
    const fitSite = e.location ?? e.compileLocation;
    const bad = e.tensors.filter(t => t.nonFinite > 0);
    if (bad.length) {
      const t = bad[0];
      const what = t.nan === t.nonFinite ? 'NaN' : t.nan === 0 ? 'Infinity' : 'NaN/Infinity';
      out.push(
        this.make(
          'non-finite-input',
          'error',
          `${t.name} contains ${t.nonFinite} ${what} value${t.nonFinite === 1 ? '' : 's'} of ${t.values} (first at [${t.firstIndex?.join(', ')}])${
            bad.length > 1
              ? `; also ${bad
                  .slice(1)
                  .map(b => `${b.name} (${b.nonFinite})`)
                  .join(', ')}`
              : ''
          }, before the first step: every loss and weight they reach becomes NaN.`,
          fitSite,
          {
            tensor: t.name,
            nonFinite: t.nonFinite,
            nan: t.nan,
            values: t.values,
            share: t.nonFinite / Math.max(1, t.values),
            firstIndex: t.firstIndex?.join(',') ?? null,
            threshold: 0,
            tensors: bad.map(b => b.name).join(', '),
          },
          RULE_SOURCES.nonFiniteInput,
          ctx,
        ),
      );
    }
    // the labels' encoding by name first; else the loss's own values on them
    const mismatch = this.labelLoss(e, ctx);
    if (mismatch) out.push(mismatch);
    out.push(...this.lossCheck.dataCheck(e, ctx, mismatch !== undefined));
    const shift = this.shift(e, ctx);
    if (shift) out.push(shift);
    const leak = e.leakage;
    if (leak && leak.valRows > 0) {
      const share = leak.duplicated / leak.valRows;
      if (share >= this.s.leakageShare && leak.duplicated > 0) {
        const source =
          e.validation === 'split'
            ? `the last ${pct(e.validationSplit ?? 0)} of x (validationSplit)`
            : e.validation === 'dataset'
              ? 'the validation dataset'
              : 'validationData';
        out.push(
          this.make(
            'train-validation-leakage',
            'warning',
            `${leak.duplicated} of ${leak.valRows} validation samples (${pct(share)}, threshold ${pct(this.s.leakageShare)}) have an input identical to a training sample (${source} vs the ${leak.trainRows} training samples): the validation scores partly measure memorization, not generalization.`,
            fitSite,
            {
              duplicated: leak.duplicated,
              valRows: leak.valRows,
              trainRows: leak.trainRows,
              share,
              threshold: this.s.leakageShare,
              validation: e.validation,
            },
            RULE_SOURCES.leakage,
            ctx,
          ),
        );
      }
    }
    return out;
  }

  /** Labels the loss cannot read, or an output activation that cannot produce what the loss expects for them. */
  private labelLoss(e: DataCheckEvent, ctx: RunContext): Finding | undefined {
    const l = e.labels,
      loss = e.loss ?? '';
    if (!l || !/crossentropy/i.test(loss)) return undefined;
    // no activation of its own (a tf.layers.softmax() at the end): judged on the layers at fit start (outputs.ts)
    const units = e.outputUnits,
      act = e.outputActivation ?? 'unknown';
    const range = `${fmt(l.min)}..${fmt(l.max)}`;
    let problem: string | undefined, fix: string | undefined;
    if (/sparse/i.test(loss)) {
      if (l.width > 1 && (l.encoding === 'one-hot' || l.encoding === 'multi-hot' || l.encoding === 'probabilities')) {
        problem = `the labels are ${l.encoding} rows of ${l.width} columns, but ${loss} expects one class index per sample`;
        fix = `Use loss 'categoricalCrossentropy' with these one-hot labels, or pass class indices (tf.argMax(y, -1)) to ${loss}`;
      } else if (l.width === 1 && (!l.integer || (l.min ?? 0) < 0 || (units != null && (l.max ?? 0) >= units))) {
        problem = `${loss} expects class indices 0..${units != null ? units - 1 : 'C-1'}, but the labels range over ${range}${l.integer ? '' : ' and are not integers'}`;
        fix =
          units != null && l.integer && (l.max ?? 0) >= units
            ? `Give the output layer ${(l.max ?? 0) + 1} units (one per class), or map the labels to 0..${units - 1}`
            : 'Map the labels to class indices 0..C-1';
      }
    } else if (/categorical/i.test(loss)) {
      if (l.width === 1) {
        problem = `the labels are one class index per sample (${range}), but ${loss} expects one-hot rows of ${units ?? 'C'} columns`;
        fix = `Use loss 'sparseCategoricalCrossentropy' with these class indices, or one-hot encode them: tf.oneHot(labels, ${units ?? 'classes'})`;
      } else if ((l.min ?? 0) < 0 || (l.max ?? 0) > 1 || (l.rowSumError ?? 0) > this.s.labelRowSumTolerance) {
        problem = `${loss} expects each label row to be a probability distribution (values in [0, 1] summing to 1), but the labels range over ${range} and rows sum to 1 only within ${fmt(l.rowSumError)}`;
        fix = 'Pass one-hot (or probability) rows: tf.oneHot(classIndices, classes)';
      }
      if (!problem && act !== 'softmax' && act !== 'unknown') {
        problem = `the output layer has ${act} activation, so its outputs are not a probability distribution over the classes, which ${loss} expects`;
        fix = `Give the output layer activation 'softmax'`;
      }
    } else if (/binary/i.test(loss)) {
      if ((l.min ?? 0) < 0 || (l.max ?? 0) > 1) {
        problem = `${loss} expects targets in [0, 1], but the labels range over ${range}`;
        fix =
          l.integer && (l.min ?? 0) >= 0
            ? `These look like class indices: use a softmax output with ${(l.max ?? 0) + 1} units and loss 'sparseCategoricalCrossentropy'`
            : 'Map the targets to 0/1 (e.g. (y + 1) / 2 for -1/1 labels)';
      } else if (act === 'softmax' && units === 1) {
        problem = `the output layer is a softmax over a single unit, which is always 1: ${loss} cannot learn the 0/1 labels from it`;
        fix = `Give the output layer activation 'sigmoid'`;
      } else if (act !== 'sigmoid' && act !== 'softmax' && act !== 'unknown') {
        problem = `the output layer has ${act} activation, so its outputs are not probabilities in (0, 1), which ${loss} expects`;
        fix = `Give the output layer activation 'sigmoid'`;
      }
    }
    if (!problem) return undefined;
    return this.make(
      'label-loss-mismatch',
      'error',
      `The loss does not fit the labels or the output: ${problem}. tfjs either rejects such targets or trains on a meaningless objective (a bad initial loss or NaN that follow are symptoms of this).`,
      e.compileLocation ?? e.location,
      {
        loss,
        encoding: l.encoding,
        labelWidth: l.width,
        labelMin: l.min,
        labelMax: l.max,
        integer: l.integer,
        rowSumError: l.rowSumError,
        rowSumTolerance: this.s.labelRowSumTolerance,
        outputUnits: units,
        outputActivation: act,
        threshold: 'exact',
      },
      RULE_SOURCES.labelLoss,
      ctx,
      { advice: fix ? [fix] : [] },
    );
  }

  private shift(e: DataCheckEvent, ctx: RunContext): Finding | undefined {
    const train = e.labels?.train,
      val = e.labels?.val;
    if (!train || !val) return undefined;
    const nt = sum(train),
      nv = sum(val);
    if (nt === 0 || nv === 0) return undefined;
    const pt = train.map(c => c / nt),
      pv = val.map(c => c / nv);
    const distance = 0.5 * pt.reduce((s, p, i) => s + Math.abs(p - pv[i]), 0);
    const test = chiSquareHomogeneity(train, val);
    if (distance < this.s.labelShiftDistance || test.p >= this.s.labelShiftPValue) return undefined;
    const missingVal = train.map((c, i) => (c > 0 && val[i] === 0 ? i : -1)).filter(i => i >= 0);
    const missingTrain = val.map((c, i) => (c > 0 && train[i] === 0 ? i : -1)).filter(i => i >= 0);
    const dominant = pv.indexOf(Math.max(...pv));
    const parts: string[] = [];
    if (missingVal.length)
      parts.push(
        `class${missingVal.length > 1 ? 'es' : ''} ${missingVal.join(', ')} ${missingVal.length > 1 ? 'are' : 'is'} missing from the validation data`,
      );
    if (missingTrain.length)
      parts.push(
        `class${missingTrain.length > 1 ? 'es' : ''} ${missingTrain.join(', ')} ${missingTrain.length > 1 ? 'occur' : 'occurs'} only in the validation data`,
      );
    parts.push(
      `class ${dominant} makes up ${pct(pv[dominant])} of the validation samples against ${pct(pt[dominant])} of the training samples`,
    );
    const why =
      e.validation === 'split'
        ? ` validationSplit ${e.validationSplit} takes the LAST ${pct(e.validationSplit ?? 0)} of x and y before shuffling, so data ordered by class splits unevenly.`
        : ' The validation data comes from a differently distributed source.';
    return this.make(
      'label-distribution-shift',
      'warning',
      `The validation labels are distributed differently from the training labels: ${parts.join('; ')} (total variation distance ${fmt(distance)}, threshold ${this.s.labelShiftDistance}; chi-squared p = ${fmtP(test.p)}).${why} Validation loss and accuracy then measure other classes than training.`,
      e.location ?? e.compileLocation,
      {
        distance,
        threshold: this.s.labelShiftDistance,
        chiSquared: test.statistic,
        p: test.p,
        pThreshold: this.s.labelShiftPValue,
        trainCounts: train.join(','),
        valCounts: val.join(','),
        missingInValidation: missingVal.join(',') || null,
        onlyInValidation: missingTrain.join(',') || null,
        validation: e.validation,
      },
      RULE_SOURCES.labelShift,
      ctx,
    );
  }

  /** The model finds (almost) none of the minority classes of imbalanced data, at several epoch ends in a row. */
  private imbalance(e: ClassMetricsEvent, check: DataCheckEvent, ctx: RunContext): Finding | undefined {
    const support = e.matrix.map(sum);
    const counts = check.labels?.train ?? support;
    const present = counts.map((c, i) => [c, i] as const).filter(([c]) => c > 0);
    if (present.length < 2) return undefined;
    const majority = present.reduce((a, b) => (b[0] > a[0] ? b : a))[1];
    const smallest = Math.min(...present.map(([c]) => c));
    const ratio = counts[majority] / smallest;
    const minority = present.map(([, i]) => i).filter(i => i !== majority && support[i] > 0);
    if (ratio < this.s.imbalanceRatio || minority.length === 0) {
      this.collapsedEpochs = 0;
      return undefined;
    }
    const recall = (i: number) => e.matrix[i][i] / support[i];
    const minorityRecall = minority.reduce((s, i) => s + recall(i), 0) / minority.length;
    if (minorityRecall > this.s.imbalanceMinorityRecall) {
      this.collapsedEpochs = 0;
      return undefined;
    }
    if (this.collapsedEpochs++ === 0) this.collapseFrom = e.step;
    if (this.collapsedEpochs < this.s.imbalanceEpochs) return undefined;
    const total = sum(support);
    const accuracy = e.matrix.reduce((s, r, i) => s + r[i], 0) / total;
    const predictedMajority = e.matrix.reduce((s, r) => s + r[majority], 0) / total;
    const majorityShare = counts[majority] / sum(counts);
    return this.make(
      'class-imbalance',
      'warning',
      `Class ${majority} makes up ${pct(majorityShare)} of the training labels (${fmt(ratio)} times the smallest class, threshold ${this.s.imbalanceRatio}), and the model predicts it for ${pct(predictedMajority)} of the ${e.of} samples: accuracy ${fmt(accuracy)} is about the majority rate, while it finds only ${pct(minorityRecall)} of the other class${minority.length > 1 ? "es'" : "'s"} samples (recall threshold ${pct(this.s.imbalanceMinorityRecall)}) for ${this.collapsedEpochs} epochs in a row.`,
      check.location ?? check.compileLocation,
      {
        majorityClass: majority,
        majorityShare,
        ratio,
        ratioThreshold: this.s.imbalanceRatio,
        accuracy,
        predictedMajority,
        minorityRecall,
        recallThreshold: this.s.imbalanceMinorityRecall,
        epochs: this.collapsedEpochs,
        samples: total,
        of: e.of,
      },
      RULE_SOURCES.imbalance,
      ctx,
      {
        fromStep: this.collapseFrom,
        toStep: e.step,
        epoch: e.epoch,
        advice: [
          `Weight the classes in fit: classWeight: { ${present.map(([c, i]) => `${i}: ${fmt(counts[majority] / c)}`).join(', ')} } (each class inverse to its frequency)`,
        ],
      },
    );
  }
}

const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);

function pct(x: number): string {
  const p = x * 100;
  return `${Math.abs(p) < 10 && p % 1 !== 0 ? p.toFixed(1) : p.toFixed(0)}%`;
}

function fmt(x: number | null | undefined): string {
  if (x == null) return 'NaN';
  const a = Math.abs(x);
  return a !== 0 && (a >= 1e4 || a < 1e-3) ? x.toExponential(2) : String(+x.toPrecision(4));
}

const fmtP = (p: number) => (p < 1e-4 ? p.toExponential(1) : fmt(p));
