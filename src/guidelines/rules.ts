/**
 * Static rules: model sketch -> findings (the one schema, src/protocol). The judgement (what breaks which guideline,
 * the message, evidence and source) is judge.ts, shared with the check of the real model at fit start; here each
 * verdict is placed on the syntax that states it and given quick fixes as text edits where a fix is unambiguous
 * enough to offer. Rules stay silent on anything the sketch marks unknown.
 */
import ts from 'typescript';
import type { Finding } from '../protocol/events';
import type { FileSketch, LayerSketch, CompileSketch, OptimizerRef } from '../analysis/model';
import { STRING_OPTIMIZER_LR, FACTORY_OPTIMIZER_LR } from '../analysis/catalog';
import { namespaceText } from '../analysis/tfjs';
import type { InitRow } from './tables';
import { DEFAULT_LINT_SETTINGS, STATIC_CODES, type LintSettings, type StaticCode, type Severity } from './settings';
import {
  shapeOf,
  placesOf,
  effectiveActivation,
  ownActivation,
  isHidden,
  type ModelShape,
  type EffectiveActivation,
  type Place,
} from './shape';
import {
  DEFAULT_SEVERITY,
  judgeInitializer,
  judgeDropoutRate,
  judgeModel,
  judgeOptimizer,
  judgeLearningRate,
  type JudgeOptions,
  type Verdict,
} from './judge';

export { DEFAULT_SEVERITY, recommendedInitializer } from './judge';

// TypeScript 5's CommonJS exports are getters: bind what the hot paths call once, not on every node
const { isExpressionStatement } = ts;
import {
  rangeOf,
  replaceNode,
  setConfigProperty,
  removeConfigProperty,
  stringLiteral,
  layerNamespaceText,
  insertAfterElement,
  insertAfterStatement,
  type Fix,
  type TextEdit,
} from './edits';

const CODE_INDEX = Object.fromEntries(STATIC_CODES.map((c, i) => [c, i])) as Record<StaticCode, number>;

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
  | {
      kind: 'initializer';
      layer: LayerSketch;
      target: string;
      why: 'constant' | 'mismatch' | 'selu';
      row?: InitRow;
      activation?: string;
    }
  | { kind: 'alpha-dropout'; layer: LayerSketch }
  | { kind: 'elu-he'; layer: LayerSketch }
  | { kind: 'batch-norm'; shape: ModelShape }
  | { kind: 'output-activation'; layer: LayerSketch; value: string }
  /** momentum (the default configuration's optimizer), and RMSProp as a second choice when `rmsprop` */
  | { kind: 'optimizer'; opt: OptimizerRef; rmsprop: boolean };

/** A finding before it is placed. */
type Draft = Omit<Finding, 'severity' | 'source' | 'file' | 'fixes'> & {
  severity?: Severity;
  node: ts.Node;
  endNode?: ts.Node;
  fix?: FixSpec;
};

export interface LintOptions {
  /** build the quick-fix edits (default true); the editor asks for them only when the lightbulb does */
  fixes?: boolean;
}

export function lintSketch(
  sketch: FileSketch,
  settings: LintSettings = DEFAULT_LINT_SETTINGS,
  options: LintOptions = {},
): Finding[] {
  if (!sketch.importsTfjs) return [];
  const shapes = sketch.models.map(m => shapeOf(m));
  const judge: JudgeOptions<LayerSketch> = {
    settings,
    label: layerLabel,
    layerNamespace: l => layerNamespaceText(sketch, l),
  };
  const ctx: Ctx = {
    sketch,
    settings,
    shapes,
    places: placesOf(shapes),
    drafts: [],
    withFixes: options.fixes !== false,
    judge,
  };
  for (const layer of sketch.layers) layerRules(ctx, layer);
  for (const shape of shapes) {
    const loss = shape.model.compile?.loss;
    for (const v of judgeModel(shape, judge, loss?.state === 'known' ? loss.value.name : undefined))
      place(ctx, v, shape);
  }
  for (const c of sketch.compiles) compileRules(ctx, c, c.model ? shapes[sketch.models.indexOf(c.model)] : undefined);
  return finish(ctx);
}

