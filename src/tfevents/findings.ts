/**
 * A finding on a TensorBoard run has no source line to sit on: it names the tag and the step instead, and says so.
 */
import type { Finding } from '../protocol';

/** which series a finding is about, by its code (the curve it was read on) */
const SERIES_OF: Record<string, string> = {
  overfitting: 'val_loss',
  'noisy-validation': 'val_loss',
  'slow-convergence': 'accuracy',
  'oscillating-loss': 'loss',
  'loss-not-decreasing': 'loss',
  'bad-initial-loss': 'loss',
  'non-finite': 'loss',
};

export interface LogdirFindingContext {
  /** the TensorBoard run's name in its logdir */
  runName: string;
  /** series key → TensorBoard tag */
  tagOf: ReadonlyMap<string, string>;
}

/**
 * The finding with its tag and step, without a file or line (there is none), the message saying why. A finding read
 * on a histogram (src/detectors/rules/histograms.ts) names its series in `evidence.series` (`histogram:…`): the tag
 * is that histogram's, not the loss's.
 */
export function locateLogdirFinding(f: Finding, ctx: LogdirFindingContext): Finding {
  const own = typeof f.evidence.series === 'string' ? f.evidence.series : undefined;
  const series = own ?? SERIES_OF[f.code] ?? 'loss';
  const tag =
    ctx.tagOf.get(series) ??
    own?.replace(/^histogram:/, '') ??
    ctx.tagOf.get('loss') ??
    [...ctx.tagOf.values()][0] ??
    '(no tag)';
  const step = f.step ?? f.held?.toStep ?? f.epoch ?? 0;
  const { file: _file, range: _range, fixes: _fixes, ...rest } = f;
  return {
    ...rest,
    step,
    message: `${f.message} [TensorBoard run "${ctx.runName}", tag "${tag}", step ${step}; a logdir has no source line]`,
    evidence: { ...f.evidence, tag, step },
  };
}
