/**
 * Remedies in AUTOTRAINER's repair order (S1 batch norm; S2 activation with its matching initializer; S3 gradient
 * clipping; S4 initializer; S5 batch size; S6 learning rate ×10 / ÷10; S7 optimizer), phrased for the model at hand:
 * a remedy the model already follows is left out (batch norm that is there, He init that is already used), and the
 * initializer named is the guideline table's (G1: He for the ReLU family, LeCun for SELU, Glorot for tanh/sigmoid).
 */
import type { LayerSummary, Finding } from '../protocol';
import type { RunContext } from './context';

const fmt = (x: number) => (x >= 0.01 && x < 100 ? String(+x.toPrecision(3)) : x.toExponential(1));

const RELU_FAMILY = new Set(['relu', 'relu6', 'elu', 'leakyReLU', 'prelu', 'swish', 'mish', 'gelu']);

/** G1: the initializer family that matches an activation. */
export function matchingInitializer(activation: string | undefined): 'heNormal' | 'leCunNormal' | 'glorotUniform' {
  if (activation && RELU_FAMILY.has(activation)) return 'heNormal';
  if (activation === 'selu') return 'leCunNormal';
  return 'glorotUniform';
}

function initMatches(l: LayerSummary): boolean {
  const want = matchingInitializer(l.activation).replace(/(Normal|Uniform)$/, '');
  return !!l.initializer && l.initializer.startsWith(want);
}

function lrChange(ctx: RunContext, factor: number): string {
  const lr = ctx.lr;
  const opt = ctx.fit?.optimizer ?? 'the optimizer';
  return lr != null
    ? `${factor > 1 ? 'Raise' : 'Lower'} the learning rate of ${opt} from ${fmt(lr)} to ${fmt(lr * factor)}`
    : `${factor > 1 ? 'Raise' : 'Lower'} the learning rate ${factor > 1 ? '×10' : '÷10'}`;
}

/** Dense/conv layers with a (non-output) activation, in model order. */
function hidden(ctx: RunContext): LayerSummary[] {
  return ctx.layers.slice(0, -1).filter(l => l.units !== undefined && l.activation && l.activation !== 'linear');
}

const hasBatchNorm = (ctx: RunContext) => ctx.layers.some(l => l.className === 'BatchNormalization');
const names = (ls: LayerSummary[]) =>
  ls.length > 3
    ? `${ls
        .slice(0, 3)
        .map(l => l.name)
        .join(', ')}, …`
    : ls.map(l => l.name).join(', ');

function batchNorm(ctx: RunContext, where: string): string[] {
  return hasBatchNorm(ctx) ? [] : [`Add batch normalization ${where}`];
}

function mismatchedInit(ctx: RunContext, only?: LayerSummary): string[] {
  const layers = (only ? [only] : hidden(ctx)).filter(l => !initMatches(l));
  if (!layers.length) return [];
  const act = layers[0].activation;
  return [
    `Initialize ${names(layers)} with ${matchingInitializer(act)} (the initializer that matches ${act ?? 'its activation'}) instead of ${layers[0].initializer ?? 'the default'}`,
  ];
}

/** The output activation the loss expects, when the output layer has another one. */
function outputFix(ctx: RunContext): string[] {
  const out = ctx.outputLayer;
  const lossName = ctx.fit?.loss ?? '';
  if (/categorical/i.test(lossName) && out?.activation !== 'softmax')
    return [`Give ${out?.name ?? 'the output layer'} activation 'softmax': ${lossName} expects probabilities`];
  if (/binary/i.test(lossName) && out?.activation !== 'sigmoid')
    return [`Give ${out?.name ?? 'the output layer'} activation 'sigmoid': ${lossName} expects probabilities`];
  return [];
}

