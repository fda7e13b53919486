/**
 * When the accuracy-history rules may speak (AUTOTRAINER's judgment point), and their oscillation criterion: shared by
 * the rules that must wait for them (a rising loss, a jumping validation loss) and the rule itself.
 */
import type { RuleApi } from './types';

/** whether the run has enough epochs for the accuracy-history rules (AUTOTRAINER's judgment point) */
export function historyJudged(api: RuleApi): boolean {
  const { ctx: c, s } = api;
  return c.epochs.length >= Math.max(s.historyEpochs, Math.ceil(s.judgmentPoint * c.plannedEpochs));
}

/** the oscillation criterion: enough of the epochs make swings of the training accuracy past ζ and its noise */
export function oscillates(api: RuleApi, bigSwings: number): boolean {
  return bigSwings / api.ctx.epochs.length >= api.s.oscillationShare && bigSwings >= 2;
}
