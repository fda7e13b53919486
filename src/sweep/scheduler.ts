/**
 * Early stopping of trials, so the epoch budget goes to the promising ones. Pure decisions, no training:
 *  - ASHA (Li et al., "A System for Massively Parallel Hyperparameter Tuning", 2020), in its stopping form (as
 *    Optuna's SuccessiveHalvingPruner): rungs at minEpochs·η^k epochs; a trial reaching a rung goes on only if its
 *    score is among the best 1/η of the scores every trial recorded at that rung so far (the first to arrive, and
 *    anything better than all before it, goes on).
 *  - Hyperband (Li et al., JMLR 2018): the same successive halving in brackets s = sMax..0 that start stopping at
 *    R·η^-s epochs (bracket 0 never stops), trials dealt to brackets in Hyperband's proportions
 *    n_s = ⌈(sMax+1)/(s+1)·η^s⌉, so the search hedges between aggressive and patient stopping.
 *  - any scheduler stops a trial whose metric turned non-finite (it diverged: its epochs would be wasted).
 */
export type SchedulerKind = 'none' | 'asha' | 'hyperband';

export interface SchedulerPlan {
  kind: SchedulerKind;
  /** halving rate η ≥ 2 */
  eta: number;
  /** the fewest epochs before a trial can be compared (the first rung) */
  minEpochs: number;
  /** R: the most epochs one trial trains */
  maxEpochs: number;
}

/** sMax = ⌊log_η(R / minEpochs)⌋: how many halvings fit between the first rung and R. */
export function maxBracket(plan: SchedulerPlan): number {
  if (plan.maxEpochs <= plan.minEpochs) return 0;
  // the epsilon keeps exact powers (27/1 with η 3) from rounding down
  return Math.floor(Math.log(plan.maxEpochs / plan.minEpochs) / Math.log(plan.eta) + 1e-9);
}

/** The rungs (epochs at which trials are compared) of a bracket; bracket sMax starts at minEpochs. Never R itself. */
export function rungsOf(plan: SchedulerPlan, bracket: number): number[] {
  const sMax = maxBracket(plan);
  const out: number[] = [];
  if (plan.kind === 'none') return out;
  for (let k = 0; k < bracket; k++) {
    const r = Math.round(plan.minEpochs * plan.eta ** (sMax - bracket + k));
    if (r < plan.maxEpochs && !out.includes(r)) out.push(r);
  }
  return out;
}

/** How many trials Hyperband gives bracket s per round (most to the most aggressive bracket). */
export function bracketShares(plan: SchedulerPlan): number[] {
  const sMax = maxBracket(plan);
  return Array.from({ length: sMax + 1 }, (_, s) => Math.ceil(((sMax + 1) / (s + 1)) * plan.eta ** s));
}

/**
 * The bracket of the i-th trial (0-based). ASHA: always sMax. Hyperband: brackets interleaved in their shares
 * (smooth weighted round-robin), so a budget cut anywhere leaves every bracket its part.
 */
export function bracketOf(plan: SchedulerPlan, trialIndex: number): number {
  const sMax = maxBracket(plan);
  if (plan.kind !== 'hyperband') return sMax;
  const shares = bracketShares(plan);
  const total = shares.reduce((a, b) => a + b, 0);
  const current = shares.map(() => 0);
  let chosen = sMax;
  for (let i = 0; i <= trialIndex % total; i++) {
    shares.forEach((w, s) => {
      current[s] += w;
    });
    chosen = current.reduce((best, c, s) => (c > current[best] || (c === current[best] && s > best) ? s : best), 0);
    current[chosen] -= total;
  }
  return chosen;
}

/**
 * Does the trial go on after reaching a rung? `competitors`: the scores recorded at this rung so far (this trial's
 * included), lower is better (negate a higher-is-better metric); undefined: no finite score. Goes on when its
 * score is at least as good as the k-th best, k = max(1, ⌊n/η⌋).
 */
export function promotes(
  score: number | undefined,
  competitors: ReadonlyArray<number | undefined>,
  eta: number,
): boolean {
  if (score === undefined || !Number.isFinite(score)) return false;
  const finite = competitors.filter((v): v is number => v !== undefined && Number.isFinite(v)).sort((a, b) => a - b);
  const k = Math.max(1, Math.floor(competitors.length / eta));
  return score <= finite[Math.min(k, finite.length) - 1];
}

/** Keeps the rung scores of a sweep and says stop or go on after each epoch of a trial. */
export class RungBook {
  private readonly rungs = new Map<string, Map<number, number | undefined>>();

  constructor(private readonly plan: SchedulerPlan) {}

  /**
   * After epoch `epoch` of a trial in `bracket`: `latest` is this epoch's metric (non-finite: diverged), `best` its
   * best so far as lower-is-better. Returns the rung it failed at (or `epoch` when it diverged), else undefined.
   */
  afterEpoch(
    trial: number,
    bracket: number,
    epoch: number,
    latest: number | undefined,
    best: number | undefined,
  ): { stop: true; rung: number; why: 'diverged' | 'rung' } | undefined {
    if (this.plan.kind === 'none') return undefined;
    if (latest !== undefined && !Number.isFinite(latest)) return { stop: true, rung: epoch, why: 'diverged' };
    if (!rungsOf(this.plan, bracket).includes(epoch)) return undefined;
    const scores = this.enter(trial, bracket, epoch, best);
    return promotes(best, scores, this.plan.eta) ? undefined : { stop: true, rung: epoch, why: 'rung' };
  }

  /** Records a trial's score at a rung (also: replaying a resumed sweep's record); returns the rung's scores. */
  enter(trial: number, bracket: number, rung: number, best: number | undefined): Array<number | undefined> {
    const key = `${bracket}:${rung}`;
    const scores = this.rungs.get(key) ?? new Map<number, number | undefined>();
    this.rungs.set(key, scores);
    scores.set(trial, best);
    return [...scores.values()];
  }
}
