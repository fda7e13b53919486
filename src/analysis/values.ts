/**
 * Resolving what an expression stands for, statically: literals, simple arithmetic, and identifiers bound once
 * (`const`, or `let`/`var` never reassigned) in an enclosing scope of the same file. Anything else is unknown:
 * the linter reports only what the source states, never a guess.
 */
import * as ts from 'typescript';

type DeclKind = 'binding' | 'param' | 'function' | 'class' | 'import' | 'other';

interface Decl {
  kind: DeclKind;
  /** `const x = init` / never-reassigned `let x = init`; for `const { a } = obj`, `obj` with `property` 'a' */
  init?: ts.Expression;
  property?: string;
  isConst: boolean;
  node: ts.Node;
}

/** Where a declaration is visible from: blocks for let/const/class, functions for var and parameters. */
function isBlockScope(n: ts.Node): boolean {
  return ts.isBlock(n) || ts.isSourceFile(n) || ts.isModuleBlock(n) || ts.isCaseBlock(n) || ts.isCatchClause(n)
    || ts.isForStatement(n) || ts.isForInStatement(n) || ts.isForOfStatement(n) || ts.isFunctionLike(n) || ts.isClassLike(n);
}
function isFunctionScope(n: ts.Node): boolean { return ts.isFunctionLike(n) || ts.isSourceFile(n); }

function nearest(node: ts.Node, pred: (n: ts.Node) => boolean): ts.Node | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) if (pred(n)) return n;
  return undefined;
}

export function unwrap(e: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
    else return e;
  }
}

/** One index per source file: declarations by scope, and which of them are ever reassigned. */
export class Scopes {
  private readonly byScope = new Map<ts.Node, Map<string, Decl[]>>();
  private readonly reassigned = new Set<ts.Node>();

