/**
 * What the runner reads off a model and a fit call without touching either: the steps an epoch takes, the
 * validation samples, the learning rate and momentum in effect, the loss's name, and each layer's summary for the
 * fit-start event (class, activation as it takes effect, initializer, units, where your code built it, and the
 * initializer table's verdict).
 */
import type { LayerSummary } from '../protocol';
import type { LayersModel, Layer, Tensor } from '../tf/types';
import { layerLocation } from './callSites';
import { checkLayerInitializer } from '../guidelines/layerCheck';
import { MOMENTUM_KEY } from '../toolkit/optimizerState';

export type FitArgs = {
  epochs?: number;
  batchSize?: number;
  validationSplit?: number;
  validationData?: unknown;
  batchesPerEpoch?: number;
  callbacks?: unknown;
};

export function firstTensor(x: unknown): Tensor | undefined {
  if (x == null) return undefined;
  if (Array.isArray(x)) return firstTensor(x[0]);
  if (typeof x === 'object' && 'shape' in (x as object)) return x as Tensor;
  if (typeof x === 'object') return firstTensor(Object.values(x as object)[0]);
  return undefined;
}

/** Samples in the validation set (validationData, or the validationSplit share of x); {} when unknown. */
export function validationSamplesOf(x: unknown, config: FitArgs): { validationSamples?: number } {
  const data = config.validationData;
  const n = Array.isArray(data) ? firstTensor(data[0])?.shape[0] : undefined;
  if (n != null) return { validationSamples: n };
  const total = firstTensor(x)?.shape[0];
  if (config.validationSplit && total != null)
    return { validationSamples: total - Math.floor(total * (1 - config.validationSplit)) };
  return {};
}

export function stepsOf(x: unknown, config: FitArgs): number | null {
  const t = firstTensor(x);
  const n = t?.shape[0];
  if (n == null) return null;
  const train = config.validationSplit ? Math.floor(n * (1 - config.validationSplit)) : n;
  return Math.max(1, Math.ceil(train / (config.batchSize ?? 32)));
}

export function learningRate(model: LayersModel): number | null {
  const lr = (model.optimizer as unknown as { learningRate?: unknown })?.learningRate;
  return typeof lr === 'number' && Number.isFinite(lr) ? lr : null;
}

/** Set on the optimizer by a toolkit schedule that moves momentum (1cycle). */
export function momentumOf(model: LayersModel): number | null {
  const m = (model.optimizer as unknown as Record<symbol, unknown> | undefined)?.[MOMENTUM_KEY];
  return typeof m === 'number' && Number.isFinite(m) ? m : null;
}

export function lossName(model: LayersModel): string | null {
  const loss = (model as unknown as { loss?: unknown }).loss;
  if (typeof loss === 'string') return loss;
  if (Array.isArray(loss))
    return loss.map(l => (typeof l === 'string' ? l : ((l as { name?: string })?.name ?? 'custom'))).join(', ');
  if (typeof loss === 'function') return loss.name || 'custom';
  return null;
}

export function configString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && 'className' in v) {
    const { className, config } = v as { className: unknown; config?: Record<string, unknown> };
    return className === 'VarianceScaling' && config ? varianceScalingName(config) : String(className);
  }
  return undefined;
}

/** tfjs serializes glorot/he/leCun initializers as VarianceScaling: name them the way the user wrote them. */
export function varianceScalingName(c: Record<string, unknown>): string {
  const dist = String(c.distribution ?? '');
  const kind = dist === 'uniform' ? 'Uniform' : 'Normal';
  if (c.scale === 1 && c.mode === 'fanAvg') return `glorot${kind}`;
  if (c.scale === 2 && c.mode === 'fanIn') return `he${kind}`;
  if (c.scale === 1 && c.mode === 'fanIn') return `leCun${kind}`;
  return `varianceScaling(scale=${c.scale}, mode=${c.mode}, distribution=${dist})`;
}

/** Layers that pass a value on unchanged in kind: a linear Dense before them still feeds the activation after. */
const PASS_THROUGH = new Set([
  'BatchNormalization',
  'LayerNormalization',
  'Dropout',
  'AlphaDropout',
  'GaussianDropout',
  'GaussianNoise',
  'SpatialDropout1D',
]);
/** Activation layers by class: the activation they apply (tfjs names) */
const ACTIVATION_LAYERS: Record<string, string> = {
  ReLU: 'relu',
  LeakyReLU: 'leakyReLU',
  PReLU: 'prelu',
  ELU: 'elu',
  ThresholdedReLU: 'thresholdedReLU',
  Softmax: 'softmax',
};

/**
 * The activation a layer's output goes through: its own, or for a linear layer the one of an Activation layer
 * after it past normalization/dropout (dense → batchNormalization → activation('relu') is a ReLU layer). The lint
 * rule reads the source the same way (src/guidelines/shape.ts effectiveActivation).
 */
export function effectiveActivation(layers: Layer[], index: number): string | undefined {
  const own = configString((layers[index].getConfig() as Record<string, unknown>).activation);
  if (own !== 'linear') return own;
  for (const next of layers.slice(index + 1)) {
    const cls = next.getClassName();
    if (cls === 'Activation') return configString((next.getConfig() as Record<string, unknown>).activation);
    if (ACTIVATION_LAYERS[cls]) return ACTIVATION_LAYERS[cls];
    if (!PASS_THROUGH.has(cls)) break;
  }
  return own;
}

/** Elements of the weights fit updates: a frozen layer (or model) has none, batch norm's moving statistics never count. */
export function trainableParamCount(layer: { trainableWeights: { shape: (number | null)[] }[] }): number {
  return layer.trainableWeights.reduce((n, w) => n + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

export function summarize(layers: Layer[]): LayerSummary[] {
  return layers
    .filter(l => l.getClassName() !== 'InputLayer')
    .map((layer, i, kept) => {
      const config = layer.getConfig() as Record<string, unknown>;
      let outputShape: (number | null)[] | undefined;
      try {
        const s = layer.outputShape;
        if (Array.isArray(s) && (s.length === 0 || !Array.isArray(s[0]))) outputShape = s as (number | null)[];
      } catch {
        /* not built */
      }
      return {
        name: layer.name,
        className: layer.getClassName(),
        activation: configString(config.activation),
        initializer: configString(config.kernelInitializer ?? config.depthwiseInitializer),
        ...(config.kernelRegularizer ? { regularizer: configString(config.kernelRegularizer) ?? 'regularized' } : {}),
        units:
          typeof config.units === 'number'
            ? config.units
            : typeof config.filters === 'number'
              ? config.filters
              : undefined,
        params: layer.countParams(),
        trainable: layer.trainable,
        trainableParams: trainableParamCount(layer),
        outputShape,
        location: layerLocation(layer),
        guideline: checkLayerInitializer(
          effectiveActivation(kept, i),
          configString(config.kernelInitializer ?? config.depthwiseInitializer),
        ),
      };
    });
}
