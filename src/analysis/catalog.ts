/**
 * What the analyzer knows about the tfjs API itself (not guidelines): layer factories and their role in a model,
 * the defaults tfjs applies when a config key is left out, and the canonical spelling of identifiers.
 */

export type LayerKind =
  | 'weight' // has a kernel: dense, conv*, recurrent, embedding
  | 'activation' // an activation as its own layer: activation, reLU, leakyReLU, elu, prelu, softmax, ...
  | 'dropout' // dropout, spatialDropout1d, gaussianDropout, alphaDropout
  | 'normalization' // batchNormalization, layerNormalization
  | 'passThrough' // reshapes, pooling, noise: keep a stack "plain"
  | 'merge' // add, concatenate, ...: a graph, not a stack
  | 'other'; // anything else (custom or newer layers): shape not known

export type WeightFamily = 'dense' | 'conv' | 'recurrent' | 'embedding';

export interface LayerInfo {
  kind: LayerKind;
  family?: WeightFamily;
  /** activation applied when the config has none ('linear' for dense/conv, 'tanh' for recurrent) */
  defaultActivation?: string;
  /** activation layers without a config key: the activation they are */
  impliedActivation?: string;
  /** the config key holding the kernel initializer, when the layer has one the G1 table speaks about */
  initializerKey?: 'kernelInitializer';
}

const weight = (
  family: WeightFamily,
  defaultActivation?: string,
  initializerKey: 'kernelInitializer' | undefined = 'kernelInitializer',
): LayerInfo => ({ kind: 'weight', family, defaultActivation, initializerKey });

export const LAYERS: Readonly<Record<string, LayerInfo>> = {
  dense: weight('dense', 'linear'),
  conv1d: weight('conv', 'linear'),
  conv2d: weight('conv', 'linear'),
  conv3d: weight('conv', 'linear'),
  conv2dTranspose: weight('conv', 'linear'),
  conv3dTranspose: weight('conv', 'linear'),
  // these keep their kernels under other keys (depthwise/pointwise): no G1 row to compare against
  separableConv2d: weight('conv', 'linear', undefined),
  depthwiseConv2d: weight('conv', 'linear', undefined),
  simpleRNN: weight('recurrent', 'tanh'),
  lstm: weight('recurrent', 'tanh'),
  gru: weight('recurrent', 'tanh'),
  convLstm2d: weight('recurrent', 'tanh'),
  embedding: { kind: 'weight', family: 'embedding' },
  activation: { kind: 'activation' },
  reLU: { kind: 'activation', impliedActivation: 'relu' },
  leakyReLU: { kind: 'activation', impliedActivation: 'leakyReLU' },
  elu: { kind: 'activation', impliedActivation: 'elu' },
  prelu: { kind: 'activation', impliedActivation: 'prelu' },
  softmax: { kind: 'activation', impliedActivation: 'softmax' },
  thresholdedReLU: { kind: 'activation', impliedActivation: 'thresholdedReLU' },
  dropout: { kind: 'dropout' },
  spatialDropout1d: { kind: 'dropout' },
  gaussianDropout: { kind: 'dropout' },
  alphaDropout: { kind: 'dropout' },
  batchNormalization: { kind: 'normalization' },
  layerNormalization: { kind: 'normalization' },
  add: { kind: 'merge' },
  concatenate: { kind: 'merge' },
  multiply: { kind: 'merge' },
  average: { kind: 'merge' },
  maximum: { kind: 'merge' },
  minimum: { kind: 'merge' },
  dot: { kind: 'merge' },
};
for (const name of [
  'flatten',
  'reshape',
  'permute',
  'repeatVector',
  'inputLayer',
  'masking',
  'gaussianNoise',
  'rescaling',
  'zeroPadding2d',
  'cropping2D',
  'upSampling2d',
  'centerCrop',
  'resizing',
  'maxPooling1d',
  'maxPooling2d',
  'maxPooling3d',
  'averagePooling1d',
  'averagePooling2d',
  'averagePooling3d',
  'avgPool1d',
  'avgPool2d',
  'avgPool3d',
  'avgPooling1d',
  'avgPooling2d',
  'avgPooling3d',
  'globalAveragePooling1d',
  'globalAveragePooling2d',
  'globalMaxPooling1d',
  'globalMaxPooling2d',
]) {
  (LAYERS as Record<string, LayerInfo>)[name] = { kind: 'passThrough' };
}

