/**
 * The search space a job declares: `hparams(defaults, { lr: logUniform(1e-6, 1e-2), units: choice(32, 64), ... })`
 * imported from 'training-lens' (a bare `[min, max]` is logUniform).
 * Parse-only (TypeScript compiler API, nothing runs), so a sweep can be planned before any code executes. Values
 * resolve like the linter's: literals, simple arithmetic (`10 ** -6`) and consts of the same file.
 */
import ts from 'typescript';
import * as fs from 'node:fs';
import { parseSource } from '../analysis/parse';
import { TOOLKIT_MODULE } from '../runner/config';
import { Scopes, Resolver, unwrap, propertyNameText } from '../analysis/values';
import type { SearchDimension } from '../protocol';

export type HparamValue = number | string | boolean;
export type { SearchDimension };

/** The toolkit's space helpers as written in a job, and the bare `[min, max]` pair (log-uniform, as before). */
const SPACE_HELPERS = ['choice', 'intRange', 'uniform', 'logUniform'] as const;
type SpaceHelper = (typeof SPACE_HELPERS)[number];

export interface SweepSpace {
  file: string;
  /** 1-based line of the `hparams(` call */
  line: number;
  /** the defaults written in the call (only those statically known) */
  defaults: Record<string, HparamValue>;
  space: Record<string, SearchDimension>;
}

/** A job whose search space cannot be used; `file:line:column` point at the offending code. */
export class SpaceError extends Error {
  constructor(
    readonly reason: string,
    readonly file: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
    this.name = 'SpaceError';
  }
}

/** Local names of `hparams` and the space helpers (local -> exported name), and namespace imports of 'training-lens'. */
function toolkitImports(sf: ts.SourceFile): { direct: Map<string, string>; namespaces: Set<string> } {
  const direct = new Map<string, string>();
  const namespaces = new Set<string>();
  for (const st of sf.statements) {
    if (
      !ts.isImportDeclaration(st) ||
      !ts.isStringLiteral(st.moduleSpecifier) ||
      st.moduleSpecifier.text !== TOOLKIT_MODULE
    )
      continue;
    const bindings = st.importClause?.namedBindings;
    if (!bindings) continue;
    if (ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
    else for (const el of bindings.elements) direct.set(el.name.text, (el.propertyName ?? el.name).text);
  }
  return { direct, namespaces };
}

/** The toolkit function a call names (`hparams`, `choice`, …; through a namespace import too), if any. */
function toolkitCallee(call: ts.CallExpression, imports: ReturnType<typeof toolkitImports>): string | undefined {
  const callee = unwrap(call.expression);
  if (ts.isIdentifier(callee)) return imports.direct.get(callee.text);
  if (
    ts.isPropertyAccessExpression(callee) &&
    ts.isIdentifier(callee.expression) &&
    imports.namespaces.has(callee.expression.text)
  )
    return callee.name.text;
  return undefined;
}

export function readSweepSpace(text: string, file: string): SweepSpace {
  const sf = parseSource(text, file);
  const scopes = new Scopes(sf); // also sets parent pointers
  const resolver = new Resolver(scopes);
  const where = (node: ts.Node) => {
    const p = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    return { line: p.line + 1, column: p.character + 1 };
  };
  const fail = (node: ts.Node, reason: string): never => {
    const { line, column } = where(node);
    throw new SpaceError(reason, file, line, column);
  };

  const imports = toolkitImports(sf);
  const calls: ts.CallExpression[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && toolkitCallee(n, imports) === 'hparams') calls.push(n);
    ts.forEachChild(n, visit);
  };
  visit(sf);

  if (calls.length === 0) {
    throw new SpaceError(
      `no hparams(defaults, space) call: import { hparams } from '${TOOLKIT_MODULE}' and declare the search space, ` +
        `e.g. hparams({ lr: 1e-3 }, { lr: [1e-6, 1e-2] })`,
      file,
      1,
      1,
    );
  }
  if (calls.length > 1)
    fail(
      calls[1],
      `hparams() is called more than once (first at line ${where(calls[0]).line}); a sweep needs one search space`,
    );
  const call = calls[0];
  const [defaultsArg, spaceArg] = call.arguments;
  if (!spaceArg)
    fail(
      call,
      'hparams() has no search space: pass { name: logUniform(min, max) / choice(...) / … } as its second argument',
    );

  const defaults: Record<string, HparamValue> = {};
  const defaultsObj = defaultsArg ? resolver.object(defaultsArg) : undefined;
  defaultsObj?.props.forEach((p, name) => {
    if (p === 'unknown') return;
    const v = resolver.evaluate(p.value);
    if (v.known && (typeof v.value === 'number' || typeof v.value === 'string' || typeof v.value === 'boolean'))
      defaults[name] = v.value;
  });

  const spaceObj = resolver.object(spaceArg);
  if (!spaceObj)
    fail(
      spaceArg,
      'the search space must be an object literal, e.g. { lr: logUniform(1e-6, 1e-2), units: choice(32, 64) }',
    );
  const literal = spaceObj!.literal;
  for (const p of literal.properties) {
    if (!ts.isPropertyAssignment(p) || propertyNameText(p.name) === undefined) {
      fail(
        p,
        'the search space must be written out: plain `name: space` entries (no spreads, methods or computed names)',
      );
    }
  }
  const space: Record<string, SearchDimension> = {};
  for (const p of literal.properties as ts.NodeArray<ts.PropertyAssignment>) {
    const name = propertyNameText(p.name)!;
    if (defaultsObj && !defaultsObj.openEnded && !defaultsObj.props.has(name))
      fail(p, `${name} is searched but has no default in the first argument of hparams()`);
    const dim = readDimension(name, p.initializer, defaults[name], imports, resolver, fail);
    space[name] = dim;
  }
  if (Object.keys(space).length === 0)
    fail(
      spaceArg,
      'the search space is empty: add at least one `name: logUniform(min, max)` (or choice, intRange, uniform)',
    );
  return { file, line: where(call).line, defaults, space };
}

