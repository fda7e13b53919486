/** Fixed-bin histogram of a flat array, counting non-finite values apart (they have no bin). */
export interface Histogram {
  edges: number[];
  counts: number[];
  nonFinite: number;
}

export function histogram(values: ArrayLike<number>, bins = 30): Histogram {
  // hot: a whole weight tensor every histogramEvery steps. `v - v === 0` holds exactly for finite v (NaN and ±Inf
  // give NaN); `| 0` is Math.floor for the non-negative offsets (bins stay far below 2^31).
  let min = Infinity,
    max = -Infinity,
    nonFinite = 0;
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v - v !== 0) nonFinite++;
    else {
      min = v < min ? v : min;
      max = v > max ? v : max;
    }
  }
  if (nonFinite === n) return { edges: [0, 1], counts: [0], nonFinite };
  if (min === max) {
    min -= 0.5;
    max += 0.5;
  }
  const width = (max - min) / bins;
  const counts = new Int32Array(bins + 1); // the last slot takes the values at max, folded into the last bin
  if (nonFinite === 0) for (let i = 0; i < n; i++) counts[((values[i] - min) / width) | 0]++;
  else
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v - v === 0) counts[((v - min) / width) | 0]++;
    }
  counts[bins - 1] += counts[bins];
  const edges = Array.from({ length: bins + 1 }, (_, i) => min + i * width);
  return { edges, counts: Array.from(counts.subarray(0, bins)), nonFinite };
}
