/** Fixed-bin histogram of a flat array, counting non-finite values apart (they have no bin). */
export interface Histogram {
  edges: number[];
  counts: number[];
  nonFinite: number;
}

export function histogram(values: ArrayLike<number>, bins = 30): Histogram {
  let min = Infinity,
    max = -Infinity,
    nonFinite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === Infinity) return { edges: [0, 1], counts: [0], nonFinite };
  if (min === max) {
    min -= 0.5;
    max += 0.5;
  }
  const width = (max - min) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.floor((v - min) / width))]++;
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => min + i * width);
  return { edges, counts, nonFinite };
}
