/** Events of the data probe (src/probes/data.ts): what fit's data holds, and per-class results at epoch ends. */
import * as z from 'zod';
import { base, finiteOrNull, sourceLocation } from './eventParts';

/** What the data probe measured at fit start (src/probes/data.ts): the inputs, the labels as tfjs splits them. */
const tensorCheck = z.object({
  /** 'x', 'y', 'validation x', 'validation y' (with the input's index when a model has several) */
  name: z.string(),
  values: z.number().int().nonnegative(),
  nonFinite: z.number().int().nonnegative(),
  nan: z.number().int().nonnegative(),
  /** index (per dimension) of the first NaN/Inf value, null when there is none */
  firstIndex: z.array(z.number().int().nonnegative()).nullable(),
});
/**
 * The model's own loss function on a few real labels, fed a perfect prediction (the labels themselves, one-hot for
 * class indices) and a uniform one, for a softmax or sigmoid output: a sound loss is about 0 on the perfect one.
 */
const lossCheck = z.object({
  /** the output activation as it takes effect */
  activation: z.enum(['softmax', 'sigmoid']),
  /** how the perfect prediction was built from the labels: as they are (one-hot, 0/1) or one-hot of class indices */
  labels: z.enum(['one-hot', 'indices', 'binary']),
  samples: z.number().int().positive(),
  /** the output's units (classes of a softmax) */
  units: z.number().int().positive(),
  /** mean loss on the perfect prediction (null: not finite) */
  perfect: finiteOrNull,
  /** mean loss on the uniform prediction (1/units for softmax, 0.5 for sigmoid; null: not finite) */
  uniform: finiteOrNull,
});
export const dataCheckEvent = z.object({
  ...base,
  kind: z.literal('data-check'),
  fitIndex: z.number().int().nonnegative(),
  method: z.enum(['fit', 'fitDataset']),
  location: sourceLocation.optional(),
  compileLocation: sourceLocation.optional(),
  loss: z.string().nullable(),
  outputActivation: z.string().nullable(),
  outputUnits: z.number().int().positive().nullable(),
  /** where the validation data came from: tfjs's validationSplit (the LAST fraction, before shuffling), validationData, none */
  validation: z.enum(['split', 'data', 'dataset', 'none']),
  validationSplit: z.number().optional(),
  tensors: z.array(tensorCheck),
  labels: z
    .object({
      /** how the targets are encoded, read from their values */
      encoding: z.enum(['one-hot', 'sparse', 'binary', 'probabilities', 'continuous', 'multi-hot']),
      width: z.number().int().positive(),
      min: finiteOrNull,
      max: finiteOrNull,
      /** largest |row sum - 1| of a multi-column target (one-hot rows sum to 1) */
      rowSumError: finiteOrNull,
      integer: z.boolean(),
      /** classes of a single-label classification (null: not one) */
      classes: z.number().int().positive().nullable(),
      /** samples per class: training part, validation part (null: not measured) */
      train: z.array(z.number().int().nonnegative()).nullable(),
      val: z.array(z.number().int().nonnegative()).nullable(),
    })
    .nullable(),
  /** identical input rows (hashed) found in both the training and the validation part */
  leakage: z
    .object({
      trainRows: z.number().int().nonnegative(),
      valRows: z.number().int().nonnegative(),
      duplicated: z.number().int().nonnegative(),
    })
    .nullable(),
  /** checks that could not be made, and why (e.g. a dataset that cannot be read without consuming it) */
  notChecked: z.array(z.string()),
  /** the compiled loss evaluated on real labels (src/probes/dataLoss.ts); absent when not applicable and in older logs */
  lossCheck: lossCheck.optional(),
});

/** Per-class results on the validation data (or the training data without one) at an epoch end. */
export const classMetricsEvent = z
  .object({
    ...base,
    kind: z.literal('class-metrics'),
    fitIndex: z.number().int().nonnegative(),
    epoch: z.number().int().nonnegative(),
    step: z.number().int().nonnegative(),
    of: z.enum(['validation', 'training']),
    samples: z.number().int().positive(),
    /** class labels in index order */
    classes: z.array(z.string()).min(2),
    /** true class (row) x predicted class (column) counts */
    matrix: z.array(z.array(z.number().int().nonnegative())),
  })
  .refine(e => e.matrix.length === e.classes.length && e.matrix.every(r => r.length === e.classes.length), {
    message: 'matrix must be classes x classes',
  });
