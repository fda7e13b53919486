/**
 * Resolving what an expression stands for, statically: literals, simple arithmetic, and identifiers bound once
 * (`const`, or `let`/`var` never reassigned) in an enclosing scope of the same file. Anything else is unknown:
 * the linter reports only what the source states, never a guess.
 */
import ts from 'typescript';

// TypeScript 5's CommonJS exports are getters: bind what the hot paths call once, not on every node
const {
  NodeFlags, SyntaxKind, forEachChild, isAccessor, isArrayLiteralExpression, isArrowFunction, isAsExpression,
  isBinaryExpression, isBlock, isCallExpression, isCaseBlock, isCatchClause, isClassDeclaration, isClassLike,
  isConditionalExpression, isForInStatement, isForOfStatement, isForStatement, isFunctionDeclaration,
  isFunctionExpression, isFunctionLike, isIdentifier, isMethodDeclaration, isModuleBlock,
  isNoSubstitutionTemplateLiteral, isNonNullExpression, isNumericLiteral, isObjectBindingPattern,
  isObjectLiteralExpression, isOmittedExpression, isParenthesizedExpression, isPrefixUnaryExpression,
  isPropertyAccessExpression, isPropertyAssignment, isReturnStatement, isSatisfiesExpression,
  isShorthandPropertyAssignment, isSourceFile, isSpreadAssignment, isSpreadElement, isStringLiteral,
  isTypeAssertionExpression, isVariableDeclarationList,
} = ts;

type DeclKind = 'binding' | 'param' | 'function' | 'class' | 'import' | 'other';

export interface Decl {
  kind: DeclKind;
  /** `const x = init` / never-reassigned `let x = init`; for `const { a } = obj`, `obj` with `property` 'a' */
  init?: ts.Expression;
  property?: string;
  isConst: boolean;
  node: ts.Node;
  scope?: ts.Node;
}

/** Where a declaration is visible from: blocks for let/const/class, functions for var and parameters. */
function isBlockScope(n: ts.Node): boolean {
  return isBlock(n) || isSourceFile(n) || isModuleBlock(n) || isCaseBlock(n) || isCatchClause(n)
    || isForStatement(n) || isForInStatement(n) || isForOfStatement(n) || isFunctionLike(n) || isClassLike(n);
}
function isFunctionScope(n: ts.Node): boolean { return isFunctionLike(n) || isSourceFile(n); }

function nearest(node: ts.Node, pred: (n: ts.Node) => boolean): ts.Node | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) if (pred(n)) return n;
  return undefined;
}

export function unwrap(e: ts.Expression): ts.Expression {
  for (;;) {
    if (isParenthesizedExpression(e) || isAsExpression(e) || isNonNullExpression(e) || isTypeAssertionExpression(e) || isSatisfiesExpression(e)) e = e.expression;
    else return e;
  }
}

/** One index per source file: declarations by scope, and which of them are ever reassigned. */
export class Scopes {
  /** declarations by name (with their scope): most names have one, so resolving is a walk up parent pointers */
  private readonly byName = new Map<string, Decl[]>();
  private readonly byNameAndScope = new Map<string, Map<ts.Node, Decl | null>>();
  private readonly reassigned = new Set<ts.Node>();
  /**
   * Calls, variable declarations and `=` assignments in post-order (children first: inner calls, then the call;
   * the right-hand side, then the binding), collected on the same pass so the sketch needs no second tree walk.
   */
  readonly postOrder: ts.Node[] = [];

