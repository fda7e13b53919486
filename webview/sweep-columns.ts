/**
 * The Sweep panel's Best-N table columns: rank, the metric (± the folds' spread), each searched hyper-parameter,
 * status (running epochs, the epoch a scheduler pruned at, the epochs the job's own early stopping ended at),
 * duration. Each column says how to sort by it and what its cell shows.
 */
import type { SweepRecord, SweepTrial } from '../src/protocol';
import { formatClock, formatHparam, formatMetric } from './format';

export interface Column {
  id: string;
  label: string;
  /** sort key; undefined sorts last in both directions */
  key(t: SweepTrial): number | string | undefined;
  cell(t: SweepTrial): string;
  numeric: boolean;
}

const STATUS_ORDER: Record<SweepTrial['status'], number> = {
  ok: 0,
  pruned: 1,
  running: 2,
  pending: 3,
  error: 4,
  cancelled: 5,
};

/** The job's own early stopping ended a finished trial (or a fold of it) before the sweep's epochs: when. */
function earlyStopped(t: SweepTrial, epochs: number): string {
  if (t.status !== 'ok') return '';
  const counts = t.folds ? t.folds.map(f => f.epochsDone) : [t.epochsDone];
  return counts.some(n => n < epochs) ? `, stopped early at ${counts.join('/')} of ${epochs}` : '';
}

export function columns(s: SweepRecord): Column[] {
  const metric = s.metric;
  return [
    {
      id: 'rank',
      label: 'Rank',
      numeric: true,
      key: t => t.rank ?? undefined,
      cell: t => (t.rank === null ? '–' : `Best-${t.rank}`),
    },
    {
      id: 'metric',
      label: metric ? `${metric.name} ${metric.higherIsBetter ? '↑' : '↓'}` : 'metric',
      numeric: true,
      // "ascending" on the metric column means best first, whichever way the metric improves
      key: t => (t.metric ? (metric?.higherIsBetter ? -t.metric.value : t.metric.value) : undefined),
      cell: t =>
        t.metric
          ? `${formatMetric(t.metric.value)}${t.spread !== undefined ? ` ± ${formatMetric(t.spread)}` : ''}`
          : '–',
    },
    ...Object.keys(s.space).map((name): Column => ({
      id: `hp:${name}`,
      label: name,
      numeric: s.space[name].scale !== 'choice',
      key: t => {
        const v = t.hparams[name];
        return typeof v === 'boolean' ? String(v) : v;
      },
      cell: t => (t.hparams[name] === undefined ? '–' : formatHparam(t.hparams[name])),
    })),
    {
      id: 'status',
      label: 'Status',
      numeric: false,
      key: t => STATUS_ORDER[t.status],
      cell: t =>
        t.status === 'running'
          ? `running ${t.epochsDone}/${s.epochs * (s.cv ?? 1)}`
          : t.pruned
            ? `pruned at epoch ${t.pruned.epoch}`
            : `${t.status}${earlyStopped(t, s.epochs)}`,
    },
    {
      id: 'duration',
      label: 'Duration',
      numeric: true,
      key: t => t.durationMs,
      cell: t => (t.durationMs === undefined ? '–' : formatClock(t.durationMs)),
    },
    { id: 'trial', label: 'Trial', numeric: true, key: t => t.trial, cell: t => String(t.trial + 1) },
  ];
}
