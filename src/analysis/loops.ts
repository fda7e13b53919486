/**
 * How many times a statement runs, read from the code around it: `for (let i = a; i <= b; i++)` with constant
 * bounds, `for (const u of [64, 64, 32])`, `[64, 32].forEach(...)`, `Array.from({ length: n }).forEach(...)`.
 * A loop whose trip count is not known counts once, as a lower bound; a branch may not run at all. Never a guess.
 */
import ts from 'typescript';
import type { Resolver } from './values';
import { unwrap } from './scopes';

const {
  SyntaxKind,
  forEachChild,
  isArrowFunction,
  isBinaryExpression,
  isBreakStatement,
  isCallExpression,
  isCatchClause,
  isConditionalExpression,
  isDoStatement,
  isForInStatement,
  isForOfStatement,
  isForStatement,
  isFunctionExpression,
  isFunctionLike,
  isIdentifier,
  isIfStatement,
  isLabeledStatement,
  isPostfixUnaryExpression,
  isPrefixUnaryExpression,
  isPropertyAccessExpression,
  isReturnStatement,
  isSwitchStatement,
  isTryStatement,
  isVariableDeclarationList,
  isWhileStatement,
  isClassLike,
  isBlock,
  isSourceFile,
  isModuleBlock,
} = ts;

/**
 * `count`: runs exactly this many times (number) or not certainly ('maybe'); `atLeast`: with 'maybe', the runs that
 * are certain when every loop runs at least once (a loop of unknown length counts once).
 */
export interface Multiplicity {
  count: number | 'maybe';
  atLeast: number;
}

/** Above this many iterations a loop is not worth unrolling in a count (and is not a layer stack anyone writes). */
const MAX_TRIPS = 100_000;

/**
 * The runs of `node` each time `home` (a block or function body) runs. Walks up from `node`: loops multiply, a
 * branch makes it uncertain, a callback counts only as the `forEach` of a known array.
 */
export function multiplicity(node: ts.Node, home: ts.Node | undefined, resolver: Resolver): Multiplicity {
  let exact = 1;
  let lowerBound = false;
  let child: ts.Node = node;
  let reached = home === undefined;
  for (let n: ts.Node | undefined = node.parent; n; child = n, n = n.parent) {
    if (n === home) {
      reached = true;
      break;
    }
    if (isForStatement(n)) {
      if (child === n.statement) {
        const trips = forTrips(n, resolver);
        if (trips === undefined) lowerBound = true;
        else exact *= trips;
      }
    } else if (isForOfStatement(n)) {
      if (child === n.statement) {
        const trips = arrayLength(n.expression, resolver);
        if (trips === undefined) lowerBound = true;
        else exact *= trips;
      }
    } else if (isWhileStatement(n) || isDoStatement(n) || isForInStatement(n)) {
      if (child === n.statement) lowerBound = true;
    } else if (isFunctionLike(n)) {
      const trips = forEachTrips(n, resolver);
      if (trips === undefined) return { count: 'maybe', atLeast: 0 };
      exact *= trips;
      n = n.parent; // the forEach call: continue from it
      if (!n) break;
    } else if (
      isIfStatement(n) ||
      isConditionalExpression(n) ||
      isSwitchStatement(n) ||
      isTryStatement(n) ||
      isCatchClause(n) ||
      isClassLike(n)
    ) {
      if (!(isIfStatement(n) && child === n.expression) && !(isConditionalExpression(n) && child === n.condition))
        return { count: 'maybe', atLeast: 0 };
    } else if (isBinaryExpression(n)) {
      const op = n.operatorToken.kind;
      if (
        (op === SyntaxKind.AmpersandAmpersandToken ||
          op === SyntaxKind.BarBarToken ||
          op === SyntaxKind.QuestionQuestionToken) &&
        child === n.right
      ) {
        return { count: 'maybe', atLeast: 0 };
      }
    }
  }
  if (!reached) return { count: 'maybe', atLeast: 0 };
  return lowerBound ? { count: 'maybe', atLeast: exact } : { count: exact, atLeast: exact };
}

/** `for (let i = a; i < b; i += k)` (also <=, >, >=, ++, --, -=) with a, b, k known and i not written in the body. */
function forTrips(f: ts.ForStatement, resolver: Resolver): number | undefined {
  const init = f.initializer,
    cond = f.condition,
    inc = f.incrementor;
  if (!init || !cond || !inc || !isVariableDeclarationList(init) || init.declarations.length !== 1) return undefined;
  const decl = init.declarations[0];
  if (!isIdentifier(decl.name) || !decl.initializer) return undefined;
  const name = decl.name.text;
  const start = resolver.number(decl.initializer);
  const c = unwrap(cond);
  if (start === undefined || !isBinaryExpression(c)) return undefined;
  const left = unwrap(c.left),
    right = unwrap(c.right);
  let op: ts.SyntaxKind = c.operatorToken.kind,
    boundExpr: ts.Expression;
  if (isIdentifier(left) && left.text === name) boundExpr = right;
  else if (isIdentifier(right) && right.text === name) {
    boundExpr = left;
    op = FLIP[op] ?? SyntaxKind.Unknown;
  } else return undefined;
  const bound = resolver.number(boundExpr);
  const step = stepOf(unwrap(inc), name, resolver);
  if (bound === undefined || step === undefined || step === 0 || writes(f.statement, name) || exits(f.statement))
    return undefined;
  let trips: number;
  if (op === SyntaxKind.LessThanToken && step > 0) trips = Math.ceil((bound - start) / step);
  else if (op === SyntaxKind.LessThanEqualsToken && step > 0) trips = Math.floor((bound - start) / step) + 1;
  else if (op === SyntaxKind.GreaterThanToken && step < 0) trips = Math.ceil((start - bound) / -step);
  else if (op === SyntaxKind.GreaterThanEqualsToken && step < 0) trips = Math.floor((start - bound) / -step) + 1;
  else return undefined;
  trips = Math.max(0, trips);
  return Number.isFinite(trips) && trips <= MAX_TRIPS ? trips : undefined;
}

