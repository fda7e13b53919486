/**
 * A running sweep's bookkeeping over its record, pure: trials' scores and ranks from the runs' best metric values,
 * a cross-validated trial's status from its folds', and the most epochs running work may still take (what a
 * scheduler keeps back from the budget before it draws another trial, so the budget is never overrun).
 */
import type { SweepRecord, SweepTrial } from '../protocol';
import { chooseMetric, rankTrials, type MetricValue } from './rank';
import type { SchedulerPlan } from './scheduler';
import { meanAndSpread, workKey } from './work';

/**
 * Picks the metric (over every run's logged metrics, unless one was requested) and scores and ranks the trials; a
 * cross-validated trial scores the mean of its folds, ± their spread.
 */
export function scoreTrials(
  record: SweepRecord,
  scores: ReadonlyMap<string, ReadonlyMap<string, MetricValue>>,
  requested: string | undefined,
): void {
  if (!requested) record.metric = chooseMetric([...scores.values()].flatMap(s => [...s.keys()])) ?? null;
  const metric = record.metric ?? undefined;
  const scoreOf = (trial: number, fold: number | undefined) =>
    metric && scores.get(workKey(trial, fold))?.get(metric.name);
  for (const t of record.trials) {
    if (!t.folds) {
      const s = scoreOf(t.trial, undefined);
      if (s) t.metric = s;
      else delete t.metric;
      continue;
    }
    const scored: MetricValue[] = [];
    for (const f of t.folds) {
      const s = scoreOf(t.trial, f.fold);
      if (s) {
        f.metric = s;
        scored.push(s);
      } else delete f.metric;
    }
    const summary = meanAndSpread(scored);
    if (summary) t.metric = summary.metric;
    else delete t.metric;
    // a spread needs two folds (a pruned trial has one)
    if (summary && scored.length > 1) t.spread = summary.spread;
    else delete t.spread;
  }
  for (const r of rankTrials(record.trials, metric)) record.trials[r.trial].rank = r.rank;
}

/** A cross-validated trial's status once one of its folds ended (`pruned`: the scheduler stopped fold 0). */
export function foldedStatus(trial: SweepTrial, pruned: boolean): SweepTrial['status'] {
  if (pruned) return 'pruned';
  const states = trial.folds!.map(f => f.status);
  if (states.includes('error')) return 'error';
  if (states.includes('cancelled')) return 'cancelled';
  if (states.every(st => st === 'ok')) return 'ok';
  return states.includes('running') ? 'running' : 'pending';
}

/**
 * The most epochs running work may still take: a scheduled run to R (a trial that passes a rung goes on to the next,
 * so any less would let the sweep overrun its budget); under cross-validation the scheduler judges fold 0, and a
 * trial not yet stopped owes its other folds all their epochs.
 */
export function owedEpochs(plan: SchedulerPlan, trials: readonly SweepTrial[]): number {
  let sum = 0;
  for (const t of trials) {
    if (!t.folds) {
      if (t.status === 'running') sum += plan.maxEpochs - t.epochsDone;
      continue;
    }
    if (t.status === 'pruned' || t.status === 'error' || t.status === 'cancelled') continue;
    const [first, ...rest] = t.folds;
    if (first.status === 'running') sum += plan.maxEpochs - first.epochsDone + rest.length * plan.maxEpochs;
    if (first.status === 'ok')
      for (const f of rest) if (f.status === 'pending' || f.status === 'running') sum += plan.maxEpochs - f.epochsDone;
  }
  return sum;
}
