/**
 * The `training-lens` module a job imports (`import { nadam, hparams, schedules } from 'training-lens'`): the
 * runner builds it with the job's own tf instance (so tfjs' `instanceof` checks hold) and the run folder, and the
 * bundler resolves the import to it. Everything is plain tfjs underneath: a job using it still trains anywhere
 * the toolkit is created the same way.
 */
import type { Tf } from '../tf/types';
import { createOptimizers } from './optimizers';
import { createClip } from './clipping';
import { createMcPredict } from './mc';
import { hparams } from './hparams';
import { choice, intRange, uniform, logUniform } from './search';
import { createCvSplit } from './folds';
import { createSchedules } from './schedules';
import { createCallbacks } from './callbacks';
import { createLoadCsv } from './data/csv';
import { createTrainValSplit } from './data/split';
import { createLoadImageFolder } from './data/images';
import type { DataEnv } from './data/paths';
import { createCustomLog, type CustomRecorder } from './customLog';

export interface ToolkitEnv extends DataEnv {
  /** the run's folder (checkpoints go under it) */
  runDir?: string;
  /** records `log` / `logHistogram` in the run (absent outside Training Lens: they record nothing) */
  record?: CustomRecorder;
}

export function createToolkit(tf: Tf, env: ToolkitEnv) {
  const regularizers = {
    /** l1: loss + λ·Σ|w| (sparse weights) */
    l1: tf.regularizers.l1,
    /** l2 (weight decay): loss + λ·Σw² */
    l2: tf.regularizers.l2,
    /** both: { l1, l2 } */
    l1l2: tf.regularizers.l1l2,
  };
  return {
    ...createOptimizers(tf),
    /** clip the gradients of any tfjs optimizer: clip(optimizer, { clipNorm: 1 }) or { clipValue: 0.5 } */
    clip: createClip(tf),
    /** Monte Carlo dropout: mean and std over `samples` predictions with dropout active */
    mcPredict: createMcPredict(tf),
    /** the job's hyper-parameters, overridden by a sweep trial's values */
    hparams,
    /** search spaces for hparams(): choice(0, 1, 2), intRange(1, 99), uniform(0, 0.5), logUniform(3e-4, 3e-2) */
    choice,
    intRange,
    uniform,
    logUniform,
    /** this run's training/validation split: fold j of K under a cross-validated sweep (`--cv K`), else as given */
    cvSplit: createCvSplit(tf),
    ...regularizers,
    regularizers,
    /** max-norm: rescales each unit's incoming weights to norm ≤ maxValue after every step (kernelConstraint) */
    maxNorm: tf.constraints.maxNorm,
    ...createSchedules(tf),
    ...createCallbacks(tf, env),
    /** a CSV file as tensors: loadCsv('data/iris.csv', { label: 'species' }) → { x, y, featureNames, classes, skipped } */
    loadCsv: createLoadCsv(tf, env),
    /** images in one sub-folder per class: loadImageFolder('data/shapes', { size: [28, 28] }) → { x, y, classes, skipped } */
    loadImageFolder: createLoadImageFolder(tf, env),
    /** a shuffled (and, for class labels, stratified) validation split: trainValSplit(x, y, { fraction: 0.2 }) */
    trainValSplit: createTrainValSplit(tf, env),
    ...createCustomLog(tf, env.record),
  };
}

export type Toolkit = ReturnType<typeof createToolkit>;
