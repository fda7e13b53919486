/**
 * The output's activations against the loss, on the model tfjs built (fit-start): a softmax (or sigmoid) applied twice,
 * by two layers or by the output layer and a loss that applies it again (tf.losses.softmaxCrossEntropy and
 * sigmoidCrossEntropy expect logits). TheDeepChecker's "redundant softmax": the loss then sees softmax(probabilities),
 * whose values stay between 1/(1 + (C-1)e) and e/(e + C - 1), so it can never be confident and its gradients
 * shrink. Raised as label-loss-mismatch on compile( (a loss that does not fit the output), like the data checks.
 * The same from the loss's own values, whatever its name (a custom loss): data-check's lossCheck (lossNeverZero).
 */
import type { DataCheckEvent, Finding, FitStartEvent, LayerSummary } from '../protocol';
import type { RunContext } from './context';
import { RULE_SOURCES } from './settings';
import { adviceFor } from './advice';

/** Layers that pass their input on unchanged in kind (an activation after them still acts on the same scores). */
const PASS_THROUGH = new Set(['Dropout', 'AlphaDropout', 'GaussianDropout', 'GaussianNoise', 'Flatten', 'Reshape']);

/** Losses that apply an activation to the predictions themselves (they expect logits). */
const LOGIT_LOSS: Array<[RegExp, string]> = [
  [/softmaxCrossEntropy/i, 'softmax'],
  [/sigmoidCrossEntropy/i, 'sigmoid'],
];

/**
 * The activations the model's output goes through, from the output backwards: activation layers (Softmax,
 * Activation) and the activation of the first layer with weights before them. `[]` for a model without layers.
 */
export function outputActivations(layers: readonly LayerSummary[]): Array<{ activation: string; layer: LayerSummary }> {
  const out: Array<{ activation: string; layer: LayerSummary }> = [];
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i];
    if (l.className === 'Softmax') out.push({ activation: 'softmax', layer: l });
    else if (l.className === 'Activation') out.push({ activation: l.activation ?? 'linear', layer: l });
    else if (!PASS_THROUGH.has(l.className)) {
      if (l.activation) out.push({ activation: l.activation, layer: l });
      break;
    }
  }
  return out;
}

/** The output activation as it takes effect (the last non-linear one applied), or undefined when none is known. */
export function effectiveOutputActivation(layers: readonly LayerSummary[]): string | undefined {
  return outputActivations(layers).find(a => a.activation !== 'linear')?.activation;
}

export function redundantActivation(e: FitStartEvent, ctx: RunContext): Finding | undefined {
  const acts = outputActivations(e.layers).filter(a => a.activation === 'softmax' || a.activation === 'sigmoid');
  const loss = e.loss ?? '';
  const inLoss = LOGIT_LOSS.find(([re]) => re.test(loss))?.[1];
  let problem: string | undefined, fix: string | undefined, kind: string | undefined;
  const twice = acts.find((a, i) => acts.slice(i + 1).some(b => b.activation === a.activation));
  if (twice) {
    kind = twice.activation;
    const [second, first] = acts.filter(a => a.activation === kind);
    problem = `${kind} is applied twice: by ${first.layer.name} and again by ${second.layer.name} after it, so ${loss || 'the loss'} sees ${kind}(${kind}(x))`;
    fix = `Remove the second ${kind} (${second.layer.name}), or leave ${first.layer.name} linear`;
  } else if (inLoss && acts.some(a => a.activation === inLoss)) {
    kind = inLoss;
    const out = acts.find(a => a.activation === inLoss)!;
    problem = `${loss.replace(/__op$/, '')} applies ${kind} to the predictions itself (it expects logits), but ${out.layer.name} already applies ${kind}, so the loss sees ${kind}(${kind}(x))`;
    fix = `Leave ${out.layer.name} linear (logits) and keep the loss, or keep the ${kind} and use loss '${kind === 'softmax' ? 'categoricalCrossentropy' : 'binaryCrossentropy'}'`;
  }
  if (!problem || !kind) return undefined;
  const units = e.layers.at(-1)?.units ?? e.layers.at(-1)?.outputShape?.at(-1) ?? null;
  // the least cross-entropy a one-hot label can get through softmax(softmax(x)): -log(e/(e + C - 1))
  const classes = kind === 'softmax' && typeof units === 'number' && units > 1 ? units : null;
  const floor = classes !== null ? Math.log(1 + (classes - 1) / Math.E) : null;
  const bound =
    classes !== null && floor !== null
      ? ` Its outputs then stay between ${fmt(1 / (1 + (classes - 1) * Math.E))} and ${fmt(Math.E / (Math.E + classes - 1))} and the loss cannot fall below ${fmt(floor)}, however right the model is; the gradient through the second ${kind} is a fraction of the real one.`
      : ` The loss is computed on squashed probabilities and its gradients shrink.`;
  const at = e.compileLocation ?? e.location;
  return {
    code: 'label-loss-mismatch',
    severity: 'error',
    source: 'runtime',
    message: `The loss does not fit the output: ${problem}.${bound}`,
    file: at?.file,
    range: at ? { start: at } : undefined,
    step: ctx.step,
    epoch: ctx.epochs.length,
    evidence: {
      loss,
      outputActivations: acts.map(a => `${a.layer.name}:${a.activation}`).join(' <- '),
      redundant: kind,
      outputUnits: typeof units === 'number' ? units : null,
      lossFloor: floor,
      threshold: 'exact',
    },
    rule: RULE_SOURCES.redundantActivation,
    held: { fromStep: ctx.step, toStep: ctx.step, fromEpoch: ctx.epochs.length, toEpoch: ctx.epochs.length },
    advice: [fix!, ...adviceFor('label-loss-mismatch', ctx)],
  };
}

