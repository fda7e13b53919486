/**
 * The output's activations against the loss, on the model tfjs built (fit-start): a softmax (or sigmoid) applied twice,
 * by two layers or by the output layer and a loss that applies it again (tf.losses.softmaxCrossEntropy and
 * sigmoidCrossEntropy expect logits). TheDeepChecker's "redundant softmax": the loss then sees softmax(probabilities),
 * whose values stay between 1/(1 + (C-1)e) and e/(e + C - 1), so it can never be confident and its gradients
 * shrink. Raised as label-loss-mismatch on compile( (a loss that does not fit the output), like the data checks.
 */
import type { Finding, FitStartEvent, LayerSummary } from '../protocol';
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
  const bound =
    kind === 'softmax' && typeof units === 'number' && units > 1
      ? ` Its outputs then stay between ${fmt(1 / (1 + (units - 1) * Math.E))} and ${fmt(Math.E / (Math.E + units - 1))} and the loss cannot fall below ${fmt(Math.log(1 + (units - 1) / Math.E))}, however right the model is; the gradient through the second ${kind} is a fraction of the real one.`
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
      threshold: 'exact',
    },
    rule: RULE_SOURCES.redundantActivation,
    held: { fromStep: ctx.step, toStep: ctx.step, fromEpoch: ctx.epochs.length, toEpoch: ctx.epochs.length },
    advice: [fix!, ...adviceFor('label-loss-mismatch', ctx)],
  };
}

function fmt(x: number): string {
  return String(+x.toPrecision(3));
}
