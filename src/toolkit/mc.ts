/**
 * Monte Carlo dropout (Hands-On ML ch.11, Gal & Ghahramani 2016): predict `samples` times with the dropout layers
 * active and return the mean (a better estimate than one deterministic pass) and the standard deviation (how
 * unsure the model is). Only dropout layers are switched to training mode — batch normalization keeps its moving
 * statistics, as the book's MCDropout subclass does. Running mean and variance (Welford) are updated one sample at
 * a time inside tidy, so memory stays at one prediction's size whatever `samples` is.
 */
import type { Tf, Tensor, LayersModel, Layer } from '../tf/types';

export interface McOptions {
  /** forward passes (default 100) */
  samples?: number;
  /** batch size of each pass (default 32, as predict) */
  batchSize?: number;
}

const DROPOUT_CLASSES = new Set(['Dropout', 'AlphaDropout', 'GaussianDropout', 'SpatialDropout1D', 'SpatialDropout2D']);

function dropoutLayers(layers: Layer[], out: Layer[] = []): Layer[] {
  for (const layer of layers) {
    if (DROPOUT_CLASSES.has(layer.getClassName())) out.push(layer);
    const inner = (layer as unknown as { layers?: Layer[] }).layers;
    if (Array.isArray(inner)) dropoutLayers(inner, out);
  }
  return out;
}

export function createMcPredict(tf: Tf) {
  return function mcPredict(
    model: LayersModel,
    x: Tensor | Tensor[],
    options: McOptions = {},
  ): { mean: Tensor; std: Tensor } {
    const samples = options.samples ?? 100;
    if (!Number.isInteger(samples) || samples < 1)
      throw new Error(`training-lens mcPredict: samples must be a whole number ≥ 1 (got ${String(samples)})`);
    if (!model || typeof (model as { predict?: unknown }).predict !== 'function')
      throw new Error('training-lens mcPredict: the first argument must be a tfjs model');
    const layers = dropoutLayers(model.layers as Layer[]);
    const seeded = layers.find(l => (l.getConfig() as { seed?: unknown }).seed != null);
    // tfjs draws a seeded layer's mask from the same seed on every call: all passes would drop the same units
    if (seeded)
      throw new Error(
        `training-lens mcPredict: dropout layer '${seeded.name}' has a fixed seed, so every pass drops the same units; build it without seed for MC dropout`,
      );
    type Call = (inputs: unknown, kwargs: Record<string, unknown>) => unknown;
    const patched = layers.map(layer => {
      const target = layer as unknown as { call: Call };
      const hadOwn = Object.prototype.hasOwnProperty.call(target, 'call');
      const original = target.call;
      target.call = function (this: unknown, inputs, kwargs) {
        return original.call(this, inputs, { ...kwargs, training: true });
      };
      return () => {
        if (hadOwn) target.call = original;
        else delete (target as { call?: Call }).call;
      };
    });
    let mean: Tensor | undefined;
    let m2: Tensor | undefined;
    try {
      for (let k = 1; k <= samples; k++) {
        const [nextMean, nextM2] = tf.tidy(() => {
          const y = model.predict(x, { batchSize: options.batchSize });
          if (Array.isArray(y))
            throw new Error('training-lens mcPredict: the model has several outputs; give it a single-output model');
          if (!mean || !m2) return [y.clone(), tf.zerosLike(y)];
          // Welford: exact 0 variance when every pass agrees (no active dropout)
          const delta = tf.sub(y, mean);
          const updated = tf.add(mean, tf.div(delta, k));
          return [updated, tf.add(m2, tf.mul(delta, tf.sub(y, updated)))];
        });
        mean?.dispose();
        m2?.dispose();
        mean = nextMean;
        m2 = nextM2;
      }
      const std = tf.tidy(() => tf.sqrt(tf.relu(tf.div(m2!, samples))));
      m2!.dispose();
      return { mean: mean!, std };
    } catch (e) {
      mean?.dispose();
      m2?.dispose();
      throw e;
    } finally {
      patched.forEach(restore => restore());
    }
  };
}
