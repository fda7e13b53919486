/**
 * Static rules: model sketch -> findings (the one schema, src/protocol). Each finding says why in Training Lens's
 * own words, names its table or paper in `rule`, and carries quick fixes as text edits where a fix is unambiguous
 * enough to offer. Rules stay silent on anything the sketch marks unknown.
 */
import ts from 'typescript';
import type { Finding } from '../protocol/events';
import type { FileSketch, LayerSketch, CompileSketch, OptimizerRef } from '../analysis/model';
import { DEFAULT_KERNEL_INITIALIZER, STRING_OPTIMIZER_LR, FACTORY_OPTIMIZER_LR } from '../analysis/catalog';
import { namespaceText } from '../analysis/tfjs';
import {
  SOURCES, initRowForActivation, initRowForFamily, initializerScaling, optimizerRow, SATURATING, REGULARIZATION,
  type InitRow,
} from './tables';
import { DEFAULT_LINT_SETTINGS, STATIC_CODES, type LintSettings, type StaticCode, type Severity } from './settings';
import { shapeOf, placesOf, effectiveActivation, ownActivation, isHidden, type ModelShape, type EffectiveActivation, type Place } from './shape';

// TypeScript 5's CommonJS exports are getters: bind what the hot paths call once, not on every node
const {
  isExpressionStatement,
} = ts;
import {
  rangeOf, replaceNode, setConfigProperty, removeConfigProperty, stringLiteral, layerNamespaceText, insertAfterElement, insertAfterStatement,
  type Fix, type TextEdit,
} from './edits';

// rule citations shared by many findings: built once
const RULE_SELU_INIT = `${SOURCES.initTable}; ${SOURCES.selu}`;
const RULE_SELU_SETUP = `${SOURCES.selfNormalizingConfig}; ${SOURCES.selu}`;
const RULE_ALPHA_DROPOUT = `${SOURCES.dropout}; ${SOURCES.selu}`;
const RULE_BATCH_NORM = `${SOURCES.defaultConfig}; ${SOURCES.batchNorm}`;
const RULE_OPTIMIZER = `${SOURCES.optimizerTable}; ${SOURCES.defaultConfig}`;
const RULE_SATURATING = `${SOURCES.vanishing}; ${SOURCES.activationRanking}`;
const RULE_DROPOUT_ABOVE = `${REGULARIZATION.dropout.source}; ${SOURCES.umlaut}`;

const CODE_INDEX = Object.fromEntries(STATIC_CODES.map((c, i) => [c, i])) as Record<StaticCode, number>;

export const DEFAULT_SEVERITY: Readonly<Record<StaticCode, Severity>> = {
  'init-activation-mismatch': 'warning',
  'constant-init': 'error',
  'selu-setup': 'warning',
  'alpha-dropout-with-selu': 'warning',
  'adagrad-deep': 'warning',
  'dropout-rate': 'warning',
  'saturating-hidden-activation': 'warning',
  'deep-without-batchnorm': 'info',
  'output-activation-loss': 'error',
  'lr-range': 'warning',
  'optimizer-default': 'info',
};

/**
 * Whether a fix is the obvious one (VS Code's "preferred" quick fix, applied by Auto Fix): the only fix of a finding
 * that does not flag its fixes as a design choice (evidence.choice).
 */
export function isPreferredFix(finding: Finding, index: number): boolean {
  return index === 0 && (finding.fixes?.length ?? 0) >= 1 && finding.evidence.choice !== true;
}

/**
 * What a finding's fix will do, as plain data: the edits are built only when fixes are asked for (the editor's
 * diagnostics never need them; its lightbulb does).
 */
type FixSpec =
  | { kind: 'initializer'; layer: LayerSketch; target: string; why: 'constant' | 'mismatch' | 'selu'; row?: InitRow; activation?: string }
  | { kind: 'alpha-dropout'; layer: LayerSketch }
  | { kind: 'elu-he'; layer: LayerSketch }
  | { kind: 'batch-norm'; shape: ModelShape }
  | { kind: 'output-activation'; layer: LayerSketch; value: string }
  /** momentum (the default configuration's optimizer), and RMSProp as a second choice when `rmsprop` */
  | { kind: 'optimizer'; opt: OptimizerRef; rmsprop: boolean };

