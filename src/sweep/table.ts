/** The Best-N table as text (CLI): rank, metric, each hyper-parameter, status, duration, run. */
import { paramImportance, type SweepRecord, type SweepTrial } from '../protocol';
import { formatClock, formatHparam, formatMetric } from '../protocol/format';

export function bestTable(record: SweepRecord): string[] {
  const names = Object.keys(record.space);
  const metric = record.metric;
  const ordered = [...record.trials].sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.trial - b.trial);
  const header = ['rank', metric?.name ?? 'metric', ...names, 'status', 'time', 'trial', 'run'];
  const rows = ordered.map(t => [
    t.rank === null ? '-' : `Best-${t.rank}`,
    t.metric ? `${formatMetric(t.metric.value)}${t.spread !== undefined ? ` ± ${formatMetric(t.spread)}` : ''}` : '-',
    ...names.map(n => formatHparam(t.hparams[n])),
    t.pruned ? `pruned@${t.pruned.epoch}${t.pruned.reason === 'diverged' ? ' diverged' : ''}` : t.status,
    t.durationMs === undefined ? '-' : formatClock(t.durationMs),
    String(t.trial + 1),
    t.runId ?? '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  const title = metric
    ? `Best-N by ${metric.name} (${metric.higherIsBetter ? 'higher' : 'lower'} is better, best epoch of each trial${record.cv ? `, mean ± std over ${record.cv} folds` : ''})`
    : 'No trial logged a metric to rank by';
  return [title, line(header), ...rows.map(line)];
}

/** How a trial's run is named in the Runs view, the dashboard and pickers: "sweep 2/8 · lr 6.18e-3, weightDecay 4.6e-8". */
export function trialLabel(
  trial: number,
  trials: number | undefined,
  hparams: Record<string, number | string | boolean>,
): string {
  return `sweep ${trial + 1}${trials === undefined ? '' : `/${trials}`} · ${Object.keys(hparams)
    .map(n => `${n} ${formatHparam(hparams[n])}`)
    .join(', ')}`;
}

/** Which hyper-parameters the score follows (src/protocol/sweepImportance.ts), strongest first, with a bar. */
export function importanceText(record: SweepRecord): string[] {
  const ranked = paramImportance(record);
  if (ranked.length === 0 || !record.metric) return [];
  const width = Math.max(...ranked.map(p => p.name.length));
  return [
    '',
    `Why: how strongly ${record.metric.name} follows each hyper-parameter over ${ranked[0].n} finished trials ` +
      '(ρ: Spearman rank correlation, for numbers; η: correlation ratio, for choices)',
    ...ranked.map(
      p =>
        `  ${p.name.padEnd(width)}  ${p.kind === 'spearman' ? 'ρ' : 'η'} ${(p.value >= 0 ? ' ' : '') + p.value.toFixed(2)}  ${'█'.repeat(Math.round(p.strength * 20))}`,
    ),
  ];
}

/**
 * The epochs a finished trial trained when the job's own early stopping (e.g. `earlyStopping({ patience })`) ended
 * it before the sweep's per-trial epochs: "stopped early: 30, 17, 30 of 30 epochs" (one count per fold); '' when every
 * run trained them all, or the scheduler stopped the trial (its status says when).
 */
export function earlyStopText(t: SweepTrial, epochs: number): string {
  if (t.pruned || t.status !== 'ok') return '';
  const counts = t.folds ? t.folds.map(f => f.epochsDone) : [t.epochsDone];
  return counts.some(n => n < epochs) ? ` (stopped early: ${counts.join(', ')} of ${epochs} epochs)` : '';
}
