/**
 * A sweep's units of work: a trial, or one fold of a cross-validated trial (each a run), and what a resumed sweep
 * keeps of a record. Pure: src/sweep/sweep.ts drives them.
 */
import type { SweepRecord } from '../protocol';
import type { MetricValue } from './rank';
import { settleInterrupted } from './record';

/** The key of a running run: the trial, and its fold under cross-validation. */
export function workKey(trial: number, fold: number | undefined): string {
  return fold === undefined ? String(trial) : `${trial}/${fold}`;
}

/** The folds' mean score (at the mean best epoch) and their population standard deviation. */
export function meanAndSpread(scores: readonly MetricValue[]): { metric: MetricValue; spread: number } | undefined {
  if (scores.length === 0) return undefined;
  const mean = scores.reduce((a, s) => a + s.value, 0) / scores.length;
  const spread = Math.sqrt(scores.reduce((a, s) => a + (s.value - mean) ** 2, 0) / scores.length);
  const epoch = Math.max(1, Math.round(scores.reduce((a, s) => a + s.epoch, 0) / scores.length));
  return { metric: { value: mean, epoch }, spread };
}

export interface Reopened {
  /** the record to go on with: interrupted trials and folds back to pending */
  record: SweepRecord;
  /** the sweep metric's best value of every finished run, by workKey */
  scores: Array<[string, MetricValue]>;
  /** rung entries of the finished trials, for the scheduler */
  rungs: Array<{ trial: number; bracket: number; rung: number; score: number | undefined }>;
}

/**
 * Takes up a record: finished trials (and folds) stay as they are, with their scores and rung entries; interrupted
 * ones start again from scratch.
 */
export function reopenRecord(from: SweepRecord): Reopened {
  const record = structuredClone(settleInterrupted(from));
  const scores: Reopened['scores'] = [];
  const rungs: Reopened['rungs'] = [];
  const keep = (key: string, metric: MetricValue | undefined) => {
    if (metric && record.metric) scores.push([key, metric]);
  };
  for (const t of record.trials) {
    for (const [rung, score] of Object.entries(t.rungs ?? {}))
      rungs.push({ trial: t.trial, bracket: t.bracket ?? 0, rung: Number(rung), score: score ?? undefined });
    if (t.folds) {
      for (const f of t.folds) {
        if (f.status === 'cancelled' && t.status !== 'pruned')
          Object.assign(f, {
            status: 'pending',
            epochsDone: 0,
            runId: undefined,
            runDir: undefined,
            metric: undefined,
          });
        if (f.status === 'ok' || (t.status === 'pruned' && f.fold === 0)) keep(workKey(t.trial, f.fold), f.metric);
      }
      if (t.status === 'cancelled') {
        t.status = 'pending';
        t.epochsDone = t.folds.reduce((n, f) => n + f.epochsDone, 0);
        if (t.folds[0].status !== 'ok') {
          delete t.runId;
          delete t.runDir;
          delete t.rungs;
        }
      }
      continue;
    }
    if (t.status === 'cancelled') {
      Object.assign(t, { status: 'pending', epochsDone: 0, rank: null });
      for (const k of ['runId', 'runDir', 'metric', 'durationMs', 'error', 'rungs'] as const) delete t[k];
    } else keep(workKey(t.trial, undefined), t.metric);
  }
  return {
    record,
    scores,
    rungs: rungs.filter(
      r => record.trials[r.trial].status !== 'pending' || record.trials[r.trial].folds?.[0].status === 'ok',
    ),
  };
}
