/**
 * A model's parameters split the way Keras' `summary()` prints them (Total / Trainable / Non-trainable params), and
 * its frozen layers: shared by the dashboard's model table and the CLI.
 */
import type { FitStartEvent } from './events';

export interface ParamSplit {
  total: number;
  /** undefined for logs written before fit-start carried the split */
  trainable?: number;
  nonTrainable?: number;
}

export function paramSplit(fit: Pick<FitStartEvent, 'totalParams' | 'trainableParams'>): ParamSplit {
  if (fit.trainableParams === undefined) return { total: fit.totalParams };
  return {
    total: fit.totalParams,
    trainable: fit.trainableParams,
    nonTrainable: Math.max(0, fit.totalParams - fit.trainableParams),
  };
}

/** Names of the layers frozen in this fit (`layer.trainable = false`). */
export function frozenLayers(fit: Pick<FitStartEvent, 'layers'>): string[] {
  return fit.layers.filter(l => l.trainable === false).map(l => l.name);
}

/** "995 params (944 non-trainable, 3 frozen layers)"; numbers formatted by the caller's `int`. */
export function describeParams(
  fit: Pick<FitStartEvent, 'totalParams' | 'trainableParams' | 'layers'>,
  int: (n: number) => string,
): string {
  const { total, nonTrainable } = paramSplit(fit);
  const frozen = frozenLayers(fit).length;
  const notes = [
    ...(nonTrainable ? [`${int(nonTrainable)} non-trainable`] : []),
    ...(frozen ? [`${frozen} frozen layer${frozen > 1 ? 's' : ''}`] : []),
  ];
  return `${int(total)} params${notes.length ? ` (${notes.join(', ')})` : ''}`;
}
