/**
 * How numbers and durations are written wherever a run is shown: the CLI, the status bar, the Runs view and every
 * webview. Pure functions; here (not in a webview or the CLI) so both sides of the boundary write them alike.
 */

/** Compact number: `sig` significant digits, exponent form for very small/large magnitudes (charts, tables). */
export function formatNumber(v: number | null | undefined, sig = 4): string {
  if (v === null || v === undefined) return '–';
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e6) return trimExponent(v.toExponential(Math.max(0, sig - 1)));
  return String(Number(v.toPrecision(sig)));
}

/** A loss or metric in a log line or a table: four decimals, exponent form far from 1 (`0.4213`, `1.235e-5`). */
export function formatMetric(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(3) : v.toFixed(4);
}

/** Hyper-parameters span decades: integers as they are, else three significant digits, exponent form below 0.01. */
export function formatHparam(v: number | string | boolean): string {
  if (typeof v !== 'number') return String(v);
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) < 0.01 || Math.abs(v) >= 1e4 ? trimExponent(v.toExponential(2)) : String(Number(v.toPrecision(3)));
}

/** A duration as a clock: `m:ss`, or `h:mm:ss` from an hour on (the CLI's tables, the status bar, the Sweep panel). */
export function formatClock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600),
    m = Math.floor((s % 3600) / 60),
    sec = s % 60;
  return h
    ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`
    : `${m}:${String(sec).padStart(2, '0')}`;
}

/** A duration in words: `42s`, `3m 05s`, `2h 07m` (the dashboard's header). */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** 1.000e-4 -> 1e-4, 2.50e-3 -> 2.5e-3 */
function trimExponent(s: string): string {
  return s.replace(/\.?0+e/, 'e').replace('e+', 'e');
}

/** A searched dimension as the job writes it: `logUniform(1e-4..1e-2)`, `intRange(1..99)`, `choice(0, 1, 2)`. */
export function formatDimension(
  dim:
    | { scale: 'log' | 'uniform' | 'int'; min: number; max: number; step?: number }
    | { scale: 'choice'; values: Array<number | string | boolean> },
): string {
  if (dim.scale === 'choice') return `choice(${dim.values.map(formatHparam).join(', ')})`;
  const name = dim.scale === 'log' ? 'logUniform' : dim.scale === 'int' ? 'intRange' : 'uniform';
  return `${name}(${formatHparam(dim.min)}..${formatHparam(dim.max)}${dim.step && dim.step !== 1 ? ` step ${dim.step}` : ''})`;
}

/**
 * The symptoms a finding explains, for one line under it (CLI, dashboard tooltip):
 * `loss-not-decreasing (epoch 3), dead-relu in fc1 (epoch 2)`; epochs 1-based, as everywhere a user reads them.
 */
export function formatExplains(symptoms: ReadonlyArray<{ code: string; layer?: string; epoch?: number }>): string {
  return symptoms
    .map(s => `${s.code}${s.layer ? ` in ${s.layer}` : ''}${s.epoch !== undefined ? ` (epoch ${s.epoch + 1})` : ''}`)
    .join(', ');
}