export function layerInfo(factory: string): LayerInfo {
  return Object.prototype.hasOwnProperty.call(LAYERS, factory) ? LAYERS[factory] : { kind: 'other' };
}

const squash = (s: string) => s.replace(/[_\s-]/g, '').toLowerCase();
const canonicalMap = (names: string[]) => new Map(names.map(n => [squash(n), n]));

const ACTIVATIONS = canonicalMap([
  'elu',
  'hardSigmoid',
  'linear',
  'relu',
  'relu6',
  'selu',
  'sigmoid',
  'softmax',
  'softplus',
  'softsign',
  'tanh',
  'swish',
  'mish',
  'gelu',
  'gelu_new',
  'leakyReLU',
  'prelu',
  'thresholdedReLU',
]);
const INITIALIZERS = canonicalMap([
  'constant',
  'glorotNormal',
  'glorotUniform',
  'heNormal',
  'heUniform',
  'identity',
  'leCunNormal',
  'leCunUniform',
  'ones',
  'orthogonal',
  'randomNormal',
  'randomUniform',
  'truncatedNormal',
  'varianceScaling',
  'zeros',
]);
const LOSSES = canonicalMap([
  'meanSquaredError',
  'meanAbsoluteError',
  'meanAbsolutePercentageError',
  'meanSquaredLogarithmicError',
  'squaredHinge',
  'hinge',
  'categoricalHinge',
  'logcosh',
  'categoricalCrossentropy',
  'sparseCategoricalCrossentropy',
  'binaryCrossentropy',
  'kullbackLeiblerDivergence',
  'poisson',
  'cosineProximity',
  // tf.losses.* (tfjs-core): logits-based ones apply their own softmax/sigmoid
  'softmaxCrossEntropy',
  'sigmoidCrossEntropy',
  'logLoss',
  'absoluteDifference',
  'huberLoss',
  'hingeLoss',
  'cosineDistance',
]);
const OPTIMIZERS = canonicalMap(['sgd', 'momentum', 'adagrad', 'adadelta', 'rmsprop', 'adam', 'adamax']);

/** Canonical tfjs spelling ('he_normal', 'HeNormal' -> 'heNormal'); unrecognised names pass through unchanged. */
export const canonicalActivation = (s: string) => ACTIVATIONS.get(squash(s)) ?? s;
export const canonicalInitializer = (s: string) => INITIALIZERS.get(squash(s)) ?? s;
export const canonicalLoss = (s: string) => LOSSES.get(squash(s)) ?? s;
export const canonicalOptimizer = (s: string) => OPTIMIZERS.get(squash(s)) ?? s;
export const isKnownActivation = (s: string) => ACTIVATIONS.has(squash(s));

/** Learning rate tfjs uses when the optimizer is given by name (`optimizer: 'adam'`), tfjs-layers getOptimizer. */
export const STRING_OPTIMIZER_LR: Readonly<Record<string, number>> = {
  sgd: 0.01,
  adagrad: 0.01,
  adadelta: 1,
  adam: 0.001,
  adamax: 0.002,
  rmsprop: 0.001,
};
/** Learning rate of `tf.train.<name>()` called without one (where the argument is optional). */
export const FACTORY_OPTIMIZER_LR: Readonly<Record<string, number>> = { adam: 0.001, adamax: 0.002, adadelta: 0.001 };
/** Optimizers that tfjs accepts by name in compile. */
export const STRING_OPTIMIZERS: ReadonlySet<string> = new Set(Object.keys(STRING_OPTIMIZER_LR));

/** tfjs's kernel initializer when none is given (Dense, Conv and recurrent layers: DEFAULT_KERNEL_INITIALIZER in tfjs-layers 4.22; Keras' is glorotUniform). */
export const DEFAULT_KERNEL_INITIALIZER = 'glorotNormal';