/** Remedies for a finding, its cause's first: `evidence.cause` says what the rule found to blame. */
export function adviceFor(
  code: string,
  ctx: RunContext,
  layer?: LayerSummary,
  evidence: Finding['evidence'] = {},
): string[] {
  const name = layer?.name ?? 'the hidden layers';
  const bs = ctx.fit?.batchSize;
  const deep = hidden(ctx).length >= 3;
  const saturating = hidden(ctx).filter(l => l.activation === 'sigmoid' || l.activation === 'tanh');
  switch (code) {
    case 'vanishing-gradient':
      return [
        ...batchNorm(ctx, 'after the hidden dense layers (before their activation)'),
        saturating.length
          ? `Replace ${saturating[0].activation} in ${names(saturating)} by relu with heNormal initialization (or selu with leCunNormal)`
          : `Use selu with leCunNormal initialization in ${name}`,
        ...mismatchedInit(ctx),
      ];
    case 'exploding-gradient':
    case 'non-finite': {
      const act = saturating.length
        ? [
            `Replace ${saturating[0].activation} in ${names(saturating)} by relu with heNormal initialization (or selu with leCunNormal)`,
          ]
        : [];
      return [
        ...(code === 'non-finite' ? outputFix(ctx) : []),
        ...(deep ? batchNorm(ctx, 'after the hidden dense layers') : []),
        ...act,
        'Clip gradients by norm (1.0 keeps their direction)',
        ...mismatchedInit(ctx),
        lrChange(ctx, 0.1),
      ];
    }
    case 'dead-relu': {
      const others = [
        ...batchNorm(ctx, `before the activation of ${name}`),
        `Use leakyReLU (alpha 0.2) or elu instead of relu in ${name}, with heNormal initialization (or selu with leCunNormal)`,
        ...(layer ? mismatchedInit(ctx, layer) : []),
      ];
      // the learning rate that killed the units first: the other remedies only make units harder to kill
      return evidence.cause === 'learning-rate' ? [lrChange(ctx, 0.1), ...others] : [...others, lrChange(ctx, 0.1)];
    }
    case 'saturated-activation': {
      const wide = hidden(ctx).filter(l => (l.activation === 'sigmoid' || l.activation === 'tanh') && !initMatches(l));
      const init =
        evidence.cause === 'initializer' && wide.length
          ? [
              `Initialize ${names(wide)} with glorotUniform (scaled to fan-in and fan-out) instead of ${wide[0].initializer ?? 'a fixed-width distribution'}`,
            ]
          : layer && !initMatches(layer)
            ? [
                `Initialize ${name} with glorotUniform (scaled to its fan-in and fan-out) instead of ${layer.initializer ?? 'a wide fixed distribution'}`,
              ]
            : [];
      const rest = [
        ...batchNorm(ctx, `before the activation of ${name}`),
        `Replace ${layer?.activation ?? 'sigmoid/tanh'} in ${name} by relu with heNormal initialization (or selu with leCunNormal)`,
      ];
      return evidence.cause === 'initializer' ? [...init, ...rest] : [...rest, ...init];
    }
    case 'noisy-validation': {
      const m = typeof evidence.validationSamples === 'number' ? evidence.validationSamples : undefined;
      const moreVal = `Validate on more samples${m ? ` than ${m}` : ''} (1,000 or more keeps the sampling error near 3%)`;
      const biggerBatch = `Use larger batches${bs ? ` than ${bs}` : ''} (e.g. 64), keeping the learning rate`;
      const lower = lrChange(ctx, 0.1);
      const byCause =
        evidence.cause === 'validation-set'
          ? [moreVal, lower, biggerBatch]
          : evidence.cause === 'batch-size'
            ? [biggerBatch, lower, moreVal]
            : [lower, biggerBatch, moreVal];
      return [
        ...byCause,
        "Judge by the best epoch: keep its weights (early stopping with patience 3 or more, restoring the best), not the last epoch's",
      ];
    }
    case 'unchanged-weights':
      return layer
        ? [
            `Do not initialize ${name} with a constant${layer.initializer ? ` (${layer.initializer})` : ''}: use ${matchingInitializer(layer.activation)} for ${layer.activation ?? 'linear'} units, so that units differ and gradients flow`,
            'Check that the layer is trainable and its input is not constant',
          ]
        : [
            lrChange(ctx, 0.1),
            'Clip gradients by norm (1.0): the stall followed updates large enough to saturate the output or silence every unit',
            'Check the output layer and loss: softmax outputs pinned at 0/1 give zero gradient once the loss is clipped',
          ];
    case 'loss-not-decreasing':
    case 'slow-convergence':
      return [
        lrChange(ctx, 10),
        ...(bs && bs > 64
          ? [`Use mini-batches (e.g. 32) instead of ${bs} samples per step: more updates per epoch`]
          : []),
        /momentum|adam|rmsprop|nadam/i.test(ctx.fit?.optimizer ?? '')
          ? 'Try SGD with Nesterov momentum 0.9 or Adam (lr 0.001)'
          : `Switch from ${ctx.fit?.optimizer ?? 'plain SGD'} to Adam (lr 0.001) or SGD with Nesterov momentum 0.9`,
        ...mismatchedInit(ctx),
      ];
    case 'oscillating-loss':
      return [
        lrChange(ctx, 0.1),
        'Reduce the learning rate when the validation loss stops improving (factor 0.5, patience 5) or use exponential decay',
        ...(bs ? [`Use a larger batch size than ${bs} (less noisy steps)`] : []),
        /adam/i.test(ctx.fit?.optimizer ?? '') ? 'Use SGD with momentum 0.9' : 'Switch to Adam (lr 0.001)',
      ];
    case 'overfitting':
      return [
        'Stop early: keep the weights of the epoch with the lowest validation loss',
        'Add dropout (rate 0.2-0.5) after the hidden layers, or l2 weight decay (e.g. 1e-4)',
        'Train on more data (or augment it), or use a smaller model',
      ];
    case 'bad-initial-loss': {
      const out = ctx.outputLayer;
      const fix = outputFix(ctx);
      return [
        ...fix,
        ...(out && !initMatches(out) && !fix.length
          ? [`Initialize ${out.name} with glorotUniform instead of ${out.initializer ?? 'a wide fixed distribution'}`]
          : []),
        ...mismatchedInit(ctx),
        'Check that the labels match the loss (one-hot for categoricalCrossentropy, class indices for sparseCategoricalCrossentropy)',
      ];
    }
    case 'unnormalized-input':
      return [
        'Scale the inputs to [0, 1] (e.g. pixels / 255) or standardize them (subtract the mean, divide by the standard deviation)',
        'Add batch normalization as the first layer if the data cannot be rescaled',
      ];
    case 'label-distribution-shift':
      return [
        "Shuffle the samples before splitting: fit's validationSplit takes the LAST part of x and y before any shuffling (shuffle: true only shuffles the training part), so data sorted by class puts whole classes on one side; e.g. shuffle an index list with tf.util.shuffle and tf.gather x and y with it",
        'With tf.data, shuffle the whole dataset (dataset.shuffle with a buffer as large as the data) before splitting it with take/skip',
        'Use a stratified split: the same share of every class for validation',
        'If the validation data comes from another source, check that it has the same classes in similar proportions',
      ];
    case 'class-imbalance':
      return [
        "Weight the classes in fit: classWeight with each class's weight inverse to its frequency (e.g. { 0: 1, 1: majority / minority count })",
        'Watch a metric that sees the minority class: precision and recall (tf.metrics.precision, tf.metrics.recall) or AUC, not accuracy',
        'Resample the training data: oversample the minority class or undersample the majority',
      ];
    case 'non-finite-input':
      return [
        'Find where the NaN/Inf values come from (a missing value parsed as NaN, a division by zero, the log of 0) and drop or impute those samples before building the tensor',
        'Check the data once before training: tf.any(tf.isNaN(x)) and tf.any(tf.isInf(x)) should be false',
      ];
    case 'label-loss-mismatch':
      return [
        'Match the labels to the loss: one-hot rows for categoricalCrossentropy (tf.oneHot(labels, classes)), class indices for sparseCategoricalCrossentropy, 0/1 targets for binaryCrossentropy',
        'Match the output layer to the loss: softmax with one unit per class for the categorical losses, sigmoid for binaryCrossentropy',
      ];
    case 'train-validation-leakage':
      return [
        'Remove the validation samples that also occur in the training data: deduplicate the data set first, then split it',
        'Split by the source of the samples (a patient, a user, the augmented copies of one image), not sample by sample',
        'Build validationData from samples the training data does not contain (not a slice of x)',
      ];
    default:
      return [];
  }
}
