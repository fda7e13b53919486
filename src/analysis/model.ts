/**
 * TypeScript AST -> model sketch: the layers of each model in order (kind, activation, initializer, units, rate),
 * its compile call (optimizer with learning rate, loss), and where each value is written. Every value is
 * known (with the node that states it), absent (tfjs applies its default) or unknown (dynamic): never guessed.
 * This file ties calls to models (sequential arrays and adds, apply chains); what one layer or compile call
 * states is read in layerConfig.ts and compile.ts, a functional model's graph is walked in functional.ts.
 * Parse-only: the compiler API's parser, no type check, no module resolution, nothing executed.
 */
import ts from 'typescript';
import { Scopes, Resolver, unwrap } from './values';
import { readImports, tfRef, detectQuote, type TfImports } from './tfjs';
import { multiplicity, scopeOf, type Multiplicity } from './loops';
import { helperAdds, times, type AddCall } from './builders';
import { readCompile } from './compile';
import { readLayer } from './layerConfig';
import { functionalGraph, UNKNOWN_PRODUCER, type Producer } from './functional';
import { type LayerSketch, type ModelSketch, type CompileSketch, type FileSketch } from './sketch';

// TypeScript 5's CommonJS exports are getters: bind what the hot paths call once, not on every node
const {
  SyntaxKind,
  isArrayLiteralExpression,
  isAwaitExpression,
  isBinaryExpression,
  isCallExpression,
  isExpressionStatement,
  isIdentifier,
  isPropertyAccessExpression,
  isSpreadElement,
  isVariableDeclaration,
} = ts;

export type {
  Known,
  InitializerRef,
  LayerSketch,
  ModelEntry,
  ModelSketch,
  OptimizerRef,
  LossRef,
  CompileSketch,
  HoverTarget,
  FileSketch,
} from './sketch';
export { hoverTargetsOf } from './hoverTargets';

/** Builds the sketch of one parsed file. Never throws on broken syntax: the parser always yields a tree. */
export function sketchFile(sf: ts.SourceFile): FileSketch {
  const imports = readImports(sf);
  const sketch: FileSketch = {
    sourceFile: sf,
    fileName: sf.fileName,
    importsTfjs: imports.importsTfjs,
    imports,
    layers: [],
    models: [],
    compiles: [],
    quote: detectQuote(sf),
  };
  if (!imports.importsTfjs) return sketch;
  new Sketcher(sf, imports, sketch).run();
  return sketch;
}

class Sketcher {
  private readonly resolver: Resolver;
  private readonly layerByCall = new Map<ts.Node, LayerSketch>();
  private readonly producerByCall = new Map<ts.Node, Producer>();
  private readonly inputCalls = new Set<ts.Node>();
  /** current symbolic tensor of each variable, updated in source order (post-order walk) */
  private readonly bindings = new Map<ts.Node, Producer>();
  private readonly adds: AddCall[] = [];
  /** calls of a plain identifier: maybe a local helper that adds layers to the model it is given */
  private readonly identifierCalls: ts.CallExpression[] = [];
  private readonly passedAsArgument: ts.Identifier[] = [];
  private readonly pendingCompiles: CompileSketch[] = [];
  private readonly modelByCreation = new Map<ts.Node, ModelSketch>();
  private readonly helperResults: { decl: ts.Node; call: ts.CallExpression }[] = [];

  constructor(
    private readonly sf: ts.SourceFile,
    private readonly imports: TfImports,
    private readonly out: FileSketch,
  ) {
    this.resolver = new Resolver(new Scopes(sf));
  }

  run(): void {
    for (const n of this.resolver.scopes.postOrder) this.after(n);
    this.finishSequentials();
    this.finishCompiles();
    this.out.layers.sort((a, b) => a.call.pos - b.call.pos);
    this.out.layers.forEach((l, i) => {
      l.id = i;
    });
  }

  /** In post-order (Scopes.postOrder): children (inner calls, the right-hand side) are done before the node itself. */
  private after(n: ts.Node): void {
    if (isCallExpression(n)) this.call(n);
    else if (isVariableDeclaration(n) && n.initializer && isIdentifier(n.name)) this.bind(n, n.initializer);
    else if (isBinaryExpression(n) && n.operatorToken.kind === SyntaxKind.EqualsToken) {
      const left = unwrap(n.left);
      if (isIdentifier(left)) {
        const decl = this.resolver.scopes.declNodeOf(left);
        if (decl) this.bind(decl, n.right);
      }
      const model = this.modelByCreation.get(unwrap(n.right));
      if (model && !model.decl) this.bindModel(model, left);
    }
  }

  private models(): ModelSketch[] {
    return this.out.models;
  }

