/**
 * One index per source file of which declaration each identifier refers to (scopes as the language defines them),
 * which bindings are ever reassigned, and the calls/declarations/assignments in post-order for the sketch.
 */
import ts from 'typescript';

// TypeScript 5's CommonJS exports are getters: bind what the hot paths call once, not on every node
const {
  NodeFlags,
  SyntaxKind,
  forEachChild,
  isArrayLiteralExpression,
  isArrowFunction,
  isAsExpression,
  isBlock,
  isCaseBlock,
  isCatchClause,
  isClassDeclaration,
  isClassLike,
  isForInStatement,
  isForOfStatement,
  isForStatement,
  isFunctionDeclaration,
  isFunctionExpression,
  isFunctionLike,
  isIdentifier,
  isModuleBlock,
  isNonNullExpression,
  isObjectBindingPattern,
  isPropertyAccessExpression,
  isElementAccessExpression,
  isObjectLiteralExpression,
  isOmittedExpression,
  isParenthesizedExpression,
  isPropertyAssignment,
  isReturnStatement,
  isSatisfiesExpression,
  isShorthandPropertyAssignment,
  isSourceFile,
  isSpreadAssignment,
  isSpreadElement,
  isStringLiteral,
  isTypeAssertionExpression,
  isVariableDeclarationList,
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
  return (
    isBlock(n) ||
    isSourceFile(n) ||
    isModuleBlock(n) ||
    isCaseBlock(n) ||
    isCatchClause(n) ||
    isForStatement(n) ||
    isForInStatement(n) ||
    isForOfStatement(n) ||
    isFunctionLike(n) ||
    isClassLike(n)
  );
}
function isFunctionScope(n: ts.Node): boolean {
  return isFunctionLike(n) || isSourceFile(n);
}

function nearest(node: ts.Node, pred: (n: ts.Node) => boolean): ts.Node | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) if (pred(n)) return n;
  return undefined;
}

export function unwrap(e: ts.Expression): ts.Expression {
  for (;;) {
    if (
      isParenthesizedExpression(e) ||
      isAsExpression(e) ||
      isNonNullExpression(e) ||
      isTypeAssertionExpression(e) ||
      isSatisfiesExpression(e)
    )
      e = e.expression;
    else return e;
  }
}