export function readSweepSpaceFile(file: string): SweepSpace {
  return readSweepSpace(fs.readFileSync(file, 'utf8'), file);
}

type Fail = (node: ts.Node, reason: string) => never;

/** One entry of the space: a toolkit space call, or a bare `[min, max]` (log-uniform). */
function readDimension(
  name: string,
  written: ts.Expression,
  def: HparamValue | undefined,
  imports: ReturnType<typeof toolkitImports>,
  resolver: Resolver,
  fail: Fail,
): SearchDimension {
  const node = unwrap(resolver.resolve(written));
  const numeric = (what: string) => {
    if (def !== undefined && typeof def !== 'number')
      fail(
        node,
        `${name}: only numeric hyper-parameters can be searched with ${what} (its default is ${JSON.stringify(def)}); use choice(...) for strings and booleans`,
      );
  };
  const num = (n: ts.Expression | undefined, what: string): number => {
    const v = n && resolver.number(n);
    if (v === undefined || !Number.isFinite(v))
      fail(n ?? node, `${name}: ${what} must be a number written in the file`);
    return v!;
  };
  if (ts.isArrayLiteralExpression(node)) {
    if (node.elements.length !== 2)
      fail(node, `${name}: expected [min, max] (log-uniform) or a space such as choice(...)`);
    numeric('[min, max]');
    return logDimension(
      name,
      node,
      num(node.elements[0], 'the lower bound'),
      num(node.elements[1], 'the upper bound'),
      def,
      fail,
    );
  }
  const helper = ts.isCallExpression(node) ? toolkitCallee(node, imports) : undefined;
  if (!ts.isCallExpression(node) || !SPACE_HELPERS.includes(helper as SpaceHelper)) {
    return fail(
      written,
      `${name}: expected [min, max] (log-uniform) or choice(...), intRange(lo, hi), uniform(lo, hi), logUniform(lo, hi) imported from '${TOOLKIT_MODULE}'`,
    );
  }
  const args = node.arguments;
  if (args.some(a => ts.isSpreadElement(a)))
    fail(node, `${name}: write the values out (no spread), so the sweep can read them from the file`);
  switch (helper as SpaceHelper) {
    case 'choice': {
      if (args.length === 0) fail(node, `${name}: choice() needs at least one value`);
      const values = args.map(a => {
        const v = resolver.evaluate(a);
        if (!v.known || !['number', 'string', 'boolean'].includes(typeof v.value))
          fail(a, `${name}: choice values must be numbers, strings or booleans written in the file`);
        return v.known ? (v.value as HparamValue) : fail(a, '');
      });
      if (def !== undefined && !values.every(v => typeof v === typeof def))
        fail(node, `${name}: every choice must be a ${typeof def} like its default ${JSON.stringify(def)}`);
      return { scale: 'choice', values };
    }
    case 'intRange': {
      numeric('intRange');
      const lo = num(args[0], 'lo'),
        hi = num(args[1], 'hi'),
        step = args[2] ? num(args[2], 'step') : 1;
      if (![lo, hi, step].every(Number.isInteger) || step < 1)
        fail(node, `${name}: intRange needs whole numbers and a step ≥ 1`);
      if (lo > hi) fail(node, `${name}: intRange(${lo}, ${hi}): lo must not exceed hi (both are included)`);
      return { scale: 'int', min: lo, max: hi, step };
    }
    case 'uniform': {
      numeric('uniform');
      const lo = num(args[0], 'lo'),
        hi = num(args[1], 'hi');
      if (lo >= hi) fail(node, `${name}: uniform(${lo}, ${hi}): lo must be below hi`);
      return { scale: 'uniform', min: lo, max: hi };
    }
    case 'logUniform':
      numeric('logUniform');
      return logDimension(name, node, num(args[0], 'lo'), num(args[1], 'hi'), def, fail);
  }
}

function logDimension(
  name: string,
  node: ts.Node,
  min: number,
  max: number,
  def: HparamValue | undefined,
  fail: Fail,
): SearchDimension {
  if (min >= max) fail(node, `${name}: the lower bound ${min} must be below the upper bound ${max}`);
  if (min <= 0) fail(node, `${name}: bounds must be positive for a log-scale search (got ${min})`);
  const integer = typeof def === 'number' && Number.isInteger(def) && Number.isInteger(min) && Number.isInteger(max);
  return { scale: 'log', min, max, integer };
}
