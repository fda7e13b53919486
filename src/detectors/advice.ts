/**
 * Remedies in AUTOTRAINER's repair order (batch norm; activation with its matching initializer; gradient
 * clipping; initializer; batch size; learning rate ×10 / ÷10; optimizer), phrased for the model at hand and
 * grounded in the guideline tables (He for ReLU, LeCun for SELU, Glorot for tanh/sigmoid).
 */
import type { LayerSummary } from '../protocol';
import type { RunContext } from './context';

const fmt = (x: number) => (x >= 0.01 && x < 100 ? String(+x.toPrecision(3)) : x.toExponential(1));

function lrChange(ctx: RunContext, factor: number): string {
  const lr = ctx.lr;
  const opt = ctx.fit?.optimizer ?? 'the optimizer';
  return lr != null ? `Change the learning rate of ${opt} from ${fmt(lr)} to ${fmt(lr * factor)}` : `${factor > 1 ? 'Raise' : 'Lower'} the learning rate ${factor > 1 ? '×10' : '÷10'}`;
}

function hidden(ctx: RunContext): LayerSummary[] {
  return ctx.layers.slice(0, -1).filter(l => l.activation && l.activation !== 'linear');
}

export function adviceFor(code: string, ctx: RunContext, layer?: LayerSummary): string[] {
  const name = layer ? `${layer.name}` : 'the hidden layers';
  const bs = ctx.fit?.batchSize;
  switch (code) {
    case 'vanishing-gradient':
      return [
        'Add batch normalization after the hidden dense layers (before their activation)',
        hidden(ctx).some(l => l.activation === 'sigmoid' || l.activation === 'tanh')
          ? 'Replace sigmoid/tanh in hidden layers by relu with heNormal initialization (or selu with leCunNormal)'
          : `Use relu with heNormal (or selu with leCunNormal) in ${name}`,
        'Use the initializer that matches the activation (He for ReLU family, LeCun for SELU, Glorot for tanh/sigmoid)',
        lrChange(ctx, 10),
      ];
    case 'exploding-gradient':
    case 'non-finite':
      return [
        'Add batch normalization after the hidden dense layers',
        `Use relu with heNormal initialization (or selu with leCunNormal) in ${name}`,
        'Clip gradients (clipNorm 1.0 keeps their direction)',
        'Use the initializer that matches the activation instead of a large fixed scale',
        lrChange(ctx, 0.1),
      ];
    case 'dead-relu':
      return [
        `Add batch normalization before the activation of ${name}`,
        `Use leakyReLU (alpha 0.2) or elu instead of relu in ${name}, with heNormal initialization`,
        `Initialize ${name} with heNormal`,
        lrChange(ctx, 0.1),
      ];
    case 'saturated-activation':
      return [
        `Add batch normalization before the activation of ${name}`,
        `Replace ${layer?.activation ?? 'sigmoid/tanh'} in ${name} by relu with heNormal (or selu with leCunNormal)`,
        `Use ${layer?.activation === 'tanh' || layer?.activation === 'sigmoid' ? 'glorotNormal' : 'the matching'} initialization in ${name} instead of a wide fixed distribution`,
      ];
    case 'unchanged-weights':
      return [
        `Do not initialize ${name} with a constant (zeros/ones): every unit then learns the same thing; use heNormal for relu, glorotUniform for tanh/sigmoid`,
        'Check that the learning rate is not 0 and the layer is trainable',
      ];
    case 'loss-not-decreasing':
    case 'slow-convergence':
      return [
        lrChange(ctx, 10),
        'Switch to Adam (lr 0.001) or SGD with Nesterov momentum 0.9',
        'Use the initializer that matches each activation',
        ...(bs && bs > 8 ? [`Try a smaller batch size than ${bs}`] : []),
      ];
    case 'oscillating-loss':
      return [
        lrChange(ctx, 0.1),
        'Use a learning-rate schedule (reduce on plateau: factor 0.5, patience 5; or exponential decay)',
        ...(bs ? [`Use a larger batch size than ${bs}`] : []),
        'Switch to Adam or SGD with momentum 0.9',
      ];
    case 'overfitting':
      return [
        'Stop early: keep the weights of the epoch with the lowest validation loss',
        'Add dropout (rate 0.2-0.5) after the hidden layers, or l2 weight decay (e.g. 1e-4)',
        'Train on more data (or augment it), or use a smaller model',
      ];
    case 'bad-initial-loss':
      return [
        'Check the output layer: softmax with categoricalCrossentropy, sigmoid with binaryCrossentropy',
        'Use the initializer that matches each activation instead of a large fixed scale',
        'Check that the labels match the loss (one-hot for categoricalCrossentropy)',
      ];
    case 'unnormalized-input':
      return [
        'Scale the inputs to [0, 1] (e.g. pixels / 255) or standardize them (subtract the mean, divide by the std)',
        'Add batch normalization as the first layer if the data cannot be rescaled',
      ];
    default:
      return [];
  }
}
