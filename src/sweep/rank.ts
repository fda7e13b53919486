/**
 * Which trial did best: each trial's score is the best value of the metric over its epochs (a trial that peaked
 * and then overfit still shows what it could reach). Validation first: val_loss (lower is better), else
 * val_acc / val_accuracy (higher is better), else the training loss when the job has no validation data.
 * Failed, cancelled and unscored trials come last; ties keep trial order.
 */
import type { RunEvent } from '../protocol';
import { higherIsBetter } from '../runs/metrics';

export interface MetricChoice {
  name: string;
  higherIsBetter: boolean;
}

export const AUTO_ORDER = ['val_loss', 'val_acc', 'val_accuracy', 'loss'];

/** The metric the trials are compared by: the requested one, else the first of AUTO_ORDER any trial logged. */
export function chooseMetric(logged: Iterable<string>, requested?: string): MetricChoice | undefined {
  if (requested) return { name: requested, higherIsBetter: higherIsBetter(requested) };
  const seen = new Set(logged);
  const name = AUTO_ORDER.find(m => seen.has(m));
  return name ? { name, higherIsBetter: higherIsBetter(name) } : undefined;
}

export interface MetricValue {
  value: number;
  /** 1-based */ epoch: number;
}

/**
 * Folds one epoch's logs into the best value of every metric so far, in the direction `higherIsBetter` gives
 * (`epoch`: 1-based, counting across fit calls: a job may call fit twice). The sweep scores live trials with it.
 */
export function foldEpoch(
  best: Map<string, MetricValue>,
  logs: Readonly<Record<string, number | null>>,
  epoch: number,
): void {
  for (const [name, v] of Object.entries(logs)) {
    if (v == null || !Number.isFinite(v)) continue;
    const prev = best.get(name);
    if (!prev || (higherIsBetter(name) ? v > prev.value : v < prev.value)) best.set(name, { value: v, epoch });
  }
}

/** The best finite value of the metric over a run's epochs (the first epoch reaching it), from its events. */
export function bestMetric(events: readonly RunEvent[], metric: MetricChoice): MetricValue | undefined {
  const best = new Map<string, MetricValue>();
  let epoch = 0;
  for (const e of events)
    if (e.kind === 'epoch') foldEpoch(best, { [metric.name]: e.logs[metric.name] ?? null }, ++epoch);
  return best.get(metric.name);
}

export interface Rankable {
  trial: number;
  status: string;
  metric?: MetricValue;
}

/**
 * 1-based ranks in table order: scored ok (and pruned) trials by metric (ties by trial number), then everything else by trial
 * number with rank null.
 */
export function rankTrials<T extends Rankable>(
  trials: readonly T[],
  metric: MetricChoice | undefined,
): Array<T & { rank: number | null }> {
  // a trial the scheduler stopped is ranked by what it reached before it was stopped
  const scored = trials.filter(t => (t.status === 'ok' || t.status === 'pruned') && t.metric !== undefined && metric);
  const rest = trials.filter(t => !scored.includes(t));
  const dir = metric?.higherIsBetter ? -1 : 1;
  scored.sort((a, b) => (a.metric!.value - b.metric!.value) * dir || a.trial - b.trial);
  rest.sort((a, b) => a.trial - b.trial);
  return [...scored.map((t, i) => ({ ...t, rank: i + 1 })), ...rest.map(t => ({ ...t, rank: null }))];
}
