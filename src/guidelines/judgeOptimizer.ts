/** The optimizer against the model's depth (adagrad-deep, optimizer-default) and its learning rate (lr-range). */
import { SOURCES, optimizerRow } from './tables';
import type { ModelShape, ShapeLayer, ShapeModel } from './shape';
import { cite, type JudgeOptions, type Verdict } from './verdict';

export const RULE_OPTIMIZER = `${SOURCES.optimizerTable}; ${SOURCES.defaultConfig}`;

export function judgeOptimizer<L>(
  optimizer: string,
  shape: ModelShape<ShapeModel<ShapeLayer>> | undefined,
  o: JudgeOptions<L>,
): Verdict<L> | undefined {
  const deep = shape ? shape.hiddenMin > o.settings.deepHiddenLayers : false;
  if (optimizer === 'adagrad') {
    if (deep) {
      return {
        code: 'adagrad-deep',
        at: { part: 'optimizer' },
        message: `AdaGrad divides each step by the root of all squared gradients seen so far, so its learning rate only ever shrinks; on deep networks it typically slows to a halt before reaching a good minimum (convergence quality ★☆☆ in the optimizer table). This model has ${shape!.hiddenExact ?? `at least ${shape!.hiddenMin}`} hidden layers. The default configuration uses momentum optimization (or RMSProp, Nadam).${cite(SOURCES.optimizerTable)}`,
        evidence: { optimizer: 'adagrad', hiddenLayers: shape!.hiddenMin, deepAbove: o.settings.deepHiddenLayers },
        rule: RULE_OPTIMIZER,
        fix: { kind: 'optimizer', rmsprop: true },
      };
    }
    return {
      code: 'optimizer-default',
      at: { part: 'optimizer' },
      message: `AdaGrad is fast at first but its effective learning rate keeps shrinking (quality ★☆☆ in the optimizer table); fine for simple problems, not for deeper nets. The default configuration's optimizer is momentum (or RMSProp, Nadam).${cite(SOURCES.optimizerTable)}`,
      evidence: { optimizer: 'adagrad', choice: true },
      rule: RULE_OPTIMIZER,
      fix: { kind: 'optimizer', rmsprop: true },
    };
  }
  if (optimizer === 'sgd') {
    return {
      code: 'optimizer-default',
      at: { part: 'optimizer' },
      message: `Plain SGD reaches good minima but slowly (speed ★☆☆ in the optimizer table). Momentum optimization (β = 0.9) keeps the quality and converges faster; it is the default configuration's optimizer.${cite(SOURCES.optimizerTable)}`,
      evidence: { optimizer: 'sgd' },
      rule: RULE_OPTIMIZER,
      fix: { kind: 'optimizer', rmsprop: false },
    };
  }
  return undefined;
}

export function judgeLearningRate<L>(
  optimizer: string,
  lr: number,
  nesterov: boolean | undefined,
  o: JudgeOptions<L>,
): Verdict<L> | undefined {
  if (optimizer === 'adadelta') return undefined;
  const { learningRateMin: lo, learningRateMax: hi } = o.settings;
  if (lr <= hi && lr >= lo && lr > 0) return undefined;
  const row = optimizerRow(optimizer, nesterov);
  return {
    code: 'lr-range',
    at: { part: 'lr' },
    severity: lr <= 0 ? 'error' : undefined,
    message:
      lr <= 0
        ? `Learning rate ${lr}: the weights would not move (or would move uphill).${cite(SOURCES.umlaut)}`
        : `Learning rate ${lr} is ${lr > hi ? `above ${hi}` : `below ${lo}`}, outside the range UMLAUT treats as typical (${lo}-${hi}); ${lr > hi ? 'large steps tend to make the loss oscillate or diverge' : 'steps this small barely change the weights'}.${row?.defaults ? ` The table's ${row.label} default: ${row.defaults}.` : ''} If it is intended (e.g. with a schedule), adjust trainingLens.lint.learningRateMax/Min.${cite(SOURCES.umlaut)}`,
    evidence: { learningRate: lr, min: lo, max: hi, optimizer },
    rule: SOURCES.umlaut,
  };
}