/**
 * The loss tested on itself (data-check's lossCheck, src/probes/dataLoss.ts): above both bounds on a perfect prediction,
 * the loss cannot reach its floor (0 for cross-entropy, MSE, KL divergence) however right the model is. A redundant
 * softmax over C classes gives log(1 + (C-1)/e) there (0.31 for 2 classes), half or more of the uniform loss log(C).
 */
export const LOSS_CHECK_FLOOR = 0.1;
export const LOSS_CHECK_SHARE = 0.25;
/**
 * tfjs losses (as compile names them) whose value on a perfect prediction is not 0, so "about 0" says nothing of
 * them: poisson gives the mean label (1/C on one-hot rows), cosineProximity -1, hinge and squaredHinge 1 per 0-label.
 */
const NONZERO_FLOOR_LOSSES = new Set(['poisson', 'cosineProximity', 'hinge', 'squaredHinge']);

/** label-loss-mismatch from the loss's own values: a loss far from 0 on the perfect prediction, whatever its name. */
export function lossNeverZero(e: DataCheckEvent, ctx: RunContext): Finding | undefined {
  const c = e.lossCheck;
  if (!c || c.perfect === null || c.uniform === null || NONZERO_FLOOR_LOSSES.has(e.loss ?? '')) return undefined;
  if (c.perfect <= LOSS_CHECK_FLOOR || c.perfect <= LOSS_CHECK_SHARE * c.uniform) return undefined;
  const loss = e.loss ?? 'the loss';
  const act = c.activation;
  const softmaxOfOneHot = act === 'softmax' ? -Math.log(Math.E / (Math.E + c.units - 1)) : null;
  const also =
    softmaxOfOneHot !== null
      ? ` A softmax applied again to a one-hot prediction gives -log(e/(e+${c.units - 1})) = ${fmt(softmaxOfOneHot)} here.`
      : '';
  const right =
    act === 'sigmoid'
      ? 'binaryCrossentropy'
      : c.labels === 'indices'
        ? 'sparseCategoricalCrossentropy'
        : 'categoricalCrossentropy';
  const at = e.compileLocation ?? e.location;
  return {
    code: 'label-loss-mismatch',
    severity: 'error',
    source: 'runtime',
    message: `The loss never reaches 0, even for perfect predictions: on ${c.samples} real labels, ${loss} gives ${fmt(c.perfect)} for the perfect prediction and ${fmt(c.uniform)} for a uniform one (threshold: above ${LOSS_CHECK_FLOOR} and ${LOSS_CHECK_SHARE * 100}% of the uniform loss; a sound loss gives about 0). It likely applies ${act} again to the ${act} output (it expects logits), or does not fit the labels.${also} Training then cannot make the model confident and its gradients shrink.`,
    file: at?.file,
    range: at ? { start: at } : undefined,
    step: ctx.step,
    epoch: ctx.epochs.length,
    evidence: {
      loss,
      outputActivation: act,
      labels: c.labels,
      outputUnits: c.units,
      samples: c.samples,
      perfectLoss: c.perfect,
      lossFloor: c.perfect,
      uniformLoss: c.uniform,
      softmaxOfOneHot,
      threshold: LOSS_CHECK_FLOOR,
      uniformShare: LOSS_CHECK_SHARE,
    },
    rule: RULE_SOURCES.redundantActivation,
    held: { fromStep: ctx.step, toStep: ctx.step, fromEpoch: ctx.epochs.length, toEpoch: ctx.epochs.length },
    advice: [
      `Make the output layer linear (logits) and keep the loss, or keep the ${act} and use loss '${right}'`,
      ...adviceFor('label-loss-mismatch', ctx),
    ],
  };
}

/**
 * The self-test's finding waits for its fit's fit-start (sent after the first step; data-check comes before it): when
 * the layer check there (redundantActivation) names the cause, it is dropped, so one fit does not get it twice.
 */
export class LossCheckHold {
  private held: { fitIndex: number; finding: Finding } | undefined;
  /** the last fit-start seen, and whether the layer check raised on it */
  private started = { fitIndex: -1, redundant: false };

  /** `named`: the data check already raised label-loss-mismatch on this data-check by the loss's name. */
  dataCheck(e: DataCheckEvent, ctx: RunContext, named: boolean): Finding[] {
    // an earlier fit that failed before its fit-start: what its loss showed still goes out
    const before = this.held && this.held.fitIndex !== e.fitIndex ? this.runEnd() : [];
    const f = named ? undefined : lossNeverZero(e, ctx);
    if (f && this.started.fitIndex !== e.fitIndex) this.held = { fitIndex: e.fitIndex, finding: f };
    else if (f && !this.started.redundant) before.push(f);
    return before;
  }

  fitStart(e: FitStartEvent, ctx: RunContext): Finding[] {
    this.started = { fitIndex: e.fitIndex, redundant: redundantActivation(e, ctx) !== undefined };
    if (this.held?.fitIndex !== e.fitIndex) return [];
    const held = this.runEnd();
    return this.started.redundant ? [] : held;
  }

  /** Releases what is held (the run ends, or its fit never started). */
  runEnd(): Finding[] {
    const f = this.held?.finding;
    this.held = undefined;
    return f ? [f] : [];
  }
}

function fmt(x: number): string {
  return String(+x.toPrecision(3));
}