  /**
   * One pass over the file: indexes declarations and reassignments, and sets `parent` pointers on the way (the
   * file is parsed without them: setting them here saves the parser a second full walk).
   */
  constructor(sf: ts.SourceFile) {
    const assigned: ts.Identifier[] = [];
    let parent: ts.Node = sf;
    const visitChild = (c: ts.Node): void => {
      (c as { parent: ts.Node }).parent = parent;
      visit(c);
    };
    const visit = (n: ts.Node): void => {
      switch (n.kind) {
        case SyntaxKind.VariableDeclaration: this.addVariable(n as ts.VariableDeclaration); break;
        case SyntaxKind.Parameter: this.addNames((n as ts.ParameterDeclaration).name, 'param', nearest(n, ts.isFunctionLike), false); break;
        case SyntaxKind.FunctionDeclaration: case SyntaxKind.ClassDeclaration: {
          const d = n as ts.FunctionDeclaration | ts.ClassDeclaration;
          if (d.name) this.add(d.name.text, { kind: isClassDeclaration(d) ? 'class' : 'function', isConst: false, node: d }, nearest(d, isBlockScope));
          break;
        }
        case SyntaxKind.ImportClause: case SyntaxKind.ImportSpecifier: case SyntaxKind.NamespaceImport: case SyntaxKind.ImportEqualsDeclaration: {
          const name = (n as ts.ImportClause | ts.ImportSpecifier | ts.NamespaceImport | ts.ImportEqualsDeclaration).name;
          if (name) this.add(name.text, { kind: 'import', isConst: true, node: n }, sf);
          break;
        }
        case SyntaxKind.BinaryExpression: {
          const b = n as ts.BinaryExpression;
          if (b.operatorToken.kind >= SyntaxKind.FirstAssignment && b.operatorToken.kind <= SyntaxKind.LastAssignment) collectTargets(b.left, assigned);
          break;
        }
        case SyntaxKind.PrefixUnaryExpression: case SyntaxKind.PostfixUnaryExpression: {
          const u = n as ts.PrefixUnaryExpression | ts.PostfixUnaryExpression;
          if (u.operator === SyntaxKind.PlusPlusToken || u.operator === SyntaxKind.MinusMinusToken) collectTargets(u.operand, assigned);
          break;
        }
        case SyntaxKind.ForOfStatement: case SyntaxKind.ForInStatement: {
          const f = n as ts.ForOfStatement | ts.ForInStatement;
          if (!isVariableDeclarationList(f.initializer)) collectTargets(f.initializer, assigned);
          break;
        }
      }
      const saved = parent;
      parent = n;
      forEachChild(n, visitChild);
      parent = saved;
      const k = n.kind;
      if (k === SyntaxKind.CallExpression || (k === SyntaxKind.VariableDeclaration && (n as ts.VariableDeclaration).initializer)
        || (k === SyntaxKind.BinaryExpression && (n as ts.BinaryExpression).operatorToken.kind === SyntaxKind.EqualsToken)) this.postOrder.push(n);
    };
    visit(sf);
    for (const id of assigned) {
      const d = this.declOf(id);
      if (d) this.reassigned.add(d.node);
    }
  }

  private add(name: string, decl: Decl, scope: ts.Node | undefined): void {
    if (!scope) return;
    decl.scope = scope;
    const list = this.byName.get(name);
    if (list) list.push(decl); else this.byName.set(name, [decl]);
  }

  private addVariable(v: ts.VariableDeclaration): void {
    const list = v.parent;
    const isConst = isVariableDeclarationList(list) && (list.flags & NodeFlags.Const) !== 0;
    const blockScoped = isVariableDeclarationList(list) && (list.flags & NodeFlags.BlockScoped) !== 0;
    const scope = blockScoped ? nearest(v, isBlockScope) : nearest(v, isFunctionScope);
    // a for-of/for-in variable takes a new value every iteration: never a single known value
    const loopVar = isVariableDeclarationList(list) && (isForOfStatement(list.parent) || isForInStatement(list.parent));
    if (isIdentifier(v.name)) {
      this.add(v.name.text, { kind: loopVar ? 'other' : 'binding', init: loopVar ? undefined : v.initializer, isConst, node: v }, scope);
    } else if (isObjectBindingPattern(v.name) && v.initializer && !loopVar) {
      for (const el of v.name.elements) {
        if (!isIdentifier(el.name) || el.dotDotDotToken) { this.addNames(el.name, 'other', scope, isConst); continue; }
        const prop = el.propertyName ? (isIdentifier(el.propertyName) || isStringLiteral(el.propertyName) ? el.propertyName.text : undefined) : el.name.text;
        this.add(el.name.text, { kind: 'binding', init: prop !== undefined && !el.initializer ? v.initializer : undefined, property: prop, isConst, node: el }, scope);
      }
    } else {
      this.addNames(v.name, 'other', scope, isConst);
    }
  }