  constructor(sf: ts.SourceFile) {
    const assigned: ts.Identifier[] = [];
    const visit = (n: ts.Node): void => {
      if (ts.isVariableDeclaration(n)) this.addVariable(n);
      else if (ts.isParameter(n)) this.addNames(n.name, 'param', nearest(n, ts.isFunctionLike), false);
      else if ((ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n)) && n.name) this.add(n.name.text, { kind: ts.isClassDeclaration(n) ? 'class' : 'function', isConst: false, node: n }, nearest(n, isBlockScope));
      else if (ts.isImportClause(n) || ts.isImportSpecifier(n) || ts.isNamespaceImport(n) || ts.isImportEqualsDeclaration(n)) {
        if (n.name) this.add(n.name.text, { kind: 'import', isConst: true, node: n }, sf);
      } else if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
        collectTargets(n.left, assigned);
      } else if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n))
        && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) {
        collectTargets(n.operand, assigned);
      } else if ((ts.isForOfStatement(n) || ts.isForInStatement(n)) && !ts.isVariableDeclarationList(n.initializer)) {
        collectTargets(n.initializer, assigned);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
    for (const id of assigned) {
      const d = this.declOf(id);
      if (d) this.reassigned.add(d.node);
    }
  }

  private add(name: string, decl: Decl, scope: ts.Node | undefined): void {
    if (!scope) return;
    let names = this.byScope.get(scope);
    if (!names) this.byScope.set(scope, names = new Map());
    const list = names.get(name);
    if (list) list.push(decl); else names.set(name, [decl]);
  }

  private addVariable(v: ts.VariableDeclaration): void {
    const list = v.parent;
    const isConst = ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.Const) !== 0;
    const blockScoped = ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.BlockScoped) !== 0;
    const scope = blockScoped ? nearest(v, isBlockScope) : nearest(v, isFunctionScope);
    // a for-of/for-in variable takes a new value every iteration: never a single known value
    const loopVar = ts.isVariableDeclarationList(list) && (ts.isForOfStatement(list.parent) || ts.isForInStatement(list.parent));
    if (ts.isIdentifier(v.name)) {
      this.add(v.name.text, { kind: loopVar ? 'other' : 'binding', init: loopVar ? undefined : v.initializer, isConst, node: v }, scope);
    } else if (ts.isObjectBindingPattern(v.name) && v.initializer && !loopVar) {
      for (const el of v.name.elements) {
        if (!ts.isIdentifier(el.name) || el.dotDotDotToken) { this.addNames(el.name, 'other', scope, isConst); continue; }
        const prop = el.propertyName ? (ts.isIdentifier(el.propertyName) || ts.isStringLiteral(el.propertyName) ? el.propertyName.text : undefined) : el.name.text;
        this.add(el.name.text, { kind: 'binding', init: prop !== undefined && !el.initializer ? v.initializer : undefined, property: prop, isConst, node: el }, scope);
      }
    } else {
      this.addNames(v.name, 'other', scope, isConst);
    }
  }

  private addNames(name: ts.BindingName, kind: DeclKind, scope: ts.Node | undefined, isConst: boolean): void {
    if (ts.isIdentifier(name)) { this.add(name.text, { kind, isConst, node: name.parent }, scope); return; }
    for (const el of name.elements) if (!ts.isOmittedExpression(el)) this.addNames(el.name, kind, scope, isConst);
  }

  /** The declaration an identifier refers to, if exactly one is visible in its nearest declaring scope. */
  declOf(id: ts.Identifier): Decl | undefined {
    for (let n: ts.Node | undefined = id.parent; n; n = n.parent) {
      const list = this.byScope.get(n)?.get(id.text);
      if (list) return list.length === 1 ? list[0] : undefined;
    }
    return undefined;
  }

  /** The declaration node (for identity comparisons: "is this the same `model` variable?"). */
  declNodeOf(id: ts.Identifier): ts.Node | undefined {
    return this.declOf(id)?.node;
  }

  /** What a single-assignment identifier was initialized with (following `const { a } = obj` through obj.a). */
  initializerOf(id: ts.Identifier): { init: ts.Expression; property?: string } | undefined {
    const d = this.declOf(id);
    if (!d || d.kind !== 'binding' || !d.init) return undefined;
    if (!d.isConst && this.reassigned.has(d.node)) return undefined;
    return { init: d.init, property: d.property };
  }

  isImport(id: ts.Identifier): boolean { return this.declOf(id)?.kind === 'import'; }
  isDeclared(id: ts.Identifier): boolean { return this.declOf(id) !== undefined; }
}

function collectTargets(e: ts.Expression, out: ts.Identifier[]): void {
  e = unwrap(e);
  if (ts.isIdentifier(e)) out.push(e);
  else if (ts.isArrayLiteralExpression(e)) e.elements.forEach(x => collectTargets(ts.isSpreadElement(x) ? x.expression : x, out));
  else if (ts.isObjectLiteralExpression(e)) {
    for (const p of e.properties) {
      if (ts.isShorthandPropertyAssignment(p)) out.push(p.name);
      else if (ts.isPropertyAssignment(p)) collectTargets(p.initializer, out);
      else if (ts.isSpreadAssignment(p)) collectTargets(p.expression, out);
    }
  }
}

export type Literal = string | number | boolean | null | undefined;
export type Evaluated = { known: true; value: Literal } | { known: false };

const UNKNOWN: Evaluated = { known: false };
const MAX_DEPTH = 12;

/** Reads an object property name that is statically known. */
export function propertyNameText(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  return undefined;
}

/** A resolved object literal: known properties (value expressions), and whether unknown keys may exist. */
export interface ObjectInfo {
  /** the literal written in place (not reached through a variable): the only one quick fixes may edit */
  literal: ts.ObjectLiteralExpression;
  inline: boolean;
  props: Map<string, { value: ts.Expression; inline: boolean; assignment?: ts.ObjectLiteralElementLike } | 'unknown'>;
  /** a spread whose keys are not known: any key not listed may still be set */
  openEnded: boolean;
}

