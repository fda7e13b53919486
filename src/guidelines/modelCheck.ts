/**
 * The guideline rules on the REAL model, at fit start: the layers tfjs built (class, activation, initializer, units,
 * where each was created), the compiled optimizer and loss. Covers what the parser cannot follow (models loaded
 * from JSON, helpers in other files, loops with computed bounds) with the same judgement as the lint rules
 * (judge.ts); findings carry `source: 'static'` and the lint rule's code, on the layer's line, else compile(.
 */
import type { FitStartEvent, Finding, LayerSummary, SourceLocation } from '../protocol/events';
import {
  layerInfo,
  canonicalActivation,
  canonicalInitializer,
  canonicalLoss,
  canonicalOptimizer,
} from '../analysis/catalog';
import { DEFAULT_LINT_SETTINGS, type LintSettings, type StaticCode } from './settings';
import { shapeOf, placesOf, effectiveActivation, isHidden, type Fact, type ShapeLayer, type ShapeModel } from './shape';
import {
  DEFAULT_SEVERITY,
  judgeInitializer,
  judgeModel,
  judgeOptimizer,
  type JudgeOptions,
  type Verdict,
} from './judge';

/** The codes the real model can be checked for (dropout rates and learning rates are not in the fit-start summary). */
export const FIT_START_CODES: ReadonlySet<StaticCode> = new Set<StaticCode>([
  'init-activation-mismatch',
  'constant-init',
  'selu-setup',
  'alpha-dropout-with-selu',
  'adagrad-deep',
  'saturating-hidden-activation',
  'deep-without-batchnorm',
  'output-activation-loss',
]);

interface RealLayer extends ShapeLayer {
  summary: LayerSummary;
}

/** tfjs class names whose factory is not the class name with a lower-case first letter. */
const FACTORY_OF_CLASS: Readonly<Record<string, string>> = {
  ELU: 'elu',
  PReLU: 'prelu',
  LSTM: 'lstm',
  GRU: 'gru',
  ConvLSTM2D: 'convLstm2d',
  Cropping2D: 'cropping2D',
};

/** `Conv2DTranspose` -> `conv2dTranspose`, `ReLU` -> `reLU`: the `tf.layers` factory a class is built by. */
export function factoryOfClass(className: string): string {
  return (
    (Object.hasOwn(FACTORY_OF_CLASS, className) ? FACTORY_OF_CLASS[className] : undefined) ??
    (className.slice(0, 1).toLowerCase() + className.slice(1)).replace(/(\d)D/g, '$1d')
  );
}

const UNKNOWN = { state: 'unknown' } as const;
const ABSENT = { state: 'absent' } as const;

/** The initializer as the runner names it (heNormal, Zeros, RandomNormal, varianceScaling(scale=2, mode=fanOut, ...)). */
function initializerFact(name: string | undefined): Fact<{ name: string; scale?: number; mode?: string }> {
  if (!name) return UNKNOWN;
  const vs = /^varianceScaling\(scale=([^,]+), mode=([^,]+),/.exec(name);
  if (vs) return { state: 'known', value: { name: 'varianceScaling', scale: Number(vs[1]), mode: vs[2] } };
  return { state: 'known', value: { name: canonicalInitializer(name.slice(0, 1).toLowerCase() + name.slice(1)) } };
}

export function realLayer(summary: LayerSummary): RealLayer {
  const factory = factoryOfClass(summary.className);
  const info = layerInfo(factory);
  let activation: Fact<string>;
  if (info.impliedActivation) activation = { state: 'known', value: info.impliedActivation };
  else if (summary.activation) activation = { state: 'known', value: canonicalActivation(summary.activation) };
  else activation = info.kind === 'activation' ? UNKNOWN : ABSENT;
  return {
    summary,
    factory,
    kind: info.kind,
    family: info.family,
    defaultActivation: info.defaultActivation,
    activation,
    initializer: info.initializerKey ? initializerFact(summary.initializer) : undefined,
    units: typeof summary.units === 'number' ? { state: 'known', value: summary.units } : UNKNOWN,
    rate: UNKNOWN,
  };
}

/**
 * Guideline findings for the model a fit starts on. Layers are in model order; a model with merge layers is a
 * graph (not a plain stack), so the rules that need a single chain stay silent on its shape.
 */
export function checkFitModel(
  e: Pick<FitStartEvent, 'layers' | 'optimizer' | 'loss' | 'location' | 'compileLocation'>,
  settings: LintSettings = DEFAULT_LINT_SETTINGS,
): Finding[] {
  const layers = e.layers.map(realLayer);
  const graph = layers.some(l => l.kind === 'merge');
  const model: ShapeModel<RealLayer> = {
    style: graph ? 'functional' : 'sequential',
    complete: true,
    chain: !graph,
    entries: layers.map(layer => ({ layer, count: 1 })),
  };
  const shape = shapeOf(model);
  const places = placesOf([shape]);
  const judge: JudgeOptions<RealLayer> = { settings, label: l => l.summary.name, layerNamespace: () => 'tf.layers' };
  const verdicts: Verdict<RealLayer>[] = [];
  for (const layer of layers) {
    const place = places.get(layer)!;
    const v = judgeInitializer(
      layer,
      effectiveActivation(model.entries, place.index),
      isHidden(shape, place.index),
      judge,
    );
    if (v) verdicts.push(v);
  }
  const loss = e.loss && !e.loss.includes(',') ? canonicalLoss(e.loss) : undefined;
  verdicts.push(...judgeModel(shape, judge, loss));
  const opt = judgeOptimizer(canonicalOptimizer(e.optimizer), shape, judge);
  if (opt) verdicts.push(opt);

  const compileSite = e.compileLocation ?? e.location;
  // one finding per code and line: the copies a loop made (or layers with no call site of their own) share it
  const byLine = new Map<string, { v: Verdict<RealLayer>; where: SourceLocation; labels: string[] }>();
  for (const v of verdicts) {
    if (!FIT_START_CODES.has(v.code) || settings.rules[v.code] === 'off') continue;
    const where: SourceLocation | undefined =
      'layer' in v.at ? (v.at.layer.summary.location ?? compileSite) : compileSite;
    if (!where) continue; // every finding says where: without a call site there is nothing to point at
    const key = `${v.code}|${where.file}:${where.line}`;
    const same = byLine.get(key);
    if (!same) byLine.set(key, { v, where, labels: v.label ? [v.label] : [] });
    else if (v.label && !same.labels.includes(v.label)) same.labels.push(v.label);
  }
  return [...byLine.values()].map(({ v, where, labels }) => ({
    code: v.code,
    severity: (settings.rules[v.code] as Finding['severity'] | undefined) ?? v.severity ?? DEFAULT_SEVERITY[v.code],
    source: 'static' as const,
    message: v.message,
    layer: v.label,
    file: where.file,
    range: { start: where },
    evidence: {
      ...v.evidence,
      ...(labels.length > 1 ? { layers: labels.join(', '), copies: labels.length } : {}),
      checked: 'model at fit start',
    },
    rule: v.rule,
  }));
}