  private addNames(name: ts.BindingName, kind: DeclKind, scope: ts.Node | undefined, isConst: boolean): void {
    if (isIdentifier(name)) { this.add(name.text, { kind, isConst, node: name.parent }, scope); return; }
    for (const el of name.elements) if (!isOmittedExpression(el)) this.addNames(el.name, kind, scope, isConst);
  }

  /** The declaration an identifier refers to, if exactly one is visible in its nearest declaring scope. */
  declOf(id: ts.Identifier): Decl | undefined {
    const list = this.byName.get(id.text);
    if (!list) return undefined;
    if (list.length === 1) {
      const only = list[0];
      for (let n: ts.Node | undefined = id.parent; n; n = n.parent) if (n === only.scope) return only;
      return undefined;
    }
    // a name declared in many scopes (`model` in every builder function): index its declarations by scope once
    let byScope = this.byNameAndScope.get(id.text);
    if (!byScope) {
      byScope = new Map();
      for (const d of list) byScope.set(d.scope!, byScope.has(d.scope!) ? null : d);
      this.byNameAndScope.set(id.text, byScope);
    }
    for (let n: ts.Node | undefined = id.parent; n; n = n.parent) {
      const d = byScope.get(n);
      if (d !== undefined) return d ?? undefined; // null: declared twice in that scope, ambiguous
    }
    return undefined;
  }

  /** The declaration node (for identity comparisons: "is this the same `model` variable?"). */
  declNodeOf(id: ts.Identifier): ts.Node | undefined {
    return this.declOf(id)?.node;
  }

  /** What a single-assignment identifier was initialized with (following `const { a } = obj` through obj.a). */
  initializerOf(id: ts.Identifier): { init: ts.Expression; property?: string } | undefined {
    return this.initializerOfDecl(this.declOf(id));
  }

  initializerOfDecl(d: Decl | undefined): { init: ts.Expression; property?: string } | undefined {
    if (!d || d.kind !== 'binding' || !d.init) return undefined;
    if (!d.isConst && this.reassigned.has(d.node)) return undefined;
    return { init: d.init, property: d.property };
  }

  /** A function bound once to this name: `function f() {}`, or `const f = () => ...` never reassigned. */
  functionOf(id: ts.Identifier): ts.FunctionLikeDeclaration | undefined {
    const d = this.declOf(id);
    if (!d) return undefined;
    if (d.kind === 'function' && isFunctionDeclaration(d.node)) return d.node;
    if (d.kind === 'binding' && d.init && d.property === undefined && (d.isConst || !this.reassigned.has(d.node))) {
      const f = unwrap(d.init);
      if (isArrowFunction(f) || isFunctionExpression(f)) return f;
    }
    return undefined;
  }

  isImport(id: ts.Identifier): boolean { return this.declOf(id)?.kind === 'import'; }
  isDeclared(id: ts.Identifier): boolean { return this.declOf(id) !== undefined; }
}

function collectTargets(e: ts.Expression, out: ts.Identifier[]): void {
  e = unwrap(e);
  if (isIdentifier(e)) out.push(e);
  else if (isArrayLiteralExpression(e)) e.elements.forEach(x => collectTargets(isSpreadElement(x) ? x.expression : x, out));
  else if (isObjectLiteralExpression(e)) {
    for (const p of e.properties) {
      if (isShorthandPropertyAssignment(p)) out.push(p.name);
      else if (isPropertyAssignment(p)) collectTargets(p.initializer, out);
      else if (isSpreadAssignment(p)) collectTargets(p.expression, out);
    }
  }
}

/** The expression a function returns when its body is just that (`() => x`, `{ return x; }`). */
export function returnedExpression(f: ts.FunctionLikeDeclaration): ts.Expression | undefined {
  const body = f.body;
  if (!body) return undefined;
  if (!isBlock(body)) return body;
  if (body.statements.length === 1) {
    const st = body.statements[0];
    if (isReturnStatement(st) && st.expression) return st.expression;
  }
  return undefined;
}

