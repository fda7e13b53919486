/**
 * The guideline tables G1-G6 as data. Facts restated in Training Lens's own words; every row names
 * where it comes from (book + table, or paper) so lenses, hovers and findings can cite it.
 */

export const SOURCES = {
  initTable: 'Hands-On ML 2nd ed., ch.11, Table 11-1 (initialization per activation)',
  activationRanking: 'Hands-On ML 2nd ed., ch.11, "Nonsaturating Activation Functions"',
  optimizerTable: 'Hands-On ML 2nd ed., ch.11, Table 11-2 (optimizer comparison)',
  defaultConfig: 'Hands-On ML 2nd ed., ch.11, Table 11-3 (default DNN configuration)',
  selfNormalizingConfig: 'Hands-On ML 2nd ed., ch.11, Table 11-4 (self-normalizing net configuration)',
  schedules: 'Hands-On ML 2nd ed., ch.11, "Learning Rate Scheduling"',
  dropout: 'Hands-On ML 2nd ed., ch.11, "Dropout"',
  batchNorm: 'Hands-On ML 2nd ed., ch.11, "Batch Normalization"',
  vanishing:
    'Glorot & Bengio 2010, "Understanding the difficulty of training deep feedforward neural networks"; Hands-On ML 2nd ed., ch.11',
  selu: 'Klambauer et al. 2017, "Self-Normalizing Neural Networks"; Hands-On ML 2nd ed., ch.11',
  initExperiments: 'Deep Learning from Scratch, ch.6.2 (initial weight experiments)',
  outputLayer: 'Hands-On ML 2nd ed., ch.10, Table 10-2 (typical classification MLP)',
  umlaut: 'UMLAUT (Schoop et al., CHI 2021)',
  deepChecker: 'TheDeepChecker (Ben Braiek & Khomh)',
  adaptiveGeneralization: 'Wilson et al. 2017, "The Marginal Value of Adaptive Gradient Methods"',
} as const;

// ---- G1: initializer per activation ----

export type InitFamily = 'glorot' | 'he' | 'lecun';

export interface InitRow {
  family: InitFamily;
  label: string;
  /** short name for one-line titles */
  short: string;
  /** activations (canonical tfjs names) this initializer keeps well-scaled */
  activations: readonly string[];
  /** how the row names them in prose */
  activationsText: string;
  normalVariance: string;
  uniformLimit: string;
  tfjsNormal: string;
  tfjsUniform: string;
  /** what to write when the layer gives none: the table's usual choice */
  suggested: string;
  note?: string;
  source: string;
}

export const INIT_TABLE: readonly InitRow[] = [
  {
    family: 'glorot',
    label: 'Glorot (Xavier)',
    short: 'Glorot',
    activations: ['linear', 'tanh', 'sigmoid', 'softmax'],
    activationsText: 'none (linear), tanh, sigmoid (logistic), softmax',
    normalVariance: '1/fan_avg, fan_avg = (fan_in + fan_out)/2',
    uniformLimit: 'r = √(3/fan_avg)',
    tfjsNormal: 'glorotNormal',
    tfjsUniform: 'glorotUniform',
    suggested: 'glorotUniform',
    note: 'tfjs (like Keras) uses glorotUniform when a layer names no initializer. For sigmoid, TheDeepChecker suggests LeCun instead; the book lists Glorot.',
    source: SOURCES.initTable,
  },
  {
    family: 'he',
    label: 'He',
    short: 'He',
    activations: ['relu', 'relu6', 'leakyReLU', 'prelu', 'elu', 'thresholdedReLU'],
    activationsText: 'ReLU and its variants (leaky ReLU, RReLU, PReLU, ELU)',
    normalVariance: '2/fan_in',
    uniformLimit: 'r = √(6/fan_in)',
    tfjsNormal: 'heNormal',
    tfjsUniform: 'heUniform',
    suggested: 'heNormal',
    source: SOURCES.initTable,
  },
  {
    family: 'lecun',
    label: 'LeCun',
    short: 'LeCun',
    activations: ['selu'],
    activationsText: 'SELU',
    normalVariance: '1/fan_in',
    uniformLimit: 'r = √(3/fan_in)',
    tfjsNormal: 'leCunNormal',
    tfjsUniform: 'leCunUniform',
    suggested: 'leCunNormal',
    note: 'Self-normalization is derived for LeCun normal initialization.',
    source: SOURCES.initTable,
  },
];

export function initRowForActivation(activation: string): InitRow | undefined {
  return INIT_TABLE.find(r => r.activations.includes(activation));
}
export function initRowForFamily(family: InitFamily): InitRow {
  return INIT_TABLE.find(r => r.family === family)!;
}

/**
 * How an initializer scales the weights, in the table's terms. 'constant' kernels never break symmetry;
 * 'fixed-scale' ones (randomNormal, randomUniform, truncatedNormal) ignore the fan-in: both are outside the table.
 */
