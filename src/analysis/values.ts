/**
 * Resolving what an expression stands for, statically: literals, simple arithmetic, and identifiers bound once
 * (`const`, or `let`/`var` never reassigned) in an enclosing scope of the same file. Anything else is unknown:
 * the linter reports only what the source states, never a guess. What a resolved object or array holds is
 * described in objectProps.ts.
 */
import ts from 'typescript';
import { Scopes, unwrap, returnedExpression } from './scopes';
import { isPlainLiteral, propertyNameText, Props, type ArrayInfo, type ObjectInfo } from './objectProps';

export { Scopes, unwrap, returnedExpression, type Decl } from './scopes';
export { propertyNameText } from './objectProps';

// TypeScript 5's CommonJS exports are getters: bind what the hot paths call once, not on every node
const {
  SyntaxKind,
  isAccessor,
  isArrayLiteralExpression,
  isArrowFunction,
  isCallExpression,
  isConditionalExpression,
  isFunctionExpression,
  isIdentifier,
  isMethodDeclaration,
  isObjectLiteralExpression,
  isOmittedExpression,
  isPrefixUnaryExpression,
  isPropertyAccessExpression,
  isPropertyAssignment,
  isShorthandPropertyAssignment,
  isSpreadAssignment,
  isSpreadElement,
  isBinaryExpression,
  isElementAccessExpression,
  isTemplateExpression,
} = ts;

export type Literal = string | number | boolean | null | undefined;
/** "no statically known value" (distinct from `undefined`, which is a known value) */
export const NOT_KNOWN: unique symbol = Symbol('not known');
export type Evaluated = { known: true; value: Literal } | { known: false };