/** Only `key: value` and shorthand properties with static names. */
function isPlainLiteral(lit: ts.ObjectLiteralExpression): boolean {
  const props = lit.properties;
  for (let i = 0; i < props.length; i++) {
    const p = props[i];
    if (!(isPropertyAssignment(p) || isShorthandPropertyAssignment(p)) || propertyNameText(p.name) === undefined) return false;
  }
  return true;
}

export type Literal = string | number | boolean | null | undefined;
/** "no statically known value" (distinct from `undefined`, which is a known value) */
export const NOT_KNOWN: unique symbol = Symbol('not known');
export type Evaluated = { known: true; value: Literal } | { known: false };

const UNKNOWN: Evaluated = { known: false };
const MAX_DEPTH = 12;

/** Reads an object property name that is statically known. */
export function propertyNameText(name: ts.PropertyName): string | undefined {
  if (isIdentifier(name) || isStringLiteral(name) || isNumericLiteral(name) || isNoSubstitutionTemplateLiteral(name)) return name.text;
  return undefined;
}

export interface PropValue { value: ts.Expression; inline: boolean; assignment?: ts.ObjectLiteralElementLike }

/**
 * The properties of a resolved object, by name. Most configs are a plain literal (no spreads, no computed keys):
 * those are read straight from the AST, nothing copied. Merged objects (spreads) keep small arrays.
 */
export class Props {
  private names?: string[];
  private values?: (PropValue | 'unknown')[];

  /** literal mode: `literal`'s own properties, all of them plain `key: value` or shorthand */
  constructor(private readonly literal?: ts.ObjectLiteralExpression, private readonly inline = true) {}

  private findOwn(name: string): ts.PropertyAssignment | ts.ShorthandPropertyAssignment | undefined {
    const props = this.literal!.properties;
    for (let i = props.length - 1; i >= 0; i--) {
      const p = props[i] as ts.PropertyAssignment | ts.ShorthandPropertyAssignment;
      if (propertyNameText(p.name) === name) return p;
    }
    return undefined;
  }

  get(name: string): PropValue | 'unknown' | undefined {
    if (this.literal) {
      const p = this.findOwn(name);
      if (!p) return undefined;
      return { value: isPropertyAssignment(p) ? p.initializer : p.name, inline: this.inline, assignment: p };
    }
    const i = this.names ? this.names.indexOf(name) : -1;
    return i < 0 ? undefined : this.values![i];
  }
  /** Just the value expression (no wrapper object): what the sketch reads for every config key. */
  valueOf(name: string): ts.Expression | 'unknown' | undefined {
    if (this.literal) {
      const p = this.findOwn(name);
      return p && (isPropertyAssignment(p) ? p.initializer : p.name);
    }
    const v = this.get(name);
    return v === undefined || v === 'unknown' ? v : v.value;
  }
  has(name: string): boolean {
    return this.literal ? this.findOwn(name) !== undefined : (this.names?.indexOf(name) ?? -1) >= 0;
  }
  set(name: string, value: PropValue | 'unknown'): void {
    if (this.literal) throw new Error('Props: literal mode is read-only');
    const names = this.names ??= [], values = this.values ??= [];
    const i = names.indexOf(name);
    if (i >= 0) values[i] = value;
    else { names.push(name); values.push(value); }
  }
  forEach(f: (value: PropValue | 'unknown', name: string) => void): void {
    if (this.literal) {
      for (const p of this.literal.properties) {
        const name = propertyNameText(p.name!)!;
        f(this.get(name)!, name);
      }
      return;
    }
    for (let i = 0; i < (this.names?.length ?? 0); i++) f(this.values![i], this.names![i]);
  }
}

/** A resolved object literal: known properties (value expressions), and whether unknown keys may exist. */
export interface ObjectInfo {
  /** the literal written in place (not reached through a variable): the only one quick fixes may edit */
  literal: ts.ObjectLiteralExpression;
  inline: boolean;
  props: Props;
  /** a spread whose keys are not known: any key not listed may still be set */
  openEnded: boolean;
}