  private bind(decl: ts.Node, value: ts.Expression): void {
    const v = unwrap(value);
    const p = this.producerOf(v);
    if (p.kind !== 'unknown' || this.bindings.has(decl)) this.bindings.set(decl, p);
    const created = isAwaitExpression(v) ? unwrap(v.expression) : v;
    const model = this.modelByCreation.get(created);
    if (model && isVariableDeclaration(decl)) {
      model.decl = decl;
      model.bindingText = decl.name.getText(this.sf);
    }
    // `const model = makeModel()`: resolved once every model of the file is known (the helper may come later)
    else if (!model && isCallExpression(created) && isIdentifier(created.expression))
      this.helperResults.push({ decl, call: created });
  }

  /** Models by the variable that holds them: their own, and variables given the result of a helper returning one. */
  private modelMaps(): { byDecl: Map<ts.Node, ModelSketch>; byText: Map<string, ModelSketch> } {
    const byDecl = new Map<ts.Node, ModelSketch>();
    const byText = new Map<string, ModelSketch>();
    for (const m of this.models()) {
      if (m.decl) byDecl.set(m.decl, m);
      else if (m.bindingText) byText.set(m.bindingText, m);
    }
    for (const { decl, call } of this.helperResults) {
      const model = this.modelByCreation.get(this.resolver.resolve(call));
      if (model && !byDecl.has(decl)) byDecl.set(decl, model);
    }
    return { byDecl, byText };
  }

  private bindModel(model: ModelSketch, target: ts.Expression): void {
    if (isIdentifier(target)) model.decl = this.resolver.scopes.declNodeOf(target);
    model.bindingText = target.getText(this.sf);
  }

  private call(call: ts.CallExpression): void {
    const args = call.arguments;
    for (let i = 0; i < args.length; i++) {
      const u = unwrap(args[i]);
      if (isIdentifier(u)) this.passedAsArgument.push(u);
    }
    const callee = call.expression;
    if (isIdentifier(callee)) this.identifierCalls.push(call);
    const ref = tfRef(callee, this.imports, this.resolver);
    if (ref?.kind === 'function') {
      if (ref.ns === 'layers') {
        this.layer(call, ref.name, ref.nameNode);
        return;
      }
      if (ref.ns === 'root' && ref.name === 'sequential') {
        this.sequential(call, ref.nameNode);
        return;
      }
      if (ref.ns === 'root' && ref.name === 'model') {
        this.functional(call, ref.nameNode);
        return;
      }
      if (ref.ns === 'root' && ref.name === 'input') {
        this.inputCalls.add(call);
        return;
      }
      return;
    }
    if (!isPropertyAccessExpression(callee) || !isIdentifier(callee.name)) return;
    const method = callee.name.text;
    if (method === 'apply') this.apply(call, callee.expression);
    else if (method === 'add' && call.arguments.length === 1)
      this.adds.push({ call, receiver: callee.expression, arg: call.arguments[0] });
    else if (method === 'compile' && call.arguments.length >= 1) this.compile(call, callee.expression);
  }

  // ---- layers ----

  private layer(call: ts.CallExpression, factory: string, nameNode: ts.Node): void {
    const layer = readLayer(this.resolver, this.imports, call, factory, nameNode);
    this.layerByCall.set(call, layer);
    this.out.layers.push(layer);
  }

  /** The layer an expression denotes: a layer call, or a single-assignment variable holding one. */
  private layerOf(e: ts.Expression | undefined): LayerSketch | undefined {
    if (!e) return undefined;
    return this.layerByCall.get(this.resolver.resolve(e));
  }

  // ---- functional models: layer.apply(x) chains ----

  private producerOf(e: ts.Expression): Producer {
    e = unwrap(e);
    if (isIdentifier(e)) {
      const decl = this.resolver.scopes.declNodeOf(e);
      return (decl && this.bindings.get(decl)) ?? UNKNOWN_PRODUCER;
    }
    if (isCallExpression(e)) {
      if (this.inputCalls.has(e)) return { kind: 'input' };
      return this.producerByCall.get(e) ?? UNKNOWN_PRODUCER;
    }
    return UNKNOWN_PRODUCER;
  }

  private apply(call: ts.CallExpression, receiver: ts.Expression): void {
    const layer = this.layerOf(receiver);
    if (!layer) return;
    const arg = call.arguments[0] && unwrap(call.arguments[0]);
    let inputs: Producer[] | undefined;
    if (arg && isArrayLiteralExpression(arg)) inputs = arg.elements.map(x => this.producerOf(x));
    else if (arg) inputs = [this.producerOf(arg)];
    if (inputs?.some(p => p.kind === 'unknown')) inputs = undefined;
    this.producerByCall.set(call, { kind: 'apply', seq: this.producerByCall.size, call, layer, inputs });
  }