export interface ArrayElement { expr: ts.Expression; inline: boolean; repeat?: number }
export interface ArrayInfo { elements: ArrayElement[]; openEnded: boolean }

export class Resolver {
  constructor(readonly scopes: Scopes) {}

  /** Follows parentheses, `as`, and single-assignment identifiers to the expression that gives the value. */
  resolve(e: ts.Expression, depth = 0): ts.Expression {
    e = unwrap(e);
    if (depth > MAX_DEPTH) return e;
    if (ts.isIdentifier(e)) {
      const d = this.scopes.initializerOf(e);
      if (!d) return e;
      if (d.property === undefined) return this.resolve(d.init, depth + 1);
      const obj = this.object(d.init, depth + 1);
      const p = obj?.props.get(d.property);
      if (p && p !== 'unknown') return this.resolve(p.value, depth + 1);
      return e;
    }
    return e;
  }

  evaluate(e: ts.Expression, depth = 0): Evaluated {
    if (depth > MAX_DEPTH) return UNKNOWN;
    e = this.resolve(e, depth);
    switch (e.kind) {
      case ts.SyntaxKind.StringLiteral:
      case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
        return { known: true, value: (e as ts.StringLiteral).text };
      case ts.SyntaxKind.NumericLiteral: {
        const v = Number((e as ts.NumericLiteral).text.replace(/_/g, ''));
        return Number.isNaN(v) ? UNKNOWN : { known: true, value: v };
      }
      case ts.SyntaxKind.TrueKeyword: return { known: true, value: true };
      case ts.SyntaxKind.FalseKeyword: return { known: true, value: false };
      case ts.SyntaxKind.NullKeyword: return { known: true, value: null };
    }
    if (ts.isIdentifier(e)) {
      if (!this.scopes.isDeclared(e)) {
        if (e.text === 'undefined') return { known: true, value: undefined };
        if (e.text === 'Infinity') return { known: true, value: Infinity };
      }
      return UNKNOWN;
    }
    if (ts.isPrefixUnaryExpression(e)) {
      const v = this.evaluate(e.operand, depth + 1);
      if (!v.known || typeof v.value !== 'number') return UNKNOWN;
      if (e.operator === ts.SyntaxKind.MinusToken) return { known: true, value: -v.value };
      if (e.operator === ts.SyntaxKind.PlusToken) return v;
      return UNKNOWN;
    }
    if (ts.isBinaryExpression(e)) {
      const a = this.evaluate(e.left, depth + 1);
      if (!a.known) return UNKNOWN;
      const b = this.evaluate(e.right, depth + 1);
      if (!b.known) return UNKNOWN;
      const x = a.value, y = b.value;
      if (e.operatorToken.kind === ts.SyntaxKind.PlusToken && typeof x === 'string' && (typeof y === 'string' || typeof y === 'number')) return { known: true, value: x + y };
      if (typeof x !== 'number' || typeof y !== 'number') return UNKNOWN;
      switch (e.operatorToken.kind) {
        case ts.SyntaxKind.PlusToken: return { known: true, value: x + y };
        case ts.SyntaxKind.MinusToken: return { known: true, value: x - y };
        case ts.SyntaxKind.AsteriskToken: return { known: true, value: x * y };
        case ts.SyntaxKind.SlashToken: return { known: true, value: x / y };
        case ts.SyntaxKind.AsteriskAsteriskToken: return { known: true, value: x ** y };
      }
      return UNKNOWN;
    }
    return UNKNOWN;
  }

  number(e: ts.Expression): number | undefined {
    const v = this.evaluate(e);
    return v.known && typeof v.value === 'number' && Number.isFinite(v.value) ? v.value : undefined;
  }

