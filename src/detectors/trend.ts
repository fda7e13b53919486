/**
 * Mann-Kendall trend test (Mann 1945; Kendall 1975): is a series rising more consistently than chance ordering
 * explains? S counts the pairs i < j with x_j > x_i minus those with x_j < x_i; under no trend every ordering of the
 * values is equally likely, so the one-sided p-value is the share of the n! orderings whose S is at least as large.
 * Up to EXACT_MAX values it is counted exactly (Mahonian numbers: orderings by their number of inversions), because
 * most series here are 3-10 epochs long; beyond, S is close to normal with variance n(n-1)(2n+5)/18 (Kendall), and the
 * exact count would grow with the cube of n. A series longer than MAX_POINTS (a logdir's run of thousands of epochs)
 * is read at MAX_POINTS evenly spaced epochs: S itself costs n².
 */
const EXACT_MAX = 20;
export const MAX_POINTS = 200;

export function mannKendall(series: readonly number[]): { s: number; p: number } {
  const xs = thinned(series, MAX_POINTS);
  const n = xs.length;
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += Math.sign(xs[j] - xs[i]);
  if (n < 2) return { s, p: 1 };
  if (n > EXACT_MAX) {
    // continuity correction: S moves in steps of 2
    const z = (s - Math.sign(s)) / Math.sqrt((n * (n - 1) * (2 * n + 5)) / 18);
    return { s, p: 1 - normalCdf(z) };
  }
  // an ordering with k inversions has S = n(n-1)/2 - 2k: S >= s  <=>  k <= (n(n-1)/2 - s) / 2
  const maxInv = (n * (n - 1)) / 2;
  const kMax = Math.floor((maxInv - s) / 2);
  let counts = [1];
  for (let m = 2; m <= n; m++) {
    // orderings of m values by inversions: add the m-th value at any of m positions (0..m-1 new inversions)
    const next = new Array<number>(counts.length + m - 1).fill(0);
    counts.forEach((c, k) => {
      for (let add = 0; add < m; add++) next[k + add] += c;
    });
    counts = next;
  }
  const total = counts.reduce((a, b) => a + b, 0);
  const atLeast = counts.slice(0, Math.max(0, kMax + 1)).reduce((a, b) => a + b, 0);
  return { s, p: atLeast / total };
}

/** `xs` itself when it has at most `max` values, else `max` of them evenly spaced, the first and the last included */
function thinned(xs: readonly number[], max: number): readonly number[] {
  if (xs.length <= max) return xs;
  return Array.from({ length: max }, (_, i) => xs[Math.round((i * (xs.length - 1)) / (max - 1))]);
}

/** Φ(z), the standard normal distribution function (Abramowitz & Stegun 7.1.26 for erf: error below 1.5e-7) */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
