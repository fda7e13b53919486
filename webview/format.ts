/** Formatting for the webviews: the shared number and duration formats (src/protocol/format.ts) and the dashboard's own. */
import { formatNumber } from '../src/protocol/format';

export {
  formatClock,
  formatDimension,
  formatDuration,
  formatExplains,
  formatHparam,
  formatMetric,
  formatNumber,
} from '../src/protocol/format';

/** 1234567 -> "1,234,567" (locale independent). */
export function formatInt(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function basename(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts[parts.length - 1] || file;
}

/**
 * Label of a tick on a log axis ('' hides it and its grid line). A short axis spans few decades, a long one many:
 * 1-2-5 per decade up to 3 decades, powers of ten up to 9, every 2nd (3rd, …) power beyond: ten labels at most.
 */
export function logTickLabel(v: number, ticks: ReadonlyArray<{ value: number }>): string {
  if (!(v > 0)) return '';
  if (ticks.length <= 7) return formatNumber(v, 2);
  const decades = decadesOf(ticks);
  const e = Math.floor(Math.log10(v) + 1e-9);
  const m = v / 10 ** e;
  const mantissas = decades <= 3 ? [1, 2, 5] : [1];
  if (!mantissas.some(k => Math.abs(m - k) < 1e-6)) return '';
  const every = decades <= 9 ? 1 : Math.ceil(decades / 9);
  if (((e % every) + every) % every !== 0) return '';
  return formatNumber(v, 1);
}

/** Decades a tick list spans; chart.js asks for every tick's label (and grid colour) with the same list: once per list. */
const decadesCache = new WeakMap<object, number>();
function decadesOf(ticks: ReadonlyArray<{ value: number }>): number {
  let d = decadesCache.get(ticks);
  if (d === undefined) {
    let lo = Infinity,
      hi = -Infinity;
    for (const t of ticks)
      if (t.value > 0) {
        lo = Math.min(lo, t.value);
        hi = Math.max(hi, t.value);
      }
    d = Math.log10(hi / lo);
    decadesCache.set(ticks, d);
  }
  return d;
}