const UNKNOWN: Evaluated = { known: false };
const MATH: Readonly<Record<string, (...xs: number[]) => number>> = {
  pow: (a, b) => a ** b,
  sqrt: Math.sqrt,
  min: Math.min,
  max: Math.max,
  round: Math.round,
  floor: Math.floor,
  ceil: Math.ceil,
  abs: Math.abs,
};
const MAX_DEPTH = 12;

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
    // `CONFIG.lr`, `UNITS[1]`: a member of a const object/array literal that is never written to in place
    if (isPropertyAccessExpression(e) || isElementAccessExpression(e)) {
      const member = this.member(e, depth);
      if (member) return this.resolve(member, depth + 1);
    }
    return e;
  }

  private member(
    e: ts.PropertyAccessExpression | ts.ElementAccessExpression,
    depth: number,
  ): ts.Expression | undefined {
    let root: ts.Expression = e.expression;
    while (isPropertyAccessExpression(root) || isElementAccessExpression(root)) root = unwrap(root.expression);
    if (!isIdentifier(root) || this.scopes.isMutated(root)) return undefined;
    if (isPropertyAccessExpression(e)) {
      if (!isIdentifier(e.name)) return undefined;
      const p = this.object(e.expression, depth + 1)?.props.get(e.name.text);
      return p && p !== 'unknown' ? p.value : undefined;
    }
    const key = this.value(e.argumentExpression, depth + 1);
    if (typeof key === 'string') {
      const p = this.object(e.expression, depth + 1)?.props.get(key);
      return p && p !== 'unknown' ? p.value : undefined;
    }
    if (typeof key !== 'number' || !Number.isInteger(key) || key < 0) return undefined;
    const arr = this.array(e.expression, depth + 1);
    if (!arr) return undefined;
    // an element is known only when nothing before it has an unknown length
    for (let i = 0; i < arr.elements.length && i <= key; i++) {
      const el = arr.elements[i];
      if (el.repeat !== undefined || isSpreadElement(el.expr)) return undefined;
      if (i === key) return el.expr;
    }
    return undefined;
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
      case SyntaxKind.TrueKeyword:
        return true;
      case SyntaxKind.FalseKeyword:
        return false;
      case SyntaxKind.NullKeyword:
        return null;
    }
    if (isIdentifier(e)) {
      if (!this.scopes.isDeclared(e)) {
        if (e.text === 'undefined') return undefined;
        if (e.text === 'Infinity') return Infinity;
      }
      return NOT_KNOWN;
    }
    if (isTemplateExpression(e)) {
      let text = e.head.text;
      for (const span of e.templateSpans) {
        const v = this.value(span.expression, depth + 1);
        if (v === NOT_KNOWN) return NOT_KNOWN;
        text += String(v) + span.literal.text;
      }
      return text;
    }
    if (isCallExpression(e)) return this.mathCall(e, depth);
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
      if (
        e.operatorToken.kind === SyntaxKind.PlusToken &&
        typeof x === 'string' &&
        (typeof y === 'string' || typeof y === 'number')
      )
        return x + y;
      if (typeof x !== 'number' || typeof y !== 'number') return NOT_KNOWN;
      switch (e.operatorToken.kind) {
        case SyntaxKind.PlusToken:
          return x + y;
        case SyntaxKind.MinusToken:
          return x - y;
        case SyntaxKind.AsteriskToken:
          return x * y;
        case SyntaxKind.SlashToken:
          return x / y;
        case SyntaxKind.AsteriskAsteriskToken:
          return x ** y;
      }
      return NOT_KNOWN;
    }
    return NOT_KNOWN;
  }

  /** `Math.pow(10, -3)`, `Math.min(a, b)`...: on known numbers only */
  private mathCall(e: ts.CallExpression, depth: number): Literal | typeof NOT_KNOWN {
    const callee = e.expression;
    if (
      !isPropertyAccessExpression(callee) ||
      !isIdentifier(callee.expression) ||
      callee.expression.text !== 'Math' ||
      this.scopes.isDeclared(callee.expression)
    )
      return NOT_KNOWN;
    const f = MATH[callee.name.text];
    if (!f) return NOT_KNOWN;
    const args: number[] = [];
    for (const a of e.arguments) {
      const v = this.value(a, depth + 1);
      if (typeof v !== 'number') return NOT_KNOWN;
      args.push(v);
    }
    return f(...args);
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
        if (name === undefined) {
          info.openEnded = true;
          continue;
        }
        info.props.set(name, { value: p.initializer, inline, assignment: p });
      } else if (isShorthandPropertyAssignment(p)) {
        info.props.set(p.name.text, { value: p.name, inline, assignment: p });
      } else if (isSpreadAssignment(p)) {
        this.spreadInto(info, p.expression, depth + 1);
      } else if (isMethodDeclaration(p) || isAccessor(p)) {
        const name = p.name && propertyNameText(p.name);
        if (name === undefined) info.openEnded = true;
        else info.props.set(name, 'unknown');
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
        if (!o) {
          info.openEnded = true;
          continue;
        }
        if (o.openEnded) info.openEnded = true;
        o.props.forEach((_, k) => info.props.set(k, 'unknown'));
      }
      return;
    }
    const o = this.object(s, depth);
    if (!o) {
      info.openEnded = true;
      return;
    }
    if (o.openEnded) info.openEnded = true;
    o.props.forEach((v, k) =>
      info.props.set(k, v === 'unknown' ? v : { value: v.value, inline: false, assignment: v.assignment }),
    );
  }

  /** Elements of an array literal, flattening resolvable spreads and `Array.from({ length: n }, () => x)`. */
  array(e: ts.Expression, depth = 0): ArrayInfo | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const original = unwrap(e);
    const lit = this.resolve(e, depth);
    const inline = lit === original;
    const repeated = this.arrayFrom(lit);
    if (repeated)
      return {
        elements: [{ expr: repeated.item, inline: false, repeat: repeated.count }],
        openEnded: repeated.count === undefined,
      };
    if (!isArrayLiteralExpression(lit)) return undefined;
    const info: ArrayInfo = { elements: [], openEnded: false };
    for (const el of lit.elements) {
      if (isSpreadElement(el)) {
        const inner = this.array(el.expression, depth + 1);
        if (!inner) {
          info.openEnded = true;
          info.elements.push({ expr: el, inline: false, repeat: undefined });
          continue;
        }
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
    if (
      !isPropertyAccessExpression(callee) ||
      callee.name.text !== 'from' ||
      !isIdentifier(callee.expression) ||
      callee.expression.text !== 'Array'
    )
      return undefined;
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