const FLIP: Partial<Record<ts.SyntaxKind, ts.SyntaxKind>> = {
  [SyntaxKind.LessThanToken]: SyntaxKind.GreaterThanToken,
  [SyntaxKind.GreaterThanToken]: SyntaxKind.LessThanToken,
  [SyntaxKind.LessThanEqualsToken]: SyntaxKind.GreaterThanEqualsToken,
  [SyntaxKind.GreaterThanEqualsToken]: SyntaxKind.LessThanEqualsToken,
};

function stepOf(inc: ts.Expression, name: string, resolver: Resolver): number | undefined {
  if (
    (isPostfixUnaryExpression(inc) || isPrefixUnaryExpression(inc)) &&
    isIdentifier(inc.operand) &&
    inc.operand.text === name
  ) {
    return inc.operator === SyntaxKind.PlusPlusToken ? 1 : inc.operator === SyntaxKind.MinusMinusToken ? -1 : undefined;
  }
  if (isBinaryExpression(inc) && isIdentifier(inc.left) && inc.left.text === name) {
    const op = inc.operatorToken.kind;
    if (op === SyntaxKind.PlusEqualsToken || op === SyntaxKind.MinusEqualsToken) {
      const k = resolver.number(inc.right);
      return k === undefined ? undefined : op === SyntaxKind.PlusEqualsToken ? k : -k;
    }
  }
  return undefined;
}

/** Any assignment to `name` inside the loop body (the counter changed by hand). */
function writes(body: ts.Node, name: string): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (
      isBinaryExpression(n) &&
      n.operatorToken.kind >= SyntaxKind.FirstAssignment &&
      n.operatorToken.kind <= SyntaxKind.LastAssignment &&
      isIdentifier(unwrap(n.left)) &&
      (unwrap(n.left) as ts.Identifier).text === name
    )
      found = true;
    else if (
      (isPrefixUnaryExpression(n) || isPostfixUnaryExpression(n)) &&
      isIdentifier(n.operand) &&
      n.operand.text === name
    )
      found = true;
    else forEachChild(n, visit);
  };
  visit(body);
  return found;
}

/** A `break` or `return` that can leave the loop early: its count is then an upper bound only. */
function exits(body: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node, nestedLoop: boolean): void => {
    if (found || isFunctionLike(n) || isClassLike(n)) return;
    if (isReturnStatement(n) || (isBreakStatement(n) && (!nestedLoop || n.label))) {
      found = true;
      return;
    }
    const inner =
      nestedLoop ||
      isForStatement(n) ||
      isForOfStatement(n) ||
      isForInStatement(n) ||
      isWhileStatement(n) ||
      isDoStatement(n) ||
      isSwitchStatement(n) ||
      isLabeledStatement(n);
    forEachChild(n, c => visit(c, inner));
  };
  visit(body, false);
  return found;
}

/** The length of an array whose elements are all known (spreads resolved, `Array.from({ length: n }, f)`). */
function arrayLength(e: ts.Expression, resolver: Resolver): number | undefined {
  const from = arrayFromLength(e, resolver);
  if (from !== undefined) return from;
  const arr = resolver.array(e);
  if (!arr || arr.openEnded) return undefined;
  let n = 0;
  for (const el of arr.elements) {
    if (el.repeat === undefined && el.expr.kind === SyntaxKind.SpreadElement) return undefined;
    n += el.repeat ?? 1;
  }
  return n;
}

/** `Array.from({ length: n })` (with or without a map function). */
function arrayFromLength(e: ts.Expression, resolver: Resolver): number | undefined {
  e = unwrap(e);
  if (!isCallExpression(e) || e.arguments.length < 1) return undefined;
  const callee = e.expression;
  if (
    !isPropertyAccessExpression(callee) ||
    callee.name.text !== 'from' ||
    !isIdentifier(callee.expression) ||
    callee.expression.text !== 'Array'
  )
    return undefined;
  const len = resolver.object(e.arguments[0])?.props.get('length');
  const n = len && len !== 'unknown' ? resolver.number(len.value) : undefined;
  return n !== undefined && Number.isInteger(n) && n >= 0 && n <= MAX_TRIPS ? n : undefined;
}

/** A callback passed to `<known array>.forEach(...)`: how many times it is called. */
function forEachTrips(f: ts.Node, resolver: Resolver): number | undefined {
  if (!isArrowFunction(f) && !isFunctionExpression(f)) return undefined;
  const call = f.parent;
  if (!call || !isCallExpression(call) || call.arguments[0] !== f) return undefined;
  const callee = call.expression;
  if (!isPropertyAccessExpression(callee) || callee.name.text !== 'forEach') return undefined;
  return arrayLength(callee.expression, resolver);
}

/** The block or function a node sits in (where a model created there is "at home"). */
export function scopeOf(decl: ts.Node): ts.Node | undefined {
  for (let n: ts.Node | undefined = decl.parent; n; n = n.parent) {
    if (isBlock(n) || isSourceFile(n) || isModuleBlock(n) || isFunctionLike(n)) return n;
  }
  return undefined;
}
