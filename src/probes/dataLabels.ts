/**
 * The labels of both sides of a fit's split (encoding, samples per class) and the input rows they share (leakage),
 * written into the data-check report; picks the samples the epoch-end evaluation predicts.
 */
import type { DataCheckEvent } from '../protocol';
import { classCount, classesOf, countClasses, countShared, hashRows, summarizeLabels } from './dataStats';
import type { Rows } from './dataTap';
import { concat, rowSize, type Side } from './dataRows';

type DataCheckBody = Omit<DataCheckEvent, 'runId' | 'seq' | 't'>;

export interface LabelLimits {
  maxEvalSamples: number;
  maxTrainEvalSamples: number;
  maxClasses: number;
}

/** What the epoch-end evaluation predicts: the true classes of its samples, how many classes, which side. */
export interface EvalPlan {
  truth: Int32Array;
  classes: number;
  of: 'validation' | 'training';
}

/**
 * Labels of both sides (encoding, samples per class), leakage between them; returns the evaluation plan (the first
 * validation samples, the training ones without validation), if there is one. `compare: false`: one side only seen.
 */
export function analyzeSides(
  report: DataCheckBody,
  train: Side,
  val: Side | undefined,
  units: number | null,
  limits: LabelLimits,
  compare = true,
): EvalPlan | undefined {
  const max = limits.maxEvalSamples;
  let plan: EvalPlan | undefined;
  const yr = train.y ?? val?.y;
  if (yr) {
    const width = rowSize(yr);
    const both = train.y && val?.y ? concat(train.y.values, val.y.values) : yr.values;
    const summary = summarizeLabels(both, width);
    const k = classCount(summary, units);
    const threshold = width === 1 && units === 1;
    const classesOfSide = (r: Rows | undefined) => (r ? classesOf(r.values, width, threshold) : undefined);
    const trainCls = k !== null ? classesOfSide(train.y) : undefined,
      valCls = k !== null ? classesOfSide(val?.y) : undefined;
    report.labels = {
      ...summary,
      classes: k,
      train: k !== null && trainCls ? countClasses(trainCls, k) : null,
      val: k !== null && valCls && compare ? countClasses(valCls, k) : null,
    };
    if (k !== null && k > limits.maxClasses)
      report.notChecked.push(`per-class results: ${k} classes (more than ${limits.maxClasses})`);
    else if (k !== null && units !== null) {
      if (val?.x && valCls)
        plan = { classes: k, of: 'validation', truth: valCls.subarray(0, Math.min(valCls.length, val.x.rows, max)) };
      else if (!val && trainCls && train.x && limits.maxTrainEvalSamples > 0)
        plan = {
          classes: k,
          of: 'training',
          truth: trainCls.subarray(0, Math.min(trainCls.length, train.x.rows, limits.maxTrainEvalSamples)),
        };
    }
  }
  if (train.x && val?.x && rowSize(train.x) === rowSize(val.x) && compare) {
    const size = rowSize(train.x);
    report.leakage = {
      trainRows: train.x.rows,
      valRows: val.x.rows,
      duplicated: countShared(hashRows(train.x.values, size), hashRows(val.x.values, size)),
    };
  }
  return plan;
}
