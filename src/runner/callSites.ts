/**
 * Where in the user's code each layer was built. The job sees tfjs through the runner's shim, whose `layers`
 * namespace wraps every factory (`tf.layers.dense(...)` etc.): the wrapper records the first user frame of the
 * call's stack (source-mapped) against the layer object. Findings can then point at the layer's own line.
 */
import type { SourceLocation } from '../protocol';
import type { Tf } from '../tf/types';
import { userLocation } from '../stack/frames';

const locations = new WeakMap<object, SourceLocation>();

export function layerLocation(layer: object): SourceLocation | undefined {
  return locations.get(layer);
}

/** A copy of the tf namespace for the job, with `layers.*` factories that remember their call site. */
export function tfForJob(tf: Tf, isUserFile: (file: string) => boolean): Tf {
  const layers: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(tf.layers)) {
    layers[name] =
      typeof value === 'function' && /^[a-z]/.test(name)
        ? function (this: unknown, ...args: unknown[]) {
            const layer = (value as (...a: unknown[]) => unknown).apply(this, args);
            if (layer && typeof layer === 'object') {
              const loc = userLocation(new Error().stack, isUserFile);
              if (loc) locations.set(layer, loc);
            }
            return layer;
          }
        : value;
  }
  return { ...tf, layers } as Tf;
}