  private functional(call: ts.CallExpression, nameNode: ts.Node): void {
    const cfg = call.arguments[0] ? this.resolver.object(call.arguments[0]) : undefined;
    const outputs = cfg?.props.get('outputs');
    const model: ModelSketch = {
      style: 'functional',
      creation: call,
      nameNode,
      entries: [],
      complete: false,
      chain: false,
    };
    this.out.models.push(model);
    this.modelByCreation.set(call, model);
    if (!outputs || outputs === 'unknown') return;
    const outExpr = unwrap(outputs.value);
    const outs = isArrayLiteralExpression(outExpr)
      ? outExpr.elements.map(x => this.producerOf(x))
      : [this.producerOf(outExpr)];
    const graph = functionalGraph(outs, scopeOf(call), this.resolver);
    model.entries = graph.entries;
    model.complete = graph.complete;
    model.chain = graph.chain;
  }

  // ---- sequential models: layers: [...] and model.add(...) ----

  private sequential(call: ts.CallExpression, nameNode: ts.Node): void {
    const model: ModelSketch = {
      style: 'sequential',
      creation: call,
      nameNode,
      entries: [],
      complete: true,
      chain: true,
    };
    this.out.models.push(model);
    this.modelByCreation.set(call, model);
    const arg = call.arguments[0];
    if (!arg) return;
    const cfg = this.resolver.object(arg);
    if (!cfg) {
      model.complete = false;
      return;
    }
    const layers = cfg.props.get('layers');
    if (layers === undefined) {
      if (cfg.openEnded) model.complete = false;
      return;
    }
    if (layers === 'unknown') {
      model.complete = false;
      return;
    }
    const arr = this.resolver.array(layers.value);
    if (!arr) {
      model.complete = false;
      return;
    }
    const lit = unwrap(layers.value);
    if (isArrayLiteralExpression(lit) && layers.inline) model.layersArray = lit;
    if (arr.openEnded) model.complete = false;
    for (const el of arr.elements) {
      const layer = this.layerOf(el.expr);
      if (!layer) model.complete = false;
      model.entries.push({
        layer,
        count: el.repeat === undefined ? (isSpreadElement(el.expr) ? 'maybe' : 1) : el.repeat,
        node: el.expr,
        via: 'array',
      });
    }
  }

  private finishSequentials(): void {
    const { byDecl, byText } = this.modelMaps();
    // in the order they run: a helper's adds where it is called
    const added: { model: ModelSketch; key: [number, number]; add: AddCall; m: Multiplicity }[] = [];
    for (const add of this.adds) {
      const model = this.modelOf(add.receiver, byDecl, byText);
      if (model?.style === 'sequential')
        added.push({
          model,
          key: [add.call.pos, 0],
          add,
          m: multiplicity(add.call, scopeOf(model.creation), this.resolver),
        });
    }
    const helpers = helperAdds(this.adds, this.identifierCalls, this.resolver);
    for (const h of helpers.found) {
      const model = this.modelOf(h.model, byDecl, byText);
      if (model?.style === 'sequential')
        added.push({
          model,
          key: [h.site.pos, h.add.call.pos],
          add: h.add,
          m: times(h.perCall, multiplicity(h.site, scopeOf(model.creation), this.resolver)),
        });
    }
    added.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1]);
    for (const { model, add, m } of added) {
      const layer = this.layerOf(add.arg);
      if (!layer) model.complete = false;
      const statement = isExpressionStatement(add.call.parent) ? add.call.parent : add.call;
      model.entries.push({ layer, count: m.count, atLeast: m.atLeast, node: statement, via: 'add' });
    }
    // a model handed to other code may get layers we do not see (console.log and helpers that only add are harmless)
    for (const id of this.passedAsArgument) {
      const model = this.modelOf(id, byDecl, byText);
      if (!model) continue;
      const call = id.parent && isCallExpression(id.parent) ? id.parent : undefined;
      if (call && helpers.safeSites.has(call)) continue;
      const callee = call?.expression;
      if (
        callee &&
        isPropertyAccessExpression(callee) &&
        isIdentifier(callee.expression) &&
        callee.expression.text === 'console'
      )
        continue;
      model.complete = false;
    }
  }

  private modelOf(
    receiver: ts.Expression,
    byDecl: Map<ts.Node, ModelSketch>,
    byText: Map<string, ModelSketch>,
  ): ModelSketch | undefined {
    const r = unwrap(receiver);
    if (isIdentifier(r)) {
      const decl = this.resolver.scopes.declNodeOf(r);
      return decl ? byDecl.get(decl) : byText.get(r.text);
    }
    if (isPropertyAccessExpression(r)) return byText.get(r.getText(this.sf));
    return undefined;
  }

  // ---- compile ----

  private compile(call: ts.CallExpression, receiver: ts.Expression): void {
    const c = readCompile(this.resolver, this.imports, call, receiver);
    if (!c) return;
    this.pendingCompiles.push(c);
    this.out.compiles.push(c);
  }

  private finishCompiles(): void {
    const { byDecl, byText } = this.modelMaps();
    for (const c of this.pendingCompiles) {
      const model = this.modelOf(c.receiver, byDecl, byText);
      if (!model) continue;
      c.model = model;
      model.compile ??= c;
    }
  }
}
