/**
 * What a logged histogram says about the tensor it was taken of. A histogram keeps counts per bucket, not the
 * values: the mean, spread and L2 norm are estimated with each bucket's values at its centre (counts × bucket
 * centres), exact to within half a bucket width. The outer edges are exact: every writer (TF1 `histo` min/max,
 * TF2 Keras rows from min to max, the runner's probe) puts the tensor's min and max there.
 */

export interface HistogramStats {
  /** values counted in the buckets */
  n: number;
  min: number;
  max: number;
  mean: number;
  /** standard deviation (the spread) */
  std: number;
  /** the largest magnitude, max(|min|, |max|) */
  absMax: number;
  /** estimated L2 norm of the tensor, sqrt(Σ count × centre²) */
  norm: number;
}

export function histogramStats(edges: readonly number[], counts: readonly number[]): HistogramStats | undefined {
  let n = 0,
    sum = 0,
    sumSquares = 0,
    lo = -1,
    hi = -1;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (!(c > 0)) continue;
    const mid = (edges[i] + edges[i + 1]) / 2;
    n += c;
    sum += c * mid;
    sumSquares += c * mid * mid;
    if (lo < 0) lo = i;
    hi = i;
  }
  if (n === 0) return undefined;
  const mean = sum / n;
  const min = edges[lo],
    max = edges[hi + 1];
  return {
    n,
    min,
    max,
    mean,
    std: Math.sqrt(Math.max(0, sumSquares / n - mean * mean)),
    absMax: Math.max(Math.abs(min), Math.abs(max)),
    norm: Math.sqrt(sumSquares),
  };
}

/**
 * Whether two readings of one tensor differ by less than `relative` of its size (its range, spread or mean, whichever
 * is largest) in each of min, max, mean and spread: identical histograms, or ones that moved by rounding only.
 */
export function sameHistogram(a: HistogramStats, b: HistogramStats, relative: number): boolean {
  const scale = Math.max(a.max - a.min, a.std, Math.abs(a.mean), Number.MIN_VALUE);
  const tol = relative * scale;
  return (
    Math.abs(a.min - b.min) <= tol &&
    Math.abs(a.max - b.max) <= tol &&
    Math.abs(a.mean - b.mean) <= tol &&
    Math.abs(a.std - b.std) <= tol
  );
}

/**
 * A variable the optimizer trains and whose weights are spread by a random initializer: kernels and weight matrices
 * (Keras `kernel`, `kernel_0`, `depthwise_kernel`, `embeddings`; PyTorch `weight`), or a tag without a variable part.
 * Biases (they start at 0 and may legitimately get no gradient, before a batch norm) and statistics (`moving_mean`,
 * `running_var`, a normalization layer's `mean`/`variance`/`count`) are left out of the unchanged and growth rules.
 */
export function isKernel(variable: string | undefined): boolean {
  if (variable === undefined) return true;
  return /kernel|weight|embedding/i.test(variable) && !/bias|mean|var|count|moving|running/i.test(variable);
}
