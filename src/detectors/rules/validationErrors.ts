/** Overfitting on a validation set with few wrong samples: the validation accuracy decides, not the loss. */
import { valAccuracyOf } from '../context';
import type { RuleApi } from './types';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b),
    m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const numbers = (xs: Array<number | null | undefined>): xs is number[] => xs.every(v => typeof v === 'number');

/**
 * On a validation set with few wrong samples (fewer than overfitMinValidationErrors expected), whether the validation
 * accuracy has fallen since the best epoch beyond its sampling error (two-proportion z test over the m samples; both
 * read on the running median of 3 epochs when the curve is noisy). Undefined when the set is large enough or no
 * validation accuracy is logged: the loss decides then.
 */
export function fewErrors(
  api: RuleApi,
  bestEpoch: number,
  smooth: boolean,
): { errors: number; before: number; now: number; z: number; fallen: boolean } | undefined {
  const { ctx: c, s } = api;
  const m = c.fit?.validationSamples;
  const raw = c.epochs.map(e => valAccuracyOf(e.logs));
  if (!m || !numbers(raw)) return undefined;
  const acc = smooth ? raw.map((_, i) => median(raw.slice(Math.max(0, i - 2), i + 1))) : raw;
  const n = acc.length;
  const now = acc[n - 1],
    before = Math.max(...acc.slice(bestEpoch, Math.min(n - 1, bestEpoch + 2)));
  const errors = (1 - now) * m;
  if (errors >= s.overfitMinValidationErrors) return undefined;
  const p = (before + now) / 2;
  const se = Math.sqrt((2 * p * (1 - p)) / m);
  const z = se > 0 ? (before - now) / se : 0;
  return { errors, before, now, z, fallen: z >= s.overfitNoiseZ };
}
