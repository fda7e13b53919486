/** Number formats of finding messages. */
export function pct(x: number): string {
  const p = x * 100;
  return `${Math.abs(p) < 10 && p % 1 !== 0 ? p.toFixed(1) : p.toFixed(0)}%`;
}

export function fmt(x: number | null | undefined): string {
  if (x == null) return 'NaN';
  const a = Math.abs(x);
  return a !== 0 && (a >= 1e4 || a < 1e-3) ? x.toExponential(2) : String(+x.toPrecision(4));
}
