/**
 * Rules on the first steps and the loss itself: a NaN/Inf loss, a first loss far from ln(C), inputs far outside
 * [-1, 1]. The first loss waits for the input range (read on the next activation probe) so that unnormalized inputs
 * explain it.
 */
import type { RunEvent, Finding, LayerSummary } from '../../protocol';
import { RULE_SOURCES } from '../settings';
import { fmt } from '../format';
import type { RuleApi, RuleFamily } from './types';

type InputStats = { min: number | null; max: number | null; mean: number | null; std: number | null };

/** The output activation does not produce what the loss expects (probabilities for a crossentropy). */
export function outputMismatch(api: RuleApi): boolean {
  const out = api.ctx.outputLayer,
    lossName = api.ctx.fit?.loss ?? '';
  return (
    (/categorical/i.test(lossName) && out?.activation !== 'softmax') ||
    (/binary/i.test(lossName) && out?.activation !== 'sigmoid')
  );
}

/** A non-finite loss or gradient (the gradient rules call this too). */
export function nonFinite(
  api: RuleApi,
  step: number,
  what: 'loss' | 'gradient',
  layer: LayerSummary | undefined,
  variables?: string[],
): Finding {
  const c = api.ctx,
    last = api.signals.lastFiniteLoss;
  const before = last === null ? 'no finite loss before it' : `last finite loss ${fmt(last)}`;
  const message =
    what === 'loss'
      ? `The loss became NaN or Infinity at step ${step} (epoch ${c.epoch + 1}; ${before})${layer ? `: ${layer.name} has ${layer.activation ?? 'linear'} activation, which ${c.fit?.loss} cannot take as probabilities` : ''}. From then on training is meaningless.`
      : `The gradient of ${layer?.name ?? variables?.[0] ?? 'a layer'} became NaN or Infinity at step ${step} (epoch ${c.epoch + 1}) while the loss was still finite (${variables?.length ?? 0} of ${Object.keys(c.fit?.variables ?? {}).length} variables non-finite${layer && layer === c.outputLayer ? ': it starts at the loss' : ''}); the next update writes NaN into the weights.`;
  return api.make('non-finite', 'error', message, {
    layer,
    location: layer ? undefined : c.compileSite,
    evidence: {
      step,
      what,
      lastFiniteLoss: last,
      lr: c.lr,
      threshold: 'finite',
      ...(variables ? { variables: variables.join(', ') } : {}),
    },
    rule: RULE_SOURCES.nonFinite,
    fromStep: step,
    toStep: step,
  });
}

export class OnsetRules implements RuleFamily {
  private pendingInitialLoss: { loss: number; step: number } | undefined;

  observe(e: RunEvent, api: RuleApi): void {
    switch (e.kind) {
      case 'batch': {
        this.flush(api);
        const sig = api.signals;
        sig.lossNonFinite = e.loss === null;
        // A NaN loss is the optimizer's doing (pointed at compile) unless the output cannot feed the loss: a
        // crossentropy over outputs that are not probabilities divides 0 by 0 or takes the log of a negative.
        if (e.loss === null)
          api.raise(nonFinite(api, e.step, 'loss', outputMismatch(api) ? api.ctx.outputLayer : undefined));
        else sig.lastFiniteLoss = e.loss;
        if (api.ctx.step === 1 && e.loss !== null) this.pendingInitialLoss = { loss: e.loss, step: e.step };
        break;
      }
      case 'activation-stats':
        if (e.input) api.raise(this.input(api, e.step, e.input));
        this.flush(api);
        break;
      case 'epoch':
      case 'run-end':
        this.flush(api);
        break;
    }
  }

  private flush(api: RuleApi): void {
    const p = this.pendingInitialLoss;
    if (!p) return;
    this.pendingInitialLoss = undefined;
    api.raise(this.initialLoss(api, p.loss, p.step));
  }

  private initialLoss(api: RuleApi, loss: number, step: number): Finding | undefined {
    const out = api.ctx.outputLayer;
    const lossName = api.ctx.fit?.loss ?? '';
    if (!out || !/crossentropy/i.test(lossName)) return undefined;
    // tfjs reports the loss with the regularizers' penalty added: ln(C) is then no reference
    if (api.ctx.layers.some(l => l.regularizer)) return undefined;
    const classes = /binary/i.test(lossName) ? 2 : (out.units ?? 0);
    if (classes < 2) return undefined;
    const expected = Math.log(classes);
    const batch = api.ctx.fit?.batchSize;
    const samplingError = batch ? Math.abs(loss) / Math.sqrt(batch) : 0;
    const threshold = api.s.initialLossFactor * expected + api.s.initialLossNoiseZ * samplingError;
    if (Math.abs(loss - expected) < threshold) return undefined;
    const noSoftmax = /categorical/i.test(lossName) && out.activation !== 'softmax';
    return api.make(
      'bad-initial-loss',
      'warning',
      `The first loss is ${fmt(loss)}, far from ln(${classes}) = ${expected.toFixed(3)} expected from an untrained ${classes}-class classifier (off by ${fmt(Math.abs(loss - expected))}, threshold ${fmt(threshold)}${samplingError ? `: ln(${classes}) plus ${api.s.initialLossNoiseZ} standard errors of a ${batch}-sample batch mean` : ''})` +
        (noSoftmax
          ? `: ${out.name} has ${out.activation ?? 'no'} activation, but ${lossName} expects probabilities (softmax).`
          : ': the output layer, its initialization or the labels are off.'),
      {
        layer: out,
        evidence: {
          loss,
          expected,
          classes,
          threshold,
          batchSize: batch ?? null,
          samplingError,
          outputActivation: out.activation ?? 'linear',
        },
        rule: RULE_SOURCES.initialLoss,
        fromStep: step,
        toStep: step,
      },
    );
  }

  private input(api: RuleApi, step: number, input: InputStats): Finding | undefined {
    const magnitude = Math.max(Math.abs(input.min ?? 0), Math.abs(input.max ?? 0));
    if (magnitude <= api.s.inputMagnitude) return undefined;
    return api.make(
      'unnormalized-input',
      'warning',
      `The model's inputs range from ${fmt(input.min)} to ${fmt(input.max)} (mean ${fmt(input.mean)}, std ${fmt(input.std)}): far outside [-1, 1] (threshold |x| ≤ ${api.s.inputMagnitude}). Unscaled inputs blow up the first layer's outputs and gradients and make the learning rate hard to choose.`,
      {
        location: api.ctx.fitSite,
        evidence: {
          min: input.min,
          max: input.max,
          mean: input.mean,
          std: input.std,
          magnitude,
          threshold: api.s.inputMagnitude,
        },
        rule: RULE_SOURCES.input,
        fromStep: step,
        toStep: step,
      },
    );
  }
}