  /** Properties of an object literal (written in place or reached through consts), merging resolvable spreads. */
  object(e: ts.Expression, depth = 0): ObjectInfo | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const original = unwrap(e);
    const lit = this.resolve(e, depth);
    if (!ts.isObjectLiteralExpression(lit)) return undefined;
    const inline = lit === original;
    const info: ObjectInfo = { literal: lit, inline, props: new Map(), openEnded: false };
    for (const p of lit.properties) {
      if (ts.isPropertyAssignment(p)) {
        const name = propertyNameText(p.name);
        if (name === undefined) { info.openEnded = true; continue; }
        info.props.set(name, { value: p.initializer, inline, assignment: p });
      } else if (ts.isShorthandPropertyAssignment(p)) {
        info.props.set(p.name.text, { value: p.name, inline, assignment: p });
      } else if (ts.isSpreadAssignment(p)) {
        this.spreadInto(info, p.expression, depth + 1);
      } else if (ts.isMethodDeclaration(p) || ts.isAccessor(p)) {
        const name = p.name && propertyNameText(p.name);
        if (name === undefined) info.openEnded = true; else info.props.set(name, 'unknown');
      }
    }
    return info;
  }

  private spreadInto(info: ObjectInfo, spread: ts.Expression, depth: number): void {
    const s = this.resolve(spread, depth);
    // `...(cond ? { a } : {})`: the keys of either branch may or may not be set
    if (ts.isConditionalExpression(s)) {
      for (const branch of [s.whenTrue, s.whenFalse]) {
        const o = this.object(branch, depth);
        if (!o) { info.openEnded = true; continue; }
        if (o.openEnded) info.openEnded = true;
        for (const k of o.props.keys()) info.props.set(k, 'unknown');
      }
      return;
    }
    const o = this.object(s, depth);
    if (!o) { info.openEnded = true; return; }
    if (o.openEnded) info.openEnded = true;
    for (const [k, v] of o.props) info.props.set(k, v === 'unknown' ? v : { ...v, inline: false });
  }

  /** Elements of an array literal, flattening resolvable spreads and `Array.from({ length: n }, () => x)`. */
  array(e: ts.Expression, depth = 0): ArrayInfo | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const original = unwrap(e);
    const lit = this.resolve(e, depth);
    const inline = lit === original;
    const repeated = this.arrayFrom(lit);
    if (repeated) return { elements: [{ expr: repeated.item, inline: false, repeat: repeated.count }], openEnded: repeated.count === undefined };
    if (!ts.isArrayLiteralExpression(lit)) return undefined;
    const info: ArrayInfo = { elements: [], openEnded: false };
    for (const el of lit.elements) {
      if (ts.isSpreadElement(el)) {
        const inner = this.array(el.expression, depth + 1);
        if (!inner) { info.openEnded = true; info.elements.push({ expr: el, inline: false, repeat: undefined }); continue; }
        for (const x of inner.elements) info.elements.push({ ...x, inline: false });
        if (inner.openEnded) info.openEnded = true;
      } else if (!ts.isOmittedExpression(el)) {
        info.elements.push({ expr: el, inline });
      }
    }
    return info;
  }

  /** `Array.from({ length: n }, (_, i) => item)`: n copies of the item (n undefined when not known). */
  private arrayFrom(e: ts.Expression): { item: ts.Expression; count: number | undefined } | undefined {
    if (!ts.isCallExpression(e) || e.arguments.length !== 2) return undefined;
    const callee = e.expression;
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'from' || !ts.isIdentifier(callee.expression) || callee.expression.text !== 'Array') return undefined;
    const fn = unwrap(e.arguments[1]);
    if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return undefined;
    let item: ts.Expression | undefined;
    if (ts.isArrowFunction(fn) && !ts.isBlock(fn.body)) item = fn.body;
    else if (ts.isBlock(fn.body) && fn.body.statements.length === 1) {
      const st = fn.body.statements[0];
      if (ts.isReturnStatement(st) && st.expression) item = st.expression;
    }
    if (!item) return undefined;
    const spec = this.object(e.arguments[0]);
    const len = spec?.props.get('length');
    const count = len && len !== 'unknown' ? this.number(len.value) : undefined;
    return { item, count: count !== undefined && Number.isInteger(count) && count >= 0 ? count : undefined };
  }
}
