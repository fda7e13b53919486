/**
 * Runs that differ only in their seed, and the mean ± std band over them (TensorBoard cannot: tensorboard#376).
 * Two runs are seed replicas when their run-start events name the same job file and the same hyper-parameters
 * once the seed keys are left out (`seed`, `randomSeed`, `random_seed`, any case); a run without hyper-parameters
 * has none to differ in, so plain runs of one job are replicas of each other. Pure: the dashboard uses it.
 */

export type HparamValues = Record<string, number | string | boolean>;

const SEED_KEY = /^(random_?)?seed$/i;

export function isSeedKey(key: string): boolean {
  return SEED_KEY.test(key);
}

/** The key runs share when they differ only in seed: job file + hyper-parameters without seed, sorted. */
export function seedGroupKey(jobFile: string, hparams: HparamValues | undefined): string {
  const rest = Object.entries(hparams ?? {})
    .filter(([k]) => !isSeedKey(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([jobFile, rest]);
}

/** Groups of two or more ids whose keys are equal, in first-seen order. */
export function seedGroups<T>(runs: readonly T[], keyOf: (run: T) => string | undefined): T[][] {
  const groups = new Map<string, T[]>();
  for (const run of runs) {
    const key = keyOf(run);
    if (key === undefined) continue;
    const g = groups.get(key);
    if (g) g.push(run);
    else groups.set(key, [run]);
  }
  return [...groups.values()].filter(g => g.length >= 2);
}

export interface BandPoint {
  x: number;
  mean: number;
  std: number;
}

/**
 * Mean and sample standard deviation (n - 1) per x, over the x values every series has (a band over fewer runs
 * would silently change what it averages). Each series must be sorted by x; repeated x values keep the last.
 */
export function meanStdBand(series: ReadonlyArray<ReadonlyArray<{ x: number; y: number }>>): BandPoint[] {
  const n = series.length;
  if (n === 0) return [];
  const maps = series.map(s => {
    const m = new Map<number, number>();
    for (const p of s) if (Number.isFinite(p.y)) m.set(p.x, p.y);
    return m;
  });
  const out: BandPoint[] = [];
  for (const [x] of maps[0]) {
    let sum = 0;
    let all = true;
    for (const m of maps) {
      const y = m.get(x);
      if (y === undefined) {
        all = false;
        break;
      }
      sum += y;
    }
    if (!all) continue;
    const mean = sum / n;
    let ss = 0;
    for (const m of maps) ss += (m.get(x)! - mean) ** 2;
    out.push({ x, mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0 });
  }
  return out.sort((a, b) => a.x - b.x);
}
