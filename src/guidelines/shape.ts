/**
 * What the rules need to know about a model's shape: how many hidden layers (exactly, or at least), which layer
 * is the output and which activation it ends with, the activation each weight layer effectively feeds, whether it
 * is a plain dense stack. Unknown stays unknown: "at least", or undefined.
 */
import type { LayerKind, WeightFamily } from '../analysis/catalog';
import type { LayerSketch, ModelSketch } from '../analysis/model';

/** A value the rules may know, know to be left out (tfjs's default applies), or not know. */
export type Fact<T> = { state: 'known'; value: T } | { state: 'absent' } | { state: 'unknown' };

/**
 * What the rules read of a layer. The parsed sketch's layers (LayerSketch) have it, and so does the real model's
 * summary at fit start (modelCheck.ts): one judgement for both.
 */
export interface ShapeLayer {
  kind: LayerKind;
  family?: WeightFamily;
  factory: string;
  activation: Fact<string>;
  defaultActivation?: string;
  /** kernelInitializer (canonical name); undefined for layers the initializer table does not speak about */
  initializer?: Fact<{ name: string; scale?: number; mode?: string }>;
  units: Fact<number>;
  rate: Fact<number>;
}

export interface ShapeEntry<L extends ShapeLayer = LayerSketch> {
  layer?: L;
  count: number | 'maybe';
  /** with 'maybe': copies that are certain (a loop of unknown length counts once) */
  atLeast?: number;
}

export interface ShapeModel<L extends ShapeLayer = LayerSketch> {
  style: 'sequential' | 'functional';
  entries: ShapeEntry<L>[];
  complete: boolean;
  chain: boolean;
}

export interface EffectiveActivation<L extends ShapeLayer = LayerSketch> {
  /** undefined: not known statically */
  value?: string;
  /** the layer whose config states it (the weight layer itself, or an activation layer after it) */
  from: L;
  /** true when the activation is the factory's default (no `activation` key) */
  isDefault: boolean;
}

/** The layer type of a model description (LayerSketch for a parsed model). */
export type LayerOf<M extends ShapeModel<ShapeLayer>> = NonNullable<M['entries'][number]['layer']>;

export interface ModelShape<M extends ShapeModel<ShapeLayer> = ModelSketch> {
  model: M;
  /** hidden weight layers (dense/conv/recurrent; the output layer excluded): at least this many */
  hiddenMin: number;
  /** exactly this many, when every slot is known */
  hiddenExact?: number;
  /** the output's layers: the last weight layer and the activation layers after it; undefined if not known */
  output?: { weight: LayerOf<M>; activation: EffectiveActivation<LayerOf<M>> };
  /** 'yes': dense layers only (plus reshapes/dropout/activations/normalization), one chain */
  plainDense: 'yes' | 'no' | 'unknown';
  hasNormalization: boolean;
}

const isHiddenFamily = (l: ShapeLayer | undefined) => !!l && l.kind === 'weight' && l.family !== 'embedding';
const countOf = (e: ShapeEntry<ShapeLayer>) => (e.count === 'maybe' ? (e.atLeast ?? 0) : e.count);

export function shapeOf<M extends ShapeModel<ShapeLayer> = ModelSketch>(model: M): ModelShape<M> {
  type L = LayerOf<M>;
  const entries = model.entries as ShapeEntry<L>[];
  const allKnown = model.complete && entries.every(e => e.layer && e.count !== 'maybe');
  const weightSlots = entries.reduce((n, e) => n + (isHiddenFamily(e.layer) ? countOf(e) : 0), 0);
  const hiddenMin = Math.max(0, weightSlots - 1);
  const shape: ModelShape<M> = {
    model,
    hiddenMin,
    hiddenExact: allKnown ? hiddenMin : undefined,
    plainDense: 'unknown',
    hasNormalization: entries.some(e => e.layer?.kind === 'normalization'),
  };

  // the output: only when the last slots are known for sure
  if (model.complete && entries.length) {
    let w = entries.length - 1;
    while (
      w >= 0 &&
      entries[w].layer &&
      entries[w].count !== 'maybe' &&
      !isHiddenFamily(entries[w].layer) &&
      entries[w].layer!.kind !== 'merge' &&
      entries[w].layer!.kind !== 'other'
    )
      w--;
    const tailKnown = entries.slice(Math.max(w, 0)).every(e => e.layer && e.count !== 'maybe');
    if (w >= 0 && tailKnown && isHiddenFamily(entries[w].layer)) {
      shape.output = { weight: entries[w].layer!, activation: effectiveActivation(entries, w) };
    }
  }

  const kinds = entries.map(e => e.layer?.kind);
  if (
    entries.some(e => isHiddenFamily(e.layer) && e.layer!.family !== 'dense') ||
    kinds.includes('merge') ||
    (model.style === 'functional' && model.complete && !model.chain)
  )
    shape.plainDense = 'no';
  else if (allKnown && !kinds.includes('other') && model.chain) shape.plainDense = 'yes';
  return shape;
}

/**
 * The activation a weight layer's output goes through: its own, or — when it has none (linear) — the activation
 * layer that follows it, past normalization/dropout/reshape layers (dense -> batchNorm -> leakyReLU).
 */
export function effectiveActivation<L extends ShapeLayer>(
  entries: readonly ShapeEntry<L>[],
  index: number,
): EffectiveActivation<L> {
  const layer = entries[index].layer!;
  const own = ownActivation(layer);
  if (own.value !== 'linear') return own;
  for (let j = index + 1; j < entries.length; j++) {
    const e = entries[j];
    if (!e.layer || e.count === 'maybe') return { from: layer, isDefault: false };
    const k = e.layer.kind;
    if (k === 'activation') return { value: known(e.layer.activation), from: e.layer, isDefault: false };
    if (k === 'normalization' || k === 'dropout' || k === 'passThrough') continue;
    break;
  }
  return own;
}

export function ownActivation<L extends ShapeLayer>(layer: L): EffectiveActivation<L> {
  const a = layer.activation;
  if (a.state === 'known') return { value: a.value, from: layer, isDefault: false };
  if (a.state === 'absent') return { value: layer.defaultActivation, from: layer, isDefault: true };
  return { from: layer, isDefault: false };
}

function known<T>(k: Fact<T>): T | undefined {
  return k.state === 'known' ? k.value : undefined;
}

export interface Place<M extends ShapeModel<ShapeLayer> = ModelSketch> {
  shape: ModelShape<M>;
  index: number;
}

/** The model slot (and shape) of every layer that sits in a model; the first model wins for shared layers. */
export function placesOf<M extends ShapeModel<ShapeLayer>>(
  shapes: readonly ModelShape<M>[],
): Map<LayerOf<M>, Place<M>> {
  const places = new Map<LayerOf<M>, Place<M>>();
  for (const shape of shapes) {
    const entries = shape.model.entries;
    for (let index = 0; index < entries.length; index++) {
      const layer = entries[index].layer;
      if (layer && !places.has(layer)) places.set(layer, { shape, index });
    }
  }
  return places;
}

/** A hidden layer: a dense/conv/recurrent layer that another such layer certainly follows. */
export function isHidden<M extends ShapeModel<ShapeLayer>>(shape: ModelShape<M>, index: number): boolean {
  const entries = shape.model.entries;
  if (!isHiddenFamily(entries[index]?.layer)) return false;
  if (countOf(entries[index]) >= 2) return true; // a loop's copies follow one another
  for (let j = index + 1; j < entries.length; j++)
    if (isHiddenFamily(entries[j].layer) && countOf(entries[j]) >= 1) return true;
  return false;
}
