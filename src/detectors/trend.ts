/**
 * Mann-Kendall trend test (Mann 1945; Kendall 1975): is a short series rising more consistently than chance
 * ordering explains? S counts the pairs i < j with x_j > x_i minus those with x_j < x_i; under no trend every
 * ordering of the values is equally likely, so the one-sided p-value is the share of the n! orderings whose S is at
 * least as large, counted exactly (Mahonian numbers: orderings by their number of inversions). Exact, not the normal
 * approximation, because the series here are 3-10 epochs long.
 */
export function mannKendall(xs: readonly number[]): { s: number; p: number } {
  const n = xs.length;
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += Math.sign(xs[j] - xs[i]);
  if (n < 2) return { s, p: 1 };
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
