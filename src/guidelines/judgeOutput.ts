/** The output layer's activation against the loss it feeds (output-activation-loss). */
import { SOURCES } from './tables';
import type { Severity } from './settings';
import type { LayerOf, ModelShape, ShapeLayer, ShapeModel } from './shape';
import { cite, type JudgeOptions, type Verdict } from './verdict';

const PROBABILITY_LOSSES: Readonly<Record<string, 'softmax' | 'sigmoid'>> = {
  categoricalCrossentropy: 'softmax',
  sparseCategoricalCrossentropy: 'softmax',
  binaryCrossentropy: 'sigmoid',
  logLoss: 'sigmoid',
};
const LOGIT_LOSSES: Readonly<Record<string, 'softmax' | 'sigmoid'>> = {
  softmaxCrossEntropy: 'softmax',
  sigmoidCrossEntropy: 'sigmoid',
};

export function judgeOutput<M extends ShapeModel<ShapeLayer>>(
  shape: ModelShape<M>,
  loss: string,
  o: JudgeOptions<LayerOf<M>>,
): Verdict<LayerOf<M>> | undefined {
  const out = shape.output;
  if (!out) return undefined;
  const act = out.activation.value;
  if (act === undefined) return undefined;
  const units = out.weight.units.state === 'known' ? out.weight.units.value : undefined;
  const wants = PROBABILITY_LOSSES[loss];
  const logits = LOGIT_LOSSES[loss];
  const target = out.activation.from;
  const base = {
    code: 'output-activation-loss' as const,
    at: { part: 'call' as const, layer: target },
    label: o.label(out.weight),
    rule: SOURCES.outputLayer,
  };
  const actText = act === 'linear' ? 'no activation (linear)' : act;
  if (wants && act !== wants) {
    const severity: Severity = wants === 'sigmoid' && act === 'softmax' && units !== 1 ? 'warning' : 'error';
    const why =
      wants === 'softmax'
        ? `${loss} compares the true class distribution with predicted probabilities, so the output layer must produce a distribution (non-negative, summing to 1): softmax. With ${actText} the loss is computed on values that are not probabilities.`
        : act === 'softmax' && units === 1
          ? `${loss} expects one probability per output from a sigmoid. A softmax over a single unit always outputs 1, so the loss cannot decrease.`
          : `${loss} expects each output to be a probability in (0, 1), which is what a sigmoid gives. With ${actText} the outputs are not such probabilities.`;
    return {
      ...base,
      severity,
      message: `${why} For ${wants === 'softmax' ? 'single-label multi-class classification the output layer uses softmax' : 'binary (or multi-label) classification the output layer uses sigmoid'}.${cite(SOURCES.outputLayer)}`,
      evidence: { loss, outputActivation: act, expected: wants, units: units ?? null },
      fix: { kind: 'output-activation', layer: target, value: wants },
    };
  }
  if (logits && act === logits) {
    return {
      ...base,
      severity: 'warning',
      message: `${loss} applies ${logits} itself and expects raw scores (logits); the output layer applies ${logits} too, so the loss sees ${logits}(${logits}(x)) and its gradients shrink. Leave the output linear, or use the probability loss (${logits === 'softmax' ? 'categoricalCrossentropy' : 'binaryCrossentropy'}).${cite(SOURCES.outputLayer)}`,
      evidence: { loss, outputActivation: act, expected: 'linear' },
      fix: { kind: 'output-activation', layer: target, value: 'linear' },
    };
  }
  return undefined;
}

// ---- the optimizer and its learning rate ----
