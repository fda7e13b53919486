/** Fixed-bin histogram of a flat array, counting non-finite values apart (they have no bin). */
export interface Histogram {
  edges: number[];
  counts: number[];
  nonFinite: number;
}

export function histogram(values: ArrayLike<number>, bins = 30): Histogram {
  // hot: whole weight and gradient tensors every histogramEvery steps. One pass for the range that skips NaN (the
  // only value unequal to itself); ±Infinity in it sends the values to the general path. `| 0` is Math.floor for the
  // non-negative offsets (bins stay far below 2^31).
  let min = Infinity,
    max = -Infinity,
    nan = 0;
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== v) nan++;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (min === -Infinity || max === Infinity) return withInfinities(values, bins);
  if (nan === n) return { edges: [0, 1], counts: [0], nonFinite: nan };
  if (nan > 0 || min === max) return binned(values, bins, min, max, nan);
  // the common case, inlined: every value finite
  const width = (max - min) / bins;
  const counts = new Int32Array(bins + 1);
  for (let i = 0; i < n; i++) counts[((values[i] - min) / width) | 0]++;
  return result(counts, bins, min, width, 0);
}

function result(counts: Int32Array, bins: number, min: number, width: number, nonFinite: number): Histogram {
  counts[bins - 1] += counts[bins]; // the last slot took the values at max: they belong to the last bin
  const edges = Array.from({ length: bins + 1 }, (_, i) => min + i * width);
  return { edges, counts: Array.from(counts.subarray(0, bins)), nonFinite };
}

function binned(values: ArrayLike<number>, bins: number, min: number, max: number, nonFinite: number): Histogram {
  if (min === max) {
    min -= 0.5;
    max += 0.5;
  }
  const width = (max - min) / bins;
  const counts = new Int32Array(bins + 1);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v === 0) counts[((v - min) / width) | 0]++; // finite: NaN and ±Infinity give NaN
  }
  return result(counts, bins, min, width, nonFinite);
}

/** the range and count of the finite values when some are infinite */
function withInfinities(values: ArrayLike<number>, bins: number): Histogram {
  let min = Infinity,
    max = -Infinity,
    nonFinite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) nonFinite++;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (nonFinite === values.length) return { edges: [0, 1], counts: [0], nonFinite };
  return binned(values, bins, min, max, nonFinite);
}