export type InitializerScaling = InitFamily | 'constant' | 'fixed-scale' | 'other';

export function initializerScaling(
  name: string,
  varianceScaling?: { scale?: number; mode?: string },
): InitializerScaling {
  switch (name) {
    case 'glorotNormal':
    case 'glorotUniform':
      return 'glorot';
    case 'heNormal':
    case 'heUniform':
      return 'he';
    case 'leCunNormal':
    case 'leCunUniform':
      return 'lecun';
    case 'zeros':
    case 'ones':
    case 'constant':
      return 'constant';
    case 'randomNormal':
    case 'randomUniform':
    case 'truncatedNormal':
      return 'fixed-scale';
    case 'varianceScaling': {
      const { scale, mode } = varianceScaling ?? {};
      if (scale === 2 && mode === 'fanIn') return 'he';
      if (scale === 1 && mode === 'fanIn') return 'lecun';
      if (scale === 1 && mode === 'fanAvg') return 'glorot';
      return 'other';
    }
    default:
      return 'other'; // orthogonal, identity, custom: the table has no row; say nothing
  }
}

// ---- G2: hidden-layer activation preference ----

/** Best first. Each entry: tfjs activation names it covers. */
export const ACTIVATION_RANKING: readonly { label: string; names: readonly string[] }[] = [
  { label: 'SELU', names: ['selu'] },
  { label: 'ELU', names: ['elu'] },
  { label: 'leaky ReLU (and variants)', names: ['leakyReLU', 'prelu', 'thresholdedReLU'] },
  { label: 'ReLU', names: ['relu', 'relu6'] },
  { label: 'tanh', names: ['tanh'] },
  { label: 'sigmoid (logistic)', names: ['sigmoid'] },
];
export const ACTIVATION_NOTES = {
  text:
    'Usual preference for hidden layers: SELU, then ELU, leaky ReLU, ReLU, tanh, and sigmoid last. Leaky ReLU when inference speed matters, ' +
    'RReLU against overfitting, PReLU with plenty of training data; leaky ReLU with alpha 0.2 beat alpha 0.01 in the cited comparison.',
  seluConditions:
    'SELU keeps activations normalized only in a plain stack of dense layers, with LeCun-normal initialization, standardized inputs, ' +
    'no batch normalization and no ordinary dropout (alpha dropout instead).',
  source: SOURCES.activationRanking,
};
export const SATURATING = new Set(['sigmoid', 'tanh', 'hardSigmoid', 'softsign']);

// ---- G3: optimizers ----

export interface OptimizerRow {
  key: 'sgd' | 'momentum' | 'nesterov' | 'adagrad' | 'rmsprop' | 'adam' | 'nadam' | 'adamax' | 'adadelta';
  label: string;
  /** 1 = bad, 2 = average, 3 = good; a pair means "either" ("** or ***") */
  speed: 1 | 2 | 3;
  quality: readonly [number, number];
  qualityNote?: string;
  defaults?: string;
  tfjs: string;
  source: string;
}

export const OPTIMIZER_TABLE: readonly OptimizerRow[] = [
  { key: 'sgd', label: 'SGD', speed: 1, quality: [3, 3], tfjs: 'tf.train.sgd(lr)', source: SOURCES.optimizerTable },
  {
    key: 'momentum',
    label: 'SGD + momentum',
    speed: 2,
    quality: [3, 3],
    defaults: 'momentum β = 0.9',
    tfjs: 'tf.train.momentum(lr, 0.9)',
    source: SOURCES.optimizerTable,
  },
  {
    key: 'nesterov',
    label: 'SGD + Nesterov momentum',
    speed: 2,
    quality: [3, 3],
    defaults: 'momentum β = 0.9',
    tfjs: 'tf.train.momentum(lr, 0.9, true)',
    source: SOURCES.optimizerTable,
  },
  {
    key: 'adagrad',
    label: 'AdaGrad',
    speed: 3,
    quality: [1, 1],
    qualityNote: 'often stops before reaching the optimum; avoid for deep networks',
    defaults: 'ε = 1e-10',
    tfjs: 'tf.train.adagrad(lr)',
    source: SOURCES.optimizerTable,
  },
  {
    key: 'rmsprop',
    label: 'RMSProp',
    speed: 3,
    quality: [2, 3],
    defaults: 'ρ = 0.9, lr = 0.001',
    tfjs: 'tf.train.rmsprop(0.001, 0.9)',
    source: SOURCES.optimizerTable,
  },
  {
    key: 'adam',
    label: 'Adam',
    speed: 3,
    quality: [2, 3],
    defaults: 'β1 = 0.9, β2 = 0.999, lr = 0.001, ε ≈ 1e-7',
    tfjs: 'tf.train.adam(0.001)',
    source: SOURCES.optimizerTable,
  },
  {
    key: 'nadam',
    label: 'Nadam',
    speed: 3,
    quality: [2, 3],
    defaults: 'as Adam',
    tfjs: 'not in tfjs (training-lens toolkit provides one)',
    source: SOURCES.optimizerTable,
  },
  {
    key: 'adamax',
    label: 'AdaMax',
    speed: 3,
    quality: [2, 3],
    defaults: 'β1 = 0.9, β2 = 0.999',
    tfjs: 'tf.train.adamax(0.002)',
    source: SOURCES.optimizerTable,
  },
];
export const OPTIMIZER_NOTES = {
  adaptive:
    'Adaptive methods (AdaGrad, RMSProp, Adam, ...) can generalize worse on some data sets; if results disappoint, try Nesterov momentum.',
  adaptiveSource: SOURCES.adaptiveGeneralization,
};

