/** A whole playground picture: the surface's grid and contour levels, and the eight optimizers' paths on it. */
import type { Tf } from '../tf/types';
import { OPTIMIZER_IDS, type PlaygroundRequest, type PlaygroundResult } from '../protocol/playground';
import { SURFACES, surfaceInfo } from './surfaces';
import { surfaceGrid } from './contour';
import { optimizerFactories } from './optimizers';
import { learningRate, tracePath } from './paths';

export function computePlayground(tf: Tf, req: PlaygroundRequest): PlaygroundResult {
  const t0 = performance.now();
  const s = SURFACES[req.surface];
  const factories = optimizerFactories(tf);
  const paths = OPTIMIZER_IDS.map(id => tracePath(tf, s, id, factories[id], learningRate(s, req, id), req.steps));
  return {
    request: req,
    surface: surfaceInfo(s),
    grid: surfaceGrid(s),
    paths,
    backend: tf.getBackend(),
    computeMs: performance.now() - t0,
  };
}