/** One index per source file: declarations by scope, and which of them are ever reassigned. */
export class Scopes {
  /** declarations by name (with their scope): most names have one, so resolving is a walk up parent pointers */
  private readonly byName = new Map<string, Decl[]>();
  private readonly byNameAndScope = new Map<string, Map<ts.Node, Decl | null>>();
  private readonly reassigned = new Set<ts.Node>();
  /** bindings whose object or array is changed in place (`cfg.lr = 1`, `cfg['lr'] = 1`, `arr[0] = 1`) */
  private readonly mutated = new Set<ts.Node>();
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
    const members: ts.Identifier[] = [];
    let parent: ts.Node = sf;
    const visitChild = (c: ts.Node): void => {
      (c as { parent: ts.Node }).parent = parent;
      visit(c);
    };
    const visit = (n: ts.Node): void => {
      switch (n.kind) {
        case SyntaxKind.VariableDeclaration:
          this.addVariable(n as ts.VariableDeclaration);
          break;
        case SyntaxKind.Parameter: {
          // a plain parameter is known by its declaration (helpers that add to the model they are given)
          const p = n as ts.ParameterDeclaration;
          if (isIdentifier(p.name))
            this.add(p.name.text, { kind: 'param', isConst: false, node: p }, nearest(n, ts.isFunctionLike));
          else this.addNames(p.name, 'param', nearest(n, ts.isFunctionLike), false);
          break;
        }
        case SyntaxKind.FunctionDeclaration:
        case SyntaxKind.ClassDeclaration: {
          const d = n as ts.FunctionDeclaration | ts.ClassDeclaration;
          if (d.name)
            this.add(
              d.name.text,
              { kind: isClassDeclaration(d) ? 'class' : 'function', isConst: false, node: d },
              nearest(d, isBlockScope),
            );
          break;
        }
        case SyntaxKind.ImportClause:
        case SyntaxKind.ImportSpecifier:
        case SyntaxKind.NamespaceImport:
        case SyntaxKind.ImportEqualsDeclaration: {
          const name = (n as ts.ImportClause | ts.ImportSpecifier | ts.NamespaceImport | ts.ImportEqualsDeclaration)
            .name;
          if (name) this.add(name.text, { kind: 'import', isConst: true, node: n }, sf);
          break;
        }
        case SyntaxKind.BinaryExpression: {
          const b = n as ts.BinaryExpression;
          if (b.operatorToken.kind >= SyntaxKind.FirstAssignment && b.operatorToken.kind <= SyntaxKind.LastAssignment)
            collectTargets(b.left, assigned, members);
          break;
        }
        case SyntaxKind.PrefixUnaryExpression:
        case SyntaxKind.PostfixUnaryExpression: {
          const u = n as ts.PrefixUnaryExpression | ts.PostfixUnaryExpression;
          if (u.operator === SyntaxKind.PlusPlusToken || u.operator === SyntaxKind.MinusMinusToken)
            collectTargets(u.operand, assigned, members);
          break;
        }
        case SyntaxKind.ForOfStatement:
        case SyntaxKind.ForInStatement: {
          const f = n as ts.ForOfStatement | ts.ForInStatement;
          if (!isVariableDeclarationList(f.initializer)) collectTargets(f.initializer, assigned, members);
          break;
        }
      }
      const saved = parent;
      parent = n;
      forEachChild(n, visitChild);
      parent = saved;
      const k = n.kind;
      if (
        k === SyntaxKind.CallExpression ||
        (k === SyntaxKind.VariableDeclaration && (n as ts.VariableDeclaration).initializer) ||
        (k === SyntaxKind.BinaryExpression && (n as ts.BinaryExpression).operatorToken.kind === SyntaxKind.EqualsToken)
      )
        this.postOrder.push(n);
    };
    visit(sf);
    for (const id of assigned) {
      const d = this.declOf(id);
      if (d) this.reassigned.add(d.node);
    }
    for (const id of members) {
      const d = this.declOf(id);
      if (d) this.mutated.add(d.node);
    }
  }

  private add(name: string, decl: Decl, scope: ts.Node | undefined): void {
    if (!scope) return;
    decl.scope = scope;
    const list = this.byName.get(name);
    if (list) list.push(decl);
    else this.byName.set(name, [decl]);
  }

  private addVariable(v: ts.VariableDeclaration): void {
    const list = v.parent;
    const isConst = isVariableDeclarationList(list) && (list.flags & NodeFlags.Const) !== 0;
    const blockScoped = isVariableDeclarationList(list) && (list.flags & NodeFlags.BlockScoped) !== 0;
    const scope = blockScoped ? nearest(v, isBlockScope) : nearest(v, isFunctionScope);
    // a for-of/for-in variable takes a new value every iteration: never a single known value
    const loopVar = isVariableDeclarationList(list) && (isForOfStatement(list.parent) || isForInStatement(list.parent));
    if (isIdentifier(v.name)) {
      this.add(
        v.name.text,
        { kind: loopVar ? 'other' : 'binding', init: loopVar ? undefined : v.initializer, isConst, node: v },
        scope,
      );
    } else if (isObjectBindingPattern(v.name) && v.initializer && !loopVar) {
      for (const el of v.name.elements) {
        if (!isIdentifier(el.name) || el.dotDotDotToken) {
          this.addNames(el.name, 'other', scope, isConst);
          continue;
        }
        const prop = el.propertyName
          ? isIdentifier(el.propertyName) || isStringLiteral(el.propertyName)
            ? el.propertyName.text
            : undefined
          : el.name.text;
        this.add(
          el.name.text,
          {
            kind: 'binding',
            init: prop !== undefined && !el.initializer ? v.initializer : undefined,
            property: prop,
            isConst,
            node: el,
          },
          scope,
        );
      }
    } else {
      this.addNames(v.name, 'other', scope, isConst);
    }
  }

  private addNames(name: ts.BindingName, kind: DeclKind, scope: ts.Node | undefined, isConst: boolean): void {
    // (parent pointers are not set yet below the node being visited: the name itself identifies the binding)
    if (isIdentifier(name)) {
      this.add(name.text, { kind, isConst, node: name }, scope);
      return;
    }
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

  /** Whether the object or array this identifier is bound to is written to in place somewhere in the file. */
  isMutated(id: ts.Identifier): boolean {
    const d = this.declOf(id);
    return !d || this.mutated.has(d.node);
  }

  isImport(id: ts.Identifier): boolean {
    return this.declOf(id)?.kind === 'import';
  }
  isDeclared(id: ts.Identifier): boolean {
    return this.declOf(id) !== undefined;
  }
}

function collectTargets(e: ts.Expression, out: ts.Identifier[], members: ts.Identifier[]): void {
  e = unwrap(e);
  if (isIdentifier(e)) out.push(e);
  else if (isArrayLiteralExpression(e))
    e.elements.forEach(x => collectTargets(isSpreadElement(x) ? x.expression : x, out, members));
  else if (isObjectLiteralExpression(e)) {
    for (const p of e.properties) {
      if (isShorthandPropertyAssignment(p)) out.push(p.name);
      else if (isPropertyAssignment(p)) collectTargets(p.initializer, out, members);
      else if (isSpreadAssignment(p)) collectTargets(p.expression, out, members);
    }
  } else if (isPropertyAccessExpression(e) || isElementAccessExpression(e)) {
    // `cfg.a.b = x` changes what `cfg` holds
    let root: ts.Expression = e;
    while (isPropertyAccessExpression(root) || isElementAccessExpression(root)) root = unwrap(root.expression);
    if (isIdentifier(root)) members.push(root);
  }
}

/**
 * The expression a function returns when it has one way out: `() => x`, or a body whose last statement is its only
 * `return x` (`{ const l = tf.layers.dense(...); return l; }`).
 */
export function returnedExpression(f: ts.FunctionLikeDeclaration): ts.Expression | undefined {
  const body = f.body;
  if (!body) return undefined;
  if (!isBlock(body)) return body;
  const n = body.statements.length;
  const last = n ? body.statements[n - 1] : undefined;
  if (!last || !isReturnStatement(last) || !last.expression) return undefined;
  if (n === 1) return last.expression;
  if (singleReturn.has(f)) return singleReturn.get(f) ? last.expression : undefined;
  let returns = 0;
  const visit = (x: ts.Node): void => {
    if (returns > 1 || isFunctionLike(x) || isClassLike(x)) return;
    if (isReturnStatement(x)) returns++;
    forEachChild(x, visit);
  };
  body.statements.forEach(visit);
  singleReturn.set(f, returns === 1);
  return returns === 1 ? last.expression : undefined;
}

/** functions with several statements whose body was searched for other returns: the walk is done once */
const singleReturn = new WeakMap<ts.Node, boolean>();