/** The table row for an optimizer as the code names it (`momentum` with useNesterov -> the Nesterov row). */
export function optimizerRow(name: string, nesterov?: boolean): OptimizerRow | undefined {
  const key = name === 'momentum' && nesterov ? 'nesterov' : name;
  return OPTIMIZER_TABLE.find(r => r.key === key);
}

export function stars(n: number): string {
  return '★'.repeat(n) + '☆'.repeat(3 - n);
}
export function qualityStars(q: readonly [number, number]): string {
  return q[0] === q[1] ? stars(q[0]) : `${stars(q[0])}–${stars(q[1])}`;
}

// ---- G4: default configuration ----

export interface ConfigColumn {
  label: string;
  initializer: string;
  activation: string;
  normalization: string;
  regularization: string;
  optimizer: string;
  schedule: string;
  source: string;
}

export const DEFAULT_CONFIG: ConfigColumn = {
  label: 'Default DNN configuration',
  initializer: 'He',
  activation: 'ELU',
  normalization: 'none if shallow, batch norm if deep',
  regularization: 'early stopping (add ℓ2 if needed)',
  optimizer: 'momentum (or RMSProp, Nadam)',
  schedule: '1cycle',
  source: SOURCES.defaultConfig,
};
export const SELF_NORMALIZING_CONFIG: ConfigColumn = {
  label: 'Self-normalizing net (plain dense stack)',
  initializer: 'LeCun',
  activation: 'SELU',
  normalization: 'none (the net normalizes itself)',
  regularization: 'alpha dropout if needed',
  optimizer: 'momentum (or RMSProp, Nadam)',
  schedule: '1cycle',
  source: SOURCES.selfNormalizingConfig,
};

// ---- G5: learning-rate schedules ----

export const SCHEDULES: readonly { name: string; formula: string; note?: string; source: string }[] = [
  { name: 'power', formula: 'lr(t) = lr0 / (1 + t/s)^c, usually c = 1', source: SOURCES.schedules },
  {
    name: 'exponential',
    formula: 'lr(t) = lr0 · 0.1^(t/s): ten times smaller every s steps',
    note: 'simple to tune and fast',
    source: SOURCES.schedules,
  },
  {
    name: 'piecewise constant',
    formula: 'fixed rates per epoch range, e.g. 0.01, then 0.005, then 0.001',
    source: SOURCES.schedules,
  },
  {
    name: 'performance',
    formula: 'multiply by a factor (0.5) when the best validation loss has not improved for a patience (5) epochs',
    source: SOURCES.schedules,
  },
  {
    name: '1cycle',
    formula:
      'rise linearly lr0 → lr1 over the first half, back to lr0 over the second, then a few orders lower for the last epochs (momentum moves the opposite way, 0.95 → 0.85 → 0.95)',
    source: SOURCES.schedules,
  },
];

// ---- G6: regularization ----

export const REGULARIZATION = {
  dropout: {
    range: [0.1, 0.5] as const,
    text: 'Dropout rates are usually between 10% and 50% (recurrent nets 20-30%, CNNs 40-50%). Compare training and validation loss only after re-evaluating the training loss without dropout.',
    source: SOURCES.dropout,
    above: 'UMLAUT flags rates above 0.5.',
    aboveSource: SOURCES.umlaut,
  },
  alphaDropout: {
    text: 'With SELU, use alpha dropout: ordinary dropout breaks self-normalization.',
    source: SOURCES.selu,
  },
  batchNorm: {
    text: 'Batch norm (before or after the activation) makes the net less sensitive to initialization, allows larger learning rates and regularizes a little; it costs inference time. Moving-average momentum 0.9-0.999.',
    source: SOURCES.batchNorm,
  },
  l2: {
    text: 'ℓ2 adds λ/2·‖W‖² to the loss (λ around 0.01 in examples); ℓ1 gives sparse weights.',
    source: 'Hands-On ML 2nd ed., ch.11, "ℓ1 and ℓ2 Regularization"',
  },
};

// ---- learning-rate range (G7 row) ----

export const LEARNING_RATE = {
  range: [1e-7, 0.01] as const,
  source: SOURCES.umlaut,
};
