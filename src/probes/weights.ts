/**
 * Weight probe: the distribution of every trainable weight, read after a step (the values the next step starts
 * from). Taken every `histogramEvery` steps, like the gradient histograms, so the two line up on the step axis.
 * Reads asynchronously from the variables themselves: no copy, nothing computed on the backend.
 */
import type { Layer } from '../tf/types';
import { histogram, type Histogram } from './histogram';

export interface WeightHistogram extends Histogram {
  layer: string;
  variable: string;
}

export async function readWeightHistograms(layers: Layer[], bins = 30): Promise<WeightHistogram[]> {
  const out: WeightHistogram[] = [];
  for (const layer of layers) {
    for (const w of layer.trainableWeights) {
      const values = await w.read().data();
      out.push({ layer: layer.name, variable: w.name, ...histogram(values as Float32Array, bins) });
    }
  }
  return out;
}