/** A finding before it is placed. */
type Draft = Omit<Finding, 'severity' | 'source' | 'file' | 'fixes'> & { severity?: Severity; node: ts.Node; endNode?: ts.Node; fix?: FixSpec };

export interface LintOptions {
  /** build the quick-fix edits (default true); the editor asks for them only when the lightbulb does */
  fixes?: boolean;
}

export function lintSketch(sketch: FileSketch, settings: LintSettings = DEFAULT_LINT_SETTINGS, options: LintOptions = {}): Finding[] {
  if (!sketch.importsTfjs) return [];
  const shapes = sketch.models.map(shapeOf);
  const ctx: Ctx = { sketch, settings, shapes, places: placesOf(shapes), drafts: [], withFixes: options.fixes !== false, messages: new Map() };
  for (const layer of sketch.layers) layerRules(ctx, layer);
  for (const shape of shapes) modelRules(ctx, shape);
  for (const c of sketch.compiles) compileRules(ctx, c, c.model ? shapes[sketch.models.indexOf(c.model)] : undefined);
  return finish(ctx);
}

interface Ctx {
  sketch: FileSketch; settings: LintSettings; shapes: ModelShape[]; places: Map<LayerSketch, Place>; drafts: Draft[]; withFixes: boolean;
  /** message texts by the values they depend on: a file repeats the same few situations many times */
  messages: Map<string, string>;
}