interface Ctx {
  sketch: FileSketch;
  settings: LintSettings;
  shapes: ModelShape[];
  places: Map<LayerSketch, Place>;
  drafts: Draft[];
  withFixes: boolean;
  judge: JudgeOptions<LayerSketch>;
}

/** A verdict on the syntax that states it, with the fix spec its hint allows here. */
function place(ctx: Ctx, v: Verdict<LayerSketch>, shape?: ModelShape, opt?: OptimizerRef): void {
  let node: ts.Node;
  const at = v.at;
  if (at.part === 'call') node = calleeNode(at.layer);
  else if (at.part === 'initializer')
    node = at.layer.initializer?.state === 'known' ? at.layer.initializer.node : calleeNode(at.layer);
  else if (at.part === 'rate') node = at.layer.rate.state === 'known' ? at.layer.rate.node : calleeNode(at.layer);
  else if (at.part === 'model') node = shape!.model.nameNode;
  else if (at.part === 'optimizer') node = opt!.node;
  else node = opt!.lr.state === 'known' ? opt!.lr.node : opt!.node;
  let fix: FixSpec | undefined;
  const h = v.fix;
  if (h?.kind === 'batch-norm') fix = shape ? { kind: 'batch-norm', shape } : undefined;
  else if (h?.kind === 'optimizer') fix = opt?.inline ? { kind: 'optimizer', opt, rmsprop: h.rmsprop } : undefined;
  else if (h?.kind === 'alpha-dropout') fix = layerNamespaceText(ctx.sketch, h.layer) !== undefined ? h : undefined;
  else fix = h;
  ctx.drafts.push({
    code: v.code,
    severity: v.severity,
    node,
    layer: v.label,
    message: v.message,
    evidence: v.evidence,
    rule: v.rule,
    fix,
  });
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
  return out.sort(
    (a, b) =>
      a.range!.start.line - b.range!.start.line ||
      (a.range!.start.column ?? 0) - (b.range!.start.column ?? 0) ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

/** Turns a fix spec into text edits; a spec that turns out not to be safely editable gives no fix. */
function buildFixes(sketch: FileSketch, spec: FixSpec): Fix[] {
  const out: (Fix | undefined)[] = [];
  switch (spec.kind) {
    case 'initializer': {
      const detail =
        spec.why === 'selu'
          ? 'LeCun initialization for SELU'
          : spec.why === 'mismatch'
            ? `${spec.row!.label} initialization for ${spec.activation}`
            : spec.row
              ? `${spec.row.label}, recommended for ${spec.activation}`
              : 'the tfjs default';
      out.push(initializerFix(sketch, spec.layer, spec.target, `Use ${spec.target} (${detail})`));
      break;
    }
    case 'alpha-dropout':
      out.push(alphaDropoutFix(sketch, spec.layer));
      break;
    case 'elu-he': {
      const a = setConfigProperty(sketch, spec.layer, 'activation', stringLiteral(sketch, 'elu'));
      const k = setConfigProperty(sketch, spec.layer, 'kernelInitializer', stringLiteral(sketch, 'heNormal'));
      if (a && k && !overlaps(a, k))
        out.push({ title: 'Use ELU with He initialization (the default configuration)', edits: [a, k] });
      break;
    }
    case 'batch-norm':
      out.push(batchNormFix(sketch, spec.shape));
      break;
    case 'output-activation': {
      const target = spec.layer;
      const value = stringLiteral(sketch, spec.value);
      let edit: TextEdit | undefined;
      if (target.kind === 'activation' && target.factory !== 'activation') {
        // reLU()/softmax() layers have no activation key: swap in an activation layer
        const ns = layerNamespaceText(sketch, target);
        if (ns) edit = replaceNode(sketch.sourceFile, target.call, `${ns}.activation({ activation: ${value} })`);
      } else edit = setConfigProperty(sketch, target, 'activation', value);
      const title =
        spec.value === 'linear'
          ? 'Output logits: set the output activation to linear'
          : `Set the output activation to ${spec.value}`;
      if (edit) out.push({ title, edits: [edit] });
      break;
    }
    case 'optimizer': {
      const { opt } = spec;
      const momentum = optimizerExpression(sketch, 'momentum', opt);
      if (momentum)
        out.push({
          title: `Use momentum optimization: ${momentum}`,
          edits: [replaceNode(sketch.sourceFile, opt.node, momentum)],
        });
      if (spec.rmsprop) {
        const rms =
          opt.form === 'string' ? stringLiteral(sketch, 'rmsprop') : optimizerExpression(sketch, 'rmsprop', opt);
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
function calleeNode(layer: LayerSketch): ts.Node {
  return layer.call.expression;
}

const SEED_ONLY = new Set(['glorotNormal', 'glorotUniform', 'heNormal', 'heUniform', 'leCunNormal', 'leCunUniform']);

/** Fix: set kernelInitializer. `tf.initializers.glorotUniform({ seed })` is renamed in place so the seed stays. */
export function initializerFix(sketch: FileSketch, layer: LayerSketch, target: string, title: string): Fix | undefined {
  const init = layer.initializer;
  let edit: TextEdit | undefined;
  const cfg = layer.config;
  const prop = cfg?.props.get('kernelInitializer');
  const written = cfg?.inline && prop && prop !== 'unknown' && prop.inline;
  if (
    init?.state === 'known' &&
    init.value.form === 'factory' &&
    SEED_ONLY.has(init.value.name) &&
    init.value.nameNode &&
    written &&
    init.node.getStart(sketch.sourceFile) <= init.value.nameNode.getStart(sketch.sourceFile) &&
    init.value.nameNode.getEnd() <= init.node.getEnd()
  ) {
    edit = replaceNode(sketch.sourceFile, init.value.nameNode, target);
  } else {
    edit = setConfigProperty(sketch, layer, 'kernelInitializer', stringLiteral(sketch, target));
  }
  return edit ? { title, edits: [edit] } : undefined;
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
  if (layer.kind === 'weight' && layer.initializer) {
    const v = judgeInitializer(layer, activationOf(ctx, layer), coveredBySeluSetup(ctx, layer), ctx.judge);
    if (v) place(ctx, v);
  }
  const d = judgeDropoutRate(layer, ctx.judge);
  if (d) place(ctx, d);
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
  return { title: "Use alphaDropout (keeps SELU's mean and variance)", edits };
}

function overlaps(a: TextEdit, b: TextEdit): boolean {
  const key = (l: { line: number; column?: number }) => l.line * 1e6 + (l.column ?? 0);
  return (key(a.start) < key(b.end) && key(b.start) < key(a.end)) || key(a.start) === key(b.start);
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

// ---- compile rules: optimizer and learning rate ----

function optimizerExpression(sketch: FileSketch, name: 'momentum' | 'rmsprop', opt: OptimizerRef): string | undefined {
  const train = namespaceText(sketch.imports, 'train');
  const lrText =
    opt.lr.state === 'known'
      ? opt.lr.node.getText(sketch.sourceFile)
      : opt.lr.state === 'absent'
        ? String((opt.form === 'string' ? STRING_OPTIMIZER_LR : FACTORY_OPTIMIZER_LR)[opt.name] ?? 0.01)
        : undefined;
  if (!train || lrText === undefined) return undefined;
  return name === 'momentum' ? `${train}.momentum(${lrText}, 0.9)` : `${train}.rmsprop(${lrText})`;
}

function compileRules(ctx: Ctx, compile: CompileSketch, shape: ModelShape | undefined): void {
  if (compile.optimizer.state !== 'known') return;
  const opt = compile.optimizer.value;
  const v = judgeOptimizer(opt.name, shape, ctx.judge);
  if (v) place(ctx, v, shape, opt);
  if (opt.form === 'factory' && opt.lr.state === 'known') {
    const lr = judgeLearningRate(
      opt.name,
      opt.lr.value,
      opt.nesterov?.state === 'known' ? opt.nesterov.value : undefined,
      ctx.judge,
    );
    if (lr) place(ctx, lr, shape, opt);
  }
}
