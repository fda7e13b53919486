/**
 * Pearson's chi-squared test of homogeneity: are two samples of class labels drawn from the same distribution?
 * The p-value is the upper regularized incomplete gamma function Q(df/2, x/2) (series and continued fraction,
 * Numerical Recipes §6.2).
 */

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Q(a, x) = Γ(a, x) / Γ(a) */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lnFront = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a,
      term = sum;
    for (let n = 1; n < 500 && Math.abs(term) > Math.abs(sum) * 1e-15; n++) sum += term *= x / (a + n);
    return Math.max(0, 1 - sum * Math.exp(lnFront));
  }
  // Lentz's continued fraction
  let b = x + 1 - a,
    c = 1 / 1e-300,
    d = 1 / b,
    h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.min(1, Math.exp(lnFront) * h);
}

/** χ² statistic, degrees of freedom and p-value for two count vectors over the same classes (empty classes dropped). */
export function chiSquareHomogeneity(
  a: readonly number[],
  b: readonly number[],
): { statistic: number; df: number; p: number } {
  const na = a.reduce((s, x) => s + x, 0),
    nb = b.reduce((s, x) => s + x, 0);
  const n = na + nb;
  let statistic = 0,
    used = 0;
  for (let i = 0; i < a.length; i++) {
    const total = a[i] + (b[i] ?? 0);
    if (total === 0) continue;
    used++;
    const ea = (total * na) / n,
      eb = (total * nb) / n;
    statistic += (a[i] - ea) ** 2 / ea + ((b[i] ?? 0) - eb) ** 2 / eb;
  }
  const df = Math.max(1, used - 1);
  return { statistic, df, p: na === 0 || nb === 0 || used < 2 ? 1 : gammaQ(df / 2, statistic / 2) };
}