export interface ArrayElement { expr: ts.Expression; inline: boolean; repeat?: number }
export interface ArrayInfo { elements: ArrayElement[]; openEnded: boolean }

export class Resolver {
  /** per-declaration memo for callers that classify the same names again and again (tfRef: `tf`, `layers`) */
  readonly memo = new Map<object, unknown>();

  constructor(readonly scopes: Scopes) {}

  /** Follows parentheses, `as`, and single-assignment identifiers to the expression that gives the value. */
  resolve(e: ts.Expression, depth = 0): ts.Expression {
    e = unwrap(e);
    if (depth > MAX_DEPTH) return e;
    if (isIdentifier(e)) {
      const d = this.scopes.initializerOf(e);
      if (!d) return e;
      if (d.property === undefined) return this.resolve(d.init, depth + 1);
      const obj = this.object(d.init, depth + 1);
      const p = obj?.props.get(d.property);
      if (p && p !== 'unknown') return this.resolve(p.value, depth + 1);
      return e;
    }
    // `hidden()` where `const hidden = () => tf.layers.dense(...)`: the returned expression (its parameters stay unknown)
    if (isCallExpression(e) && isIdentifier(e.expression)) {
      const f = this.scopes.functionOf(e.expression);
      const ret = f && returnedExpression(f);
      if (ret) return this.resolve(ret, depth + 1);
    }
    return e;
  }

  evaluate(e: ts.Expression): Evaluated {
    const v = this.value(e);
    return v === NOT_KNOWN ? UNKNOWN : { known: true, value: v };
  }

  /** The literal value of an expression, or NOT_KNOWN (no wrapper object: the sketch calls this for every config key). */
  value(e: ts.Expression, depth = 0): Literal | typeof NOT_KNOWN {
    if (depth > MAX_DEPTH) return NOT_KNOWN;
    e = this.resolve(e, depth);
    switch (e.kind) {
      case SyntaxKind.StringLiteral:
      case SyntaxKind.NoSubstitutionTemplateLiteral:
        return (e as ts.StringLiteral).text;
      case SyntaxKind.NumericLiteral: {
        const v = Number((e as ts.NumericLiteral).text.replace(/_/g, ''));
        return Number.isNaN(v) ? NOT_KNOWN : v;
      }
      case SyntaxKind.TrueKeyword: return true;
      case SyntaxKind.FalseKeyword: return false;
      case SyntaxKind.NullKeyword: return null;
    }
    if (isIdentifier(e)) {
      if (!this.scopes.isDeclared(e)) {
        if (e.text === 'undefined') return undefined;
        if (e.text === 'Infinity') return Infinity;
      }
      return NOT_KNOWN;
    }
    if (isPrefixUnaryExpression(e)) {
      const v = this.value(e.operand, depth + 1);
      if (typeof v !== 'number') return NOT_KNOWN;
      if (e.operator === SyntaxKind.MinusToken) return -v;
      if (e.operator === SyntaxKind.PlusToken) return v;
      return NOT_KNOWN;
    }
    if (isBinaryExpression(e)) {
      const x = this.value(e.left, depth + 1);
      if (x === NOT_KNOWN) return NOT_KNOWN;
      const y = this.value(e.right, depth + 1);
      if (y === NOT_KNOWN) return NOT_KNOWN;
      if (e.operatorToken.kind === SyntaxKind.PlusToken && typeof x === 'string' && (typeof y === 'string' || typeof y === 'number')) return x + y;
      if (typeof x !== 'number' || typeof y !== 'number') return NOT_KNOWN;
      switch (e.operatorToken.kind) {
        case SyntaxKind.PlusToken: return x + y;
        case SyntaxKind.MinusToken: return x - y;
        case SyntaxKind.AsteriskToken: return x * y;
        case SyntaxKind.SlashToken: return x / y;
        case SyntaxKind.AsteriskAsteriskToken: return x ** y;
      }
      return NOT_KNOWN;
    }
    return NOT_KNOWN;
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
    if (!isObjectLiteralExpression(lit)) return undefined;
    const inline = lit === original;
    // the common case: plain `key: value` / shorthand properties only, read in place
    if (isPlainLiteral(lit)) {
      return { literal: lit, inline, props: new Props(lit, inline), openEnded: false };
    }
    const info: ObjectInfo = { literal: lit, inline, props: new Props(), openEnded: false };
    for (const p of lit.properties) {
      if (isPropertyAssignment(p)) {
        const name = propertyNameText(p.name);
        if (name === undefined) { info.openEnded = true; continue; }
        info.props.set(name, { value: p.initializer, inline, assignment: p });
      } else if (isShorthandPropertyAssignment(p)) {
        info.props.set(p.name.text, { value: p.name, inline, assignment: p });
      } else if (isSpreadAssignment(p)) {
        this.spreadInto(info, p.expression, depth + 1);
      } else if (isMethodDeclaration(p) || isAccessor(p)) {
        const name = p.name && propertyNameText(p.name);
        if (name === undefined) info.openEnded = true; else info.props.set(name, 'unknown');
      }
    }
    return info;
  }