function finish(ctx: Ctx): Finding[] {
  const sf = ctx.sketch.sourceFile;
  const seen = new Set<number>();
  const out: Finding[] = [];
  for (const d of ctx.drafts) {
    const code = d.code as StaticCode;
    const override = ctx.settings.rules[code];
    if (override === 'off') continue;
    const start = d.node.getStart(sf);
    const key = start * 16 + CODE_INDEX[code]; // the same finding reached twice (a layer shared by two models)
    if (seen.has(key)) continue;
    seen.add(key);
    // one object shape for every finding (no spread, fixed key order): V8 keeps it on the fast path
    const finding: Finding = {
      code,
      severity: override ?? d.severity ?? DEFAULT_SEVERITY[code],
      source: 'static',
      message: d.message,
      layer: d.layer,
      file: sf.fileName,
      range: rangeOf(sf, start, (d.endNode ?? d.node).getEnd()),
      evidence: d.evidence,
      rule: d.rule,
      fixes: undefined,
    };
    if (ctx.withFixes && d.fix) {
      const fixes = buildFixes(ctx.sketch, d.fix);
      if (fixes.length) finding.fixes = fixes;
    }
    out.push(finding);
  }
  return out.sort((a, b) => a.range!.start.line - b.range!.start.line || (a.range!.start.column ?? 0) - (b.range!.start.column ?? 0) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/** Turns a fix spec into text edits; a spec that turns out not to be safely editable gives no fix. */
function buildFixes(sketch: FileSketch, spec: FixSpec): Fix[] {
  const out: (Fix | undefined)[] = [];
  switch (spec.kind) {
    case 'initializer': {
      const detail = spec.why === 'selu' ? 'LeCun initialization for SELU'
        : spec.why === 'mismatch' ? `${spec.row!.label} initialization for ${spec.activation}`
          : spec.row ? `${spec.row.label}, recommended for ${spec.activation}` : 'the tfjs default';
      out.push(initializerFix(sketch, spec.layer, spec.target, `Use ${spec.target} (${detail})`));
      break;
    }
    case 'alpha-dropout': out.push(alphaDropoutFix(sketch, spec.layer)); break;
    case 'elu-he': {
      const a = setConfigProperty(sketch, spec.layer, 'activation', stringLiteral(sketch, 'elu'));
      const k = setConfigProperty(sketch, spec.layer, 'kernelInitializer', stringLiteral(sketch, 'heNormal'));
      if (a && k && !overlaps(a, k)) out.push({ title: 'Use ELU with He initialization (the default configuration)', edits: [a, k] });
      break;
    }
    case 'batch-norm': out.push(batchNormFix(sketch, spec.shape)); break;
    case 'output-activation': {
      const target = spec.layer;
      const value = stringLiteral(sketch, spec.value);
      let edit: TextEdit | undefined;
      if (target.kind === 'activation' && target.factory !== 'activation') {
        // reLU()/softmax() layers have no activation key: swap in an activation layer
        const ns = layerNamespaceText(sketch, target);
        if (ns) edit = replaceNode(sketch.sourceFile, target.call, `${ns}.activation({ activation: ${value} })`);
      } else edit = setConfigProperty(sketch, target, 'activation', value);
      const title = spec.value === 'linear' ? 'Output logits: set the output activation to linear' : `Set the output activation to ${spec.value}`;
      if (edit) out.push({ title, edits: [edit] });
      break;
    }
    case 'optimizer': {
      const { opt } = spec;
      const momentum = optimizerExpression(sketch, 'momentum', opt);
      if (momentum) out.push({ title: `Use momentum optimization: ${momentum}`, edits: [replaceNode(sketch.sourceFile, opt.node, momentum)] });
      if (spec.rmsprop) {
        const rms = opt.form === 'string' ? stringLiteral(sketch, 'rmsprop') : optimizerExpression(sketch, 'rmsprop', opt);
        if (rms) out.push({ title: `Use RMSProp: ${rms}`, edits: [replaceNode(sketch.sourceFile, opt.node, rms)] });
      }
      break;
    }
  }
  return out.filter((f): f is Fix => f !== undefined);
}

// ---- naming ----

export function layerLabel(layer: LayerSketch): string {
  return layer.name.state === 'known' ? layer.name.value : `${layer.factory} (layer ${layer.id + 1} in this file)`;
}

/** `tf.layers.dense`: where layer findings point (one line, the call's start). */
function calleeNode(layer: LayerSketch): ts.Node { return layer.call.expression; }

const cite = (source: string) => ` [${source}]`;

// ---- G1: initializers ----

/** The initializer the table recommends, keeping the layer's normal/uniform choice when it made one. */
export function recommendedInitializer(row: InitRow, current?: string): string {
  if (row.family === 'lecun') return row.tfjsNormal; // SELU's self-normalization is derived for LeCun normal
  if (current && /Uniform$/.test(current)) return row.tfjsUniform;
  if (current && /Normal$/.test(current)) return row.tfjsNormal;
  return row.suggested;
}

const SEED_ONLY = new Set(['glorotNormal', 'glorotUniform', 'heNormal', 'heUniform', 'leCunNormal', 'leCunUniform']);

/** Fix: set kernelInitializer. `tf.initializers.glorotUniform({ seed })` is renamed in place so the seed stays. */
export function initializerFix(sketch: FileSketch, layer: LayerSketch, target: string, title: string): Fix | undefined {
  const init = layer.initializer;
  let edit: TextEdit | undefined;
  const cfg = layer.config;
  const prop = cfg?.props.get('kernelInitializer');
  const written = cfg?.inline && prop && prop !== 'unknown' && prop.inline;
  if (init?.state === 'known' && init.value.form === 'factory' && SEED_ONLY.has(init.value.name) && init.value.nameNode && written
    && init.node.getStart(sketch.sourceFile) <= init.value.nameNode.getStart(sketch.sourceFile) && init.value.nameNode.getEnd() <= init.node.getEnd()) {
    edit = replaceNode(sketch.sourceFile, init.value.nameNode, target);
  } else {
    edit = setConfigProperty(sketch, layer, 'kernelInitializer', stringLiteral(sketch, target));
  }
  return edit ? { title, edits: [edit] } : undefined;
}

function initName(layer: LayerSketch): { name?: string; isDefault: boolean; scaling?: ReturnType<typeof initializerScaling> } {
  const init = layer.initializer;
  if (!init || init.state === 'unknown') return { isDefault: false };
  if (init.state === 'absent') return { name: DEFAULT_KERNEL_INITIALIZER, isDefault: true, scaling: 'glorot' };
  return { name: init.value.name, isDefault: false, scaling: initializerScaling(init.value.name, init.value) };
}

function activationOf(ctx: Ctx, layer: LayerSketch): EffectiveActivation {
  const place = ctx.places.get(layer);
  return place ? effectiveActivation(place.shape.model.entries, place.index) : ownActivation(layer);
}

/** Hidden SELU layers of a model get the fuller selu-setup finding instead. */
function coveredBySeluSetup(ctx: Ctx, layer: LayerSketch): boolean {
  const place = ctx.places.get(layer);
  return !!place && isHidden(place.shape, place.index);
}

function layerRules(ctx: Ctx, layer: LayerSketch): void {
  const { settings } = ctx;
  if (layer.kind === 'weight' && layer.initializer) {
    const act = activationOf(ctx, layer);
    const init = initName(layer);
    const row = act.value ? initRowForActivation(act.value) : undefined;
    const actText = act.value === 'linear' && act.isDefault ? 'linear (no activation)' : act.value;
    if (init.scaling === 'constant') {
      const target = row ? recommendedInitializer(row) : DEFAULT_KERNEL_INITIALIZER;
      const key = `constant|${init.name}|${row ? target : ''}|${actText}`;
      let message = ctx.messages.get(key);
      if (message === undefined) {
        message = `The kernel starts as ${init.name === 'zeros' ? 'all zeros' : init.name === 'ones' ? 'all ones' : 'a constant'}: every unit computes the same output, receives the same gradient and stays a copy of the others, so the layer learns like a single unit. Use a random initializer scaled for the activation${row ? ` (${target} for ${actText})` : ''}.${cite(SOURCES.initExperiments)}`;
        ctx.messages.set(key, message);
      }
      ctx.drafts.push({
        code: 'constant-init', node: layer.initializer.state === 'known' ? layer.initializer.node : calleeNode(layer), layer: layerLabel(layer),
        message,
        evidence: { initializer: init.name!, activation: act.value ?? null, recommended: target, choice: !row },
        rule: SOURCES.initExperiments,
        fix: { kind: 'initializer', layer, target, why: 'constant', row, activation: actText },
      });
    } else if (row && init.scaling && init.scaling !== 'other' && init.scaling !== row.family && !(row.family === 'lecun' && coveredBySeluSetup(ctx, layer))) {
      const target = recommendedInitializer(row, init.isDefault ? undefined : init.name);
      const key = `mismatch|${actText}|${init.name}|${init.isDefault}|${target}`;
      let message = ctx.messages.get(key);
      if (message === undefined) {
        const current = init.isDefault ? `${init.name} (the tfjs default when no kernelInitializer is given)` : init.name;
        const scaling = init.scaling;
        const why = scaling === 'fixed-scale'
          ? `${init.name} draws weights with a fixed spread whatever the layer width, so activations shrink or blow up with depth${act.value === 'sigmoid' ? ' (with a spread of 1, sigmoid outputs pile up at 0 and 1 and their gradients vanish)' : ''}.`
          : `${initRowForFamily(scaling).label} scaling is derived for ${initRowForFamily(scaling).activationsText}, not for ${actText}.`;
        message = `This ${actText} layer starts from ${current}. ${why} The initializer table pairs ${row.activationsText} with ${row.label} initialization (normal variance ${row.normalVariance}): ${target}.${cite(row.source)}`;
        ctx.messages.set(key, message);
      }
      ctx.drafts.push({
        code: 'init-activation-mismatch', node: calleeNode(layer), layer: layerLabel(layer),
        message,
        evidence: { activation: act.value!, initializer: init.name!, initializerIsDefault: init.isDefault, recommended: target, activationFrom: act.from === layer ? 'layer' : act.from.factory },
        rule: row.source,
        fix: { kind: 'initializer', layer, target, why: 'mismatch', row, activation: act.value },
      });
    }
  }
  if (layer.kind === 'dropout' && layer.rate.state === 'known') {
    const rate = layer.rate.value;
    const { dropoutRateMin: lo, dropoutRateMax: hi } = settings;
    if (rate < 0 || rate >= 1) {
      ctx.drafts.push({
        code: 'dropout-rate', severity: 'error', node: layer.rate.node, layer: layerLabel(layer),
        message: `Dropout rate ${rate} is not a probability below 1: ${rate >= 1 ? 'every unit would be dropped' : 'a negative rate means nothing'}. Rates between ${lo} and ${hi} are the usual range.${cite(REGULARIZATION.dropout.source)}`,
        evidence: { rate, min: lo, max: hi }, rule: REGULARIZATION.dropout.source,
      });
    } else if (rate > hi) {
      const key = `dropout-above|${rate}|${lo}|${hi}`;
      let message = ctx.messages.get(key);
      if (message === undefined) {
        message = `Dropout rate ${rate} drops more than ${Math.round(hi * 100)}% of the units each step: the layer's remaining units have to carry the signal alone and training slows or underfits. The usual range is ${lo}-${hi} (up to 0.5 for CNNs, 0.2-0.3 for recurrent nets); UMLAUT also flags rates above 0.5.${cite(REGULARIZATION.dropout.source)}`;
        ctx.messages.set(key, message);
      }
      ctx.drafts.push({
        code: 'dropout-rate', node: layer.rate.node, layer: layerLabel(layer),
        message,
        evidence: { rate, min: lo, max: hi }, rule: RULE_DROPOUT_ABOVE,
      });
    } else if (rate < lo) {
      ctx.drafts.push({
        code: 'dropout-rate', severity: 'info', node: layer.rate.node, layer: layerLabel(layer),
        message: `Dropout rate ${rate} is below ${lo}: it barely regularizes. Typical rates are ${lo}-${hi}; if the model does not overfit, the layer can go.${cite(REGULARIZATION.dropout.source)}`,
        evidence: { rate, min: lo, max: hi }, rule: REGULARIZATION.dropout.source,
      });
    }
  }
}

// ---- model rules: SELU, depth, output/loss ----

function modelRules(ctx: Ctx, shape: ModelShape): void {
  const { sketch, settings } = ctx;
  const model = shape.model;
  const entries = model.entries;
  const deep = shape.hiddenMin > settings.deepHiddenLayers;
  const hiddenActs = entries.map((e, i) => (e.layer && isHidden(shape, i) ? effectiveActivation(entries, i) : undefined));
  const seluLayers = entries.filter((e, i) => hiddenActs[i]?.value === 'selu').map(e => e.layer!);
  const selu = seluLayers.length > 0;

  if (selu) {
    for (const layer of new Set(seluLayers)) {
      const init = initName(layer);
      if (init.scaling && init.scaling !== 'lecun' && init.scaling !== 'other') {
        const row = initRowForFamily('lecun');
        const key = `selu-init|${init.name}|${init.isDefault}`;
        let message = ctx.messages.get(key);
        if (message === undefined) {
          message = `SELU only keeps each layer's outputs at mean 0 and variance 1 when the weights start with LeCun normal initialization (variance 1/fan_in); this layer uses ${init.isDefault ? `${init.name} (the tfjs default)` : init.name}. Set kernelInitializer to leCunNormal.${cite(SOURCES.selu)}`;
          ctx.messages.set(key, message);
        }
        ctx.drafts.push({
          code: 'selu-setup', node: calleeNode(layer), layer: layerLabel(layer),
          message,
          evidence: { activation: 'selu', initializer: init.name!, initializerIsDefault: init.isDefault, recommended: row.tfjsNormal, problem: 'initializer' },
          rule: RULE_SELU_INIT,
          fix: { kind: 'initializer', layer, target: row.tfjsNormal, why: 'selu' },
        });
      }
    }
    for (const e of entries) {
      if (e.layer?.kind === 'normalization' && e.layer.factory === 'batchNormalization') {
        ctx.drafts.push({
          code: 'selu-setup', node: calleeNode(e.layer), layer: layerLabel(e.layer),
          message: `Batch normalization in a SELU network: SELU is meant to normalize the activations by itself, and the self-normalizing configuration uses no batch norm. Keep one of the two: SELU with LeCun init and no batch norm, or ELU/ReLU with He init and batch norm.${cite(SOURCES.selfNormalizingConfig)}`,
          evidence: { activation: 'selu', problem: 'batch-norm' }, rule: RULE_SELU_SETUP,
        });
      }
      if (e.layer?.kind === 'dropout' && e.layer.factory === 'dropout') {
        const ns = layerNamespaceText(sketch, e.layer);
        const key = `alpha|${ns}`;
        let message = ctx.messages.get(key);
        if (message === undefined) {
          message = `Ordinary dropout in a SELU network zeroes units and rescales the rest, which shifts the mean and variance SELU relies on. Alpha dropout drops units to SELU's negative saturation value and keeps mean and variance intact: use ${ns ? ns + '.' : ''}alphaDropout with the same rate.${cite(SOURCES.selu)}`;
          ctx.messages.set(key, message);
        }
        ctx.drafts.push({
          code: 'alpha-dropout-with-selu', node: calleeNode(e.layer), layer: layerLabel(e.layer),
          message,
          evidence: { activation: 'selu', rate: e.layer.rate.state === 'known' ? e.layer.rate.value : null },
          rule: RULE_ALPHA_DROPOUT,
          fix: ns !== undefined ? { kind: 'alpha-dropout', layer: e.layer } : undefined,
        });
      }
    }
    if (shape.plainDense === 'no') {
      const first = seluLayers[0];
      ctx.drafts.push({
        code: 'selu-setup', severity: 'info', node: calleeNode(first), layer: layerLabel(first),
        message: `SELU's self-normalization is proven for a plain stack of dense layers; this model ${entries.some(x => x.layer?.family === 'conv' || x.layer?.family === 'recurrent') ? 'has convolutional or recurrent layers' : 'is not a single chain (branches or merges)'}, so SELU may not keep activations normalized here. The default configuration (ELU or ReLU, He init, batch norm when deep) is the safer choice.${cite(SOURCES.selu)}`,
        evidence: { activation: 'selu', problem: 'not-plain-dense' }, rule: RULE_SELU_SETUP,
      });
    }
  }

  if (deep) {
    for (let i = 0; i < entries.length; i++) {
      const act = hiddenActs[i];
      const layer = entries[i].layer;
      if (!act?.value || !layer || !SATURATING.has(act.value) || layer.family === 'recurrent') continue;
      // only when the activation is written in this layer's config (not in an activation layer after it)
      const ownActivationWritten = act.from === layer && layer.activation.state === 'known';
      const key = `saturating|${act.value}|${shape.hiddenMin}`;
      let message = ctx.messages.get(key);
      if (message === undefined) {
        message = `${act.value} saturates: for large inputs its slope is almost 0, and in a stack of ${shape.hiddenMin}+ hidden layers these small slopes multiply until the first layers barely learn (vanishing gradients). Hidden layers of deep nets do better with non-saturating activations: the default configuration uses ELU with He initialization (ReLU or leaky ReLU also work).${cite(SOURCES.vanishing)}`;
        ctx.messages.set(key, message);
      }
      ctx.drafts.push({
        code: 'saturating-hidden-activation', node: calleeNode(layer), layer: layerLabel(layer),
        message,
        evidence: { activation: act.value, hiddenLayers: shape.hiddenMin, deepAbove: settings.deepHiddenLayers, choice: true },
        rule: RULE_SATURATING,
        fix: ownActivationWritten ? { kind: 'elu-he', layer } : undefined,
      });
    }
    if (!shape.hasNormalization && !selu) {
      ctx.drafts.push({
        code: 'deep-without-batchnorm', node: model.nameNode, layer: undefined,
        message: `${shape.hiddenExact ?? `At least ${shape.hiddenMin}`} hidden layers and no batch normalization. For deep nets the default configuration adds batch norm after the hidden layers: it keeps each layer's inputs centred and scaled, makes training less sensitive to the initialization, and tolerates larger learning rates. (Shallow nets need none; "deep" here means more than ${settings.deepHiddenLayers} hidden layers.)${cite(SOURCES.defaultConfig)}`,
        evidence: { hiddenLayers: shape.hiddenMin, deepAbove: settings.deepHiddenLayers },
        rule: RULE_BATCH_NORM,
        fix: { kind: 'batch-norm', shape },
      });
    }
  }

  if (model.compile) outputRule(ctx, shape, model.compile);
}

/** dropout -> alphaDropout, same rate; alphaDropout takes no `seed`, so a seed written in place is dropped. */
function alphaDropoutFix(sketch: FileSketch, layer: LayerSketch): Fix | undefined {
  const edits = [replaceNode(sketch.sourceFile, layer.nameNode, 'alphaDropout')];
  const cfg = layer.config;
  if (cfg?.openEnded) return undefined;
  if (cfg?.props.has('seed')) {
    const removal = removeConfigProperty(sketch, layer, 'seed');
    if (!removal) return undefined;
    edits.push(removal);
  }
  return { title: 'Use alphaDropout (keeps SELU\'s mean and variance)', edits };
}

function overlaps(a: TextEdit, b: TextEdit): boolean {
  const key = (l: { line: number; column?: number }) => l.line * 1e6 + (l.column ?? 0);
  return key(a.start) < key(b.end) && key(b.start) < key(a.end) || key(a.start) === key(b.start);
}

/** Batch norm after every hidden layer, when the model's layers are written in one array or as model.add calls. */
function batchNormFix(sketch: FileSketch, shape: ModelShape): Fix | undefined {
  const model = shape.model;
  if (!model.complete) return undefined;
  const edits: TextEdit[] = [];
  for (let i = 0; i < model.entries.length; i++) {
    const e = model.entries[i];
    if (!isHidden(shape, i)) continue;
    if (e.count !== 1 || !e.layer) return undefined;
    const ns = layerNamespaceText(sketch, e.layer);
    if (!ns) return undefined;
    // right after the layer: before or after its activation both work (the book shows both)
    if (e.via === 'array' && model.layersArray && e.node.parent === model.layersArray) {
      edits.push(insertAfterElement(sketch, e.node, `${ns}.batchNormalization()`));
    } else if (e.via === 'add' && isExpressionStatement(e.node)) {
      const call = e.node.expression as ts.CallExpression;
      const receiver = (call.expression as ts.PropertyAccessExpression).expression.getText(sketch.sourceFile);
      edits.push(insertAfterStatement(sketch, e.node, `${receiver}.add(${ns}.batchNormalization());`));
    } else return undefined;
  }
  return edits.length ? { title: 'Insert batch normalization after each hidden layer', edits } : undefined;
}

const PROBABILITY_LOSSES: Readonly<Record<string, 'softmax' | 'sigmoid'>> = {
  categoricalCrossentropy: 'softmax', sparseCategoricalCrossentropy: 'softmax', binaryCrossentropy: 'sigmoid', logLoss: 'sigmoid',
};
const LOGIT_LOSSES: Readonly<Record<string, 'softmax' | 'sigmoid'>> = { softmaxCrossEntropy: 'softmax', sigmoidCrossEntropy: 'sigmoid' };

function outputRule(ctx: Ctx, shape: ModelShape, compile: CompileSketch): void {
  if (compile.loss.state !== 'known' || !shape.output) return;
  const loss = compile.loss.value.name;
  const out = shape.output;
  const act = out.activation.value;
  if (act === undefined) return;
  const units = out.weight.units.state === 'known' ? out.weight.units.value : undefined;
  const wants = PROBABILITY_LOSSES[loss];
  const logits = LOGIT_LOSSES[loss];
  const target = out.activation.from;
  const base = { layer: layerLabel(out.weight), rule: SOURCES.outputLayer };
  const actText = act === 'linear' ? 'no activation (linear)' : act;
  if (wants && act !== wants) {
    const severity: Severity = wants === 'sigmoid' && act === 'softmax' && units !== 1 ? 'warning' : 'error';
    const why = wants === 'softmax'
      ? `${loss} compares the true class distribution with predicted probabilities, so the output layer must produce a distribution (non-negative, summing to 1): softmax. With ${actText} the loss is computed on values that are not probabilities.`
      : act === 'softmax' && units === 1
        ? `${loss} expects one probability per output from a sigmoid. A softmax over a single unit always outputs 1, so the loss cannot decrease.`
        : `${loss} expects each output to be a probability in (0, 1), which is what a sigmoid gives. With ${actText} the outputs are not such probabilities.`;
    ctx.drafts.push({
      ...base, code: 'output-activation-loss', severity, node: calleeNode(target),
      message: `${why} For ${wants === 'softmax' ? 'single-label multi-class classification the output layer uses softmax' : 'binary (or multi-label) classification the output layer uses sigmoid'}.${cite(SOURCES.outputLayer)}`,
      evidence: { loss, outputActivation: act, expected: wants, units: units ?? null },
      fix: { kind: 'output-activation', layer: target, value: wants },
    });
  } else if (logits && act === logits) {
    ctx.drafts.push({
      ...base, code: 'output-activation-loss', severity: 'warning', node: calleeNode(target),
      message: `${loss} applies ${logits} itself and expects raw scores (logits); the output layer applies ${logits} too, so the loss sees ${logits}(${logits}(x)) and its gradients shrink. Leave the output linear, or use the probability loss (${logits === 'softmax' ? 'categoricalCrossentropy' : 'binaryCrossentropy'}).${cite(SOURCES.outputLayer)}`,
      evidence: { loss, outputActivation: act, expected: 'linear' },
      fix: { kind: 'output-activation', layer: target, value: 'linear' },
    });
  }
}

// ---- compile rules: optimizer and learning rate ----

function optimizerExpression(sketch: FileSketch, name: 'momentum' | 'rmsprop', opt: OptimizerRef): string | undefined {
  const train = namespaceText(sketch.imports, 'train');
  const lrText = opt.lr.state === 'known' ? opt.lr.node.getText(sketch.sourceFile)
    : opt.lr.state === 'absent' ? String((opt.form === 'string' ? STRING_OPTIMIZER_LR : FACTORY_OPTIMIZER_LR)[opt.name] ?? 0.01) : undefined;
  if (!train || lrText === undefined) return undefined;
  return name === 'momentum' ? `${train}.momentum(${lrText}, 0.9)` : `${train}.rmsprop(${lrText})`;
}

function compileRules(ctx: Ctx, compile: CompileSketch, shape: ModelShape | undefined): void {
  const { settings } = ctx;
  if (compile.optimizer.state !== 'known') return;
  const opt = compile.optimizer.value;
  const deep = shape ? shape.hiddenMin > settings.deepHiddenLayers : false;
  const fix: FixSpec | undefined = opt.inline ? { kind: 'optimizer', opt, rmsprop: opt.name === 'adagrad' } : undefined;

  if (opt.name === 'adagrad') {
    if (deep) {
      ctx.drafts.push({
        code: 'adagrad-deep', node: opt.node, layer: undefined,
        message: `AdaGrad divides each step by the root of all squared gradients seen so far, so its learning rate only ever shrinks; on deep networks it typically slows to a halt before reaching a good minimum (convergence quality ★☆☆ in the optimizer table). This model has ${shape!.hiddenExact ?? `at least ${shape!.hiddenMin}`} hidden layers. The default configuration uses momentum optimization (or RMSProp, Nadam).${cite(SOURCES.optimizerTable)}`,
        evidence: { optimizer: 'adagrad', hiddenLayers: shape!.hiddenMin, deepAbove: settings.deepHiddenLayers },
        rule: RULE_OPTIMIZER,
        fix,
      });
    } else {
      ctx.drafts.push({
        code: 'optimizer-default', node: opt.node, layer: undefined,
        message: `AdaGrad is fast at first but its effective learning rate keeps shrinking (quality ★☆☆ in the optimizer table); fine for simple problems, not for deeper nets. The default configuration's optimizer is momentum (or RMSProp, Nadam).${cite(SOURCES.optimizerTable)}`,
        evidence: { optimizer: 'adagrad', choice: true }, rule: RULE_OPTIMIZER,
        fix,
      });
    }
  } else if (opt.name === 'sgd') {
    ctx.drafts.push({
      code: 'optimizer-default', node: opt.node, layer: undefined,
      message: `Plain SGD reaches good minima but slowly (speed ★☆☆ in the optimizer table). Momentum optimization (β = 0.9) keeps the quality and converges faster; it is the default configuration's optimizer.${cite(SOURCES.optimizerTable)}`,
      evidence: { optimizer: 'sgd' }, rule: RULE_OPTIMIZER,
      fix,
    });
  }

  if (opt.form === 'factory' && opt.lr.state === 'known' && opt.name !== 'adadelta') {
    const lr = opt.lr.value;
    const { learningRateMin: lo, learningRateMax: hi } = settings;
    if (lr > hi || lr < lo || !(lr > 0)) {
      const row = optimizerRow(opt.name, opt.nesterov?.state === 'known' ? opt.nesterov.value : undefined);
      ctx.drafts.push({
        code: 'lr-range', node: opt.lr.node, layer: undefined,
        severity: lr <= 0 ? 'error' : undefined,
        message: lr <= 0
          ? `Learning rate ${lr}: the weights would not move (or would move uphill).${cite(SOURCES.umlaut)}`
          : `Learning rate ${lr} is ${lr > hi ? `above ${hi}` : `below ${lo}`}, outside the range UMLAUT treats as typical (${lo}-${hi}); ${lr > hi ? 'large steps tend to make the loss oscillate or diverge' : 'steps this small barely change the weights'}.${row?.defaults ? ` The table's ${row.label} default: ${row.defaults}.` : ''} If it is intended (e.g. with a schedule), adjust trainingLens.lint.learningRateMax/Min.${cite(SOURCES.umlaut)}`,
        evidence: { learningRate: lr, min: lo, max: hi, optimizer: opt.name },
        rule: SOURCES.umlaut,
      });
    }
  }
}
