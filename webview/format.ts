/** Small pure formatting helpers for the dashboard. */

/** Compact number: `sig` significant digits, exponent form for very small/large magnitudes. */
export function formatNumber(v: number | null | undefined, sig = 4): string {
  if (v === null || v === undefined) return '–';
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e6) return trimExp(v.toExponential(Math.max(0, sig - 1)));
  return String(Number(v.toPrecision(sig)));
}

function trimExp(s: string): string {
  // 1.000e-4 -> 1e-4, 2.50e-3 -> 2.5e-3
  return s.replace(/\.?0+e/, 'e').replace('e+', 'e');
}

/** 1234567 -> "1,234,567" (locale independent). */
export function formatInt(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function basename(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts[parts.length - 1] || file;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
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
    let lo = Infinity, hi = -Infinity;
    for (const t of ticks) if (t.value > 0) { lo = Math.min(lo, t.value); hi = Math.max(hi, t.value); }
    d = Math.log10(hi / lo);
    decadesCache.set(ticks, d);
  }
  return d;
}
