/** Order statistics the benchmarks report. */

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * A distribution-free confidence interval for the median of `xs` (independent rounds): the order statistics
 * x(k) and x(n+1-k) for the largest k whose coverage, 1 - 2·P(Binomial(n, 1/2) < k), is at least `level`. Needs no
 * assumption on the spread's shape, which between rounds on a shared machine is anything but normal. Undefined when
 * there are too few rounds for the level (n = 5 reaches 94%; fewer reach none above 90%).
 */
export function medianInterval(xs: number[], level = 0.9): { low: number; high: number; coverage: number } | undefined {
  const n = xs.length;
  const s = [...xs].sort((a, b) => a - b);
  let best: { low: number; high: number; coverage: number } | undefined;
  let below = 0; // P(Binomial(n, 1/2) < k), adding C(n, k - 1) / 2^n at each k
  let choose = 1; // C(n, k - 1)
  for (let k = 1; 2 * k <= n; k++) {
    below += choose / 2 ** n;
    choose = (choose * (n - k + 1)) / k;
    const coverage = 1 - 2 * below;
    if (coverage < level) break;
    best = { low: s[k - 1], high: s[n - k], coverage };
  }
  return best;
}
