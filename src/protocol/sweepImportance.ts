/**
 * Why did the best trials win? Per searched hyper-parameter, how strongly the score follows it over the finished
 * trials (not the pruned ones: their scores come from fewer epochs):
 *  - a number (logUniform, uniform, intRange): Spearman's rank correlation ρ with the score, in [-1, 1]; its sign
 *    says which way the metric moves (ρ < 0 with val_loss: higher values, lower loss);
 *  - a choice: the correlation ratio η (Pearson's eta) of the score's ranks over the choices, in [0, 1]: the share
 *    of the score's rank variance the choice explains, square-rooted — a one-parameter fANOVA.
 * Strength |ρ| or η orders the parameters. Pure: the CLI prints it, the Sweep panel draws it.
 */
import type { SweepRecord } from './sweep';

export interface ParamImportance {
  name: string;
  kind: 'spearman' | 'eta';
  /** ρ in [-1, 1] or η in [0, 1] */
  value: number;
  /** |value|: what the parameters are ordered by */
  strength: number;
  /** trials it is computed over */
  n: number;
}

/** 1-based ranks, ties get the mean of the ranks they span. */
export function ranks(xs: readonly number[]): number[] {
  const order = xs.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) out[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n,
    mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0,
    saa = 0,
    sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa === 0 || sbb === 0 ? 0 : sab / Math.sqrt(saa * sbb);
}

export function spearman(xs: readonly number[], ys: readonly number[]): number {
  return pearson(ranks(xs), ranks(ys));
}

/** Correlation ratio η of ys over the groups: sqrt(between-group sum of squares / total). */
export function correlationRatio(groups: ReadonlyArray<string>, ys: readonly number[]): number {
  const mean = ys.reduce((s, v) => s + v, 0) / ys.length;
  const total = ys.reduce((s, v) => s + (v - mean) ** 2, 0);
  if (total === 0) return 0;
  const by = new Map<string, number[]>();
  groups.forEach((g, i) => by.set(g, [...(by.get(g) ?? []), ys[i]]));
  let between = 0;
  for (const vs of by.values()) between += vs.length * (vs.reduce((s, v) => s + v, 0) / vs.length - mean) ** 2;
  return Math.sqrt(between / total);
}

/** Importance of each searched hyper-parameter, strongest first; empty with fewer than 3 finished, scored trials. */
export function paramImportance(record: SweepRecord): ParamImportance[] {
  const done = record.trials.filter(t => t.status === 'ok' && t.metric);
  if (done.length < 3) return [];
  const scores = done.map(t => t.metric!.value);
  const out = Object.entries(record.space).map(([name, dim]): ParamImportance => {
    const values = done.map(t => t.hparams[name]);
    if (dim.scale === 'choice') {
      const value = correlationRatio(
        values.map(v => JSON.stringify(v)),
        ranks(scores),
      );
      return { name, kind: 'eta', value, strength: value, n: done.length };
    }
    const value = spearman(values.map(Number), scores);
    return { name, kind: 'spearman', value, strength: Math.abs(value), n: done.length };
  });
  return out.sort((a, b) => b.strength - a.strength);
}