  private spreadInto(info: ObjectInfo, spread: ts.Expression, depth: number): void {
    const s = this.resolve(spread, depth);
    // `...(cond ? { a } : {})`: the keys of either branch may or may not be set
    if (isConditionalExpression(s)) {
      for (const branch of [s.whenTrue, s.whenFalse]) {
        const o = this.object(branch, depth);
        if (!o) { info.openEnded = true; continue; }
        if (o.openEnded) info.openEnded = true;
        o.props.forEach((_, k) => info.props.set(k, 'unknown'));
      }
      return;
    }
    const o = this.object(s, depth);
    if (!o) { info.openEnded = true; return; }
    if (o.openEnded) info.openEnded = true;
    o.props.forEach((v, k) => info.props.set(k, v === 'unknown' ? v : { value: v.value, inline: false, assignment: v.assignment }));
  }

  /** Elements of an array literal, flattening resolvable spreads and `Array.from({ length: n }, () => x)`. */
  array(e: ts.Expression, depth = 0): ArrayInfo | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const original = unwrap(e);
    const lit = this.resolve(e, depth);
    const inline = lit === original;
    const repeated = this.arrayFrom(lit);
    if (repeated) return { elements: [{ expr: repeated.item, inline: false, repeat: repeated.count }], openEnded: repeated.count === undefined };
    if (!isArrayLiteralExpression(lit)) return undefined;
    const info: ArrayInfo = { elements: [], openEnded: false };
    for (const el of lit.elements) {
      if (isSpreadElement(el)) {
        const inner = this.array(el.expression, depth + 1);
        if (!inner) { info.openEnded = true; info.elements.push({ expr: el, inline: false, repeat: undefined }); continue; }
        for (const x of inner.elements) info.elements.push({ ...x, inline: false });
        if (inner.openEnded) info.openEnded = true;
      } else if (!isOmittedExpression(el)) {
        info.elements.push({ expr: el, inline });
      }
    }
    return info;
  }

  /** `Array.from({ length: n }, (_, i) => item)`: n copies of the item (n undefined when not known). */
  private arrayFrom(e: ts.Expression): { item: ts.Expression; count: number | undefined } | undefined {
    if (!isCallExpression(e) || e.arguments.length !== 2) return undefined;
    const callee = e.expression;
    if (!isPropertyAccessExpression(callee) || callee.name.text !== 'from' || !isIdentifier(callee.expression) || callee.expression.text !== 'Array') return undefined;
    const fn = unwrap(e.arguments[1]);
    if (!isArrowFunction(fn) && !isFunctionExpression(fn)) return undefined;
    const item = returnedExpression(fn);
    if (!item) return undefined;
    const spec = this.object(e.arguments[0]);
    const len = spec?.props.get('length');
    const count = len && len !== 'unknown' ? this.number(len.value) : undefined;
    return { item, count: count !== undefined && Number.isInteger(count) && count >= 0 ? count : undefined };
  }
}
