/**
 * A hyper-parameter sweep (src/sweep): the record kept in `.training-lens/sweeps/<id>.json` and, as is, the state the
 * host sends to the Sweep panel. The host owns it; the panel sorts and displays it.
 */
import * as z from 'zod';
import type { ParseResult } from './events';
import { check } from './messages';

const hparamValue = z.union([z.number(), z.string(), z.boolean()]);

/** One searched hyper-parameter: `logUniform` (or a bare [min, max]), `uniform`, `intRange`, `choice`. */
export const searchDimensionSchema = z.discriminatedUnion('scale', [
  /** log-uniform; `integer` when the default and both bounds are whole numbers (samples are rounded) */
  z.object({ scale: z.literal('log'), min: z.number().positive(), max: z.number().positive(), integer: z.boolean() }),
  z.object({ scale: z.literal('uniform'), min: z.number(), max: z.number() }),
  /** whole numbers min, min + step, … ≤ max, each as likely */
  z.object({
    scale: z.literal('int'),
    min: z.number().int(),
    max: z.number().int(),
    step: z.number().int().positive(),
  }),
  z.object({ scale: z.literal('choice'), values: z.array(hparamValue).min(1) }),
]);
export type SearchDimension = z.infer<typeof searchDimensionSchema>;

const sweepScoreSchema = z.object({ value: z.number(), epoch: z.number().int().positive() });
export const sweepTrialSchema = z.object({
  trial: z.number().int().nonnegative(),
  hparams: z.record(z.string(), hparamValue),
  /** `pruned`: the scheduler stopped it early (successive halving) to give its epochs to better trials */
  status: z.enum(['pending', 'running', 'ok', 'error', 'cancelled', 'pruned']),
  runId: z.string().optional(),
  runDir: z.string().optional(),
  epochsDone: z.number().int().nonnegative(),
  /** best value of the sweep's metric over the trial's epochs */
  metric: sweepScoreSchema.optional(),
  /** 1-based place in the Best-N table; null until the trial finished (ok or pruned) with a score */
  rank: z.number().int().positive().nullable(),
  durationMs: z.number().nonnegative().optional(),
  /** the epoch after which the scheduler stopped this trial, and the rung (epochs) it was compared at */
  pruned: z
    .object({
      epoch: z.number().int().positive(),
      rung: z.number().int().positive(),
      reason: z.enum(['rung', 'diverged']),
    })
    .optional(),
  /** cross-validation (`cv` folds): one run per fold; the trial's metric is the mean of the folds' scores */
  folds: z
    .array(
      z.object({
        fold: z.number().int().nonnegative(),
        status: z.enum(['pending', 'running', 'ok', 'error', 'cancelled']),
        runId: z.string().optional(),
        runDir: z.string().optional(),
        epochsDone: z.number().int().nonnegative(),
        metric: sweepScoreSchema.optional(),
      }),
    )
    .optional(),
  /** standard deviation of the folds' scores (population, over the folds that scored) */
  spread: z.number().nonnegative().optional(),
  /** its score (lower is better) at each rung it reached, by epoch: what a resumed scheduler compares against */
  rungs: z.record(z.string(), z.number().nullable()).optional(),
  /** the Hyperband bracket the trial was assigned to (the highest: most aggressive) */
  bracket: z.number().int().nonnegative().optional(),
  error: z
    .object({ message: z.string(), file: z.string().optional(), line: z.number().int().positive().optional() })
    .optional(),
});
export const sweepSchedulerSchema = z.object({
  kind: z.enum(['none', 'asha', 'hyperband']),
  /** halving rate η: a rung keeps the best 1/η of the trials that reached it */
  eta: z.number().int().min(2),
  /** the fewest epochs a trial trains before it can be stopped */
  minEpochs: z.number().int().positive(),
});
export type SweepScheduler = z.infer<typeof sweepSchedulerSchema>;
export const sweepRecordSchema = z.object({
  version: z.literal(1),
  id: z.string().min(1),
  jobFile: z.string(),
  createdAt: z.string(),
  status: z.enum(['running', 'done', 'cancelled']),
  seed: z.number().int().nonnegative(),
  /** the most epochs one trial trains */
  epochs: z.number().int().positive(),
  concurrency: z.number().int().positive(),
  /** what trials are compared by; null while no trial has logged a usable metric */
  metric: z.object({ name: z.string(), higherIsBetter: z.boolean() }).nullable(),
  requestedMetric: z.string().optional(),
  /** early stopping of trials; absent: plain random search (every trial trains all its epochs) */
  scheduler: sweepSchedulerSchema.optional(),
  /** K of K-fold cross-validation: each trial trains K runs */
  cv: z.number().int().min(2).optional(),
  /** total epochs the sweep may spend over all trials (a scheduler launches trials until it is spent) */
  budget: z.number().int().positive().optional(),
  defaults: z.record(z.string(), hparamValue),
  space: z.record(z.string(), searchDimensionSchema),
  trials: z.array(sweepTrialSchema),
});
export type SweepTrial = z.infer<typeof sweepTrialSchema>;
export type SweepRecord = z.infer<typeof sweepRecordSchema>;

export const sweepHostToWebviewSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sweep'), sweep: sweepRecordSchema }),
]);
export type SweepHostToWebview = z.infer<typeof sweepHostToWebviewSchema>;
export const sweepWebviewToHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('open-run'), runId: z.string() }),
  /** overlay these runs (the top K in the panel's current order) in the dashboard */
  z.object({ type: z.literal('overlay'), runIds: z.array(z.string()).min(1) }),
  z.object({ type: z.literal('stop') }),
  /** continue a stopped or interrupted sweep from its record (the same seed gives the remaining trials) */
  z.object({ type: z.literal('continue') }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type SweepWebviewToHost = z.infer<typeof sweepWebviewToHostSchema>;
export const parseSweepRecord = (v: unknown): ParseResult<SweepRecord> => check(sweepRecordSchema, v);
export const parseSweepHostMessage = (v: unknown): ParseResult<SweepHostToWebview> =>
  check(sweepHostToWebviewSchema, v);
export const parseSweepWebviewMessage = (v: unknown): ParseResult<SweepWebviewToHost> =>
  check(sweepWebviewToHostSchema, v);
