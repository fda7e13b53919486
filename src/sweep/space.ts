/**
 * The search space a job declares: `hparams(defaults, { lr: [1e-6, 1e-2], ... })` imported from 'training-lens'.
 * Parse-only (TypeScript compiler API, nothing runs), so a sweep can be planned before any code executes. Values
 * resolve like the linter's: literals, simple arithmetic (`10 ** -6`) and consts of the same file.
 */
import ts from 'typescript';
import * as fs from 'node:fs';
import { parseSource } from '../analysis/lint';
import { TOOLKIT_MODULE } from '../runner/config';
import { Scopes, Resolver, unwrap, propertyNameText } from '../analysis/values';


export type HparamValue = number | string | boolean;

export interface SearchDimension {
  min: number;
  max: number;
  /** samples are log-uniform: every decade of the range is as likely (the usual way to search rates and decays) */
  scale: 'log';
  /** the default and both bounds are whole numbers (units, batch size): samples are rounded */
  integer: boolean;
}

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
  constructor(readonly reason: string, readonly file: string, readonly line: number, readonly column: number) {
    super(`${file}:${line}:${column}: ${reason}`);
    this.name = 'SpaceError';
  }
}

/** Local names of `hparams` and of namespace imports from 'training-lens'. */
function toolkitImports(sf: ts.SourceFile): { direct: Set<string>; namespaces: Set<string> } {
  const direct = new Set<string>();
  const namespaces = new Set<string>();
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || st.moduleSpecifier.text !== TOOLKIT_MODULE) continue;
    const bindings = st.importClause?.namedBindings;
    if (!bindings) continue;
    if (ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
    else for (const el of bindings.elements) if ((el.propertyName ?? el.name).text === 'hparams') direct.add(el.name.text);
  }
  return { direct, namespaces };
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

  const { direct, namespaces } = toolkitImports(sf);
  const calls: ts.CallExpression[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) {
      const callee = unwrap(n.expression);
      const isHparams = ts.isIdentifier(callee) ? direct.has(callee.text)
        : ts.isPropertyAccessExpression(callee) && callee.name.text === 'hparams' && ts.isIdentifier(callee.expression) && namespaces.has(callee.expression.text);
      if (isHparams) calls.push(n);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);

  if (calls.length === 0) {
    throw new SpaceError(
      `no hparams(defaults, space) call: import { hparams } from '${TOOLKIT_MODULE}' and declare the search space, ` +
      `e.g. hparams({ lr: 1e-3 }, { lr: [1e-6, 1e-2] })`, file, 1, 1);
  }
  if (calls.length > 1) fail(calls[1], `hparams() is called more than once (first at line ${where(calls[0]).line}); a sweep needs one search space`);
  const call = calls[0];
  const [defaultsArg, spaceArg] = call.arguments;
  if (!spaceArg) fail(call, 'hparams() has no search space: pass { name: [min, max] } as its second argument');

  const defaults: Record<string, HparamValue> = {};
  const defaultsObj = defaultsArg ? resolver.object(defaultsArg) : undefined;
  defaultsObj?.props.forEach((p, name) => {
    if (p === 'unknown') return;
    const v = resolver.evaluate(p.value);
    if (v.known && (typeof v.value === 'number' || typeof v.value === 'string' || typeof v.value === 'boolean')) defaults[name] = v.value;
  });

  const spaceObj = resolver.object(spaceArg);
  if (!spaceObj) fail(spaceArg, 'the search space must be an object literal of [min, max] pairs, e.g. { lr: [1e-6, 1e-2] }');
  const literal = spaceObj!.literal;
  for (const p of literal.properties) {
    if (!ts.isPropertyAssignment(p) || propertyNameText(p.name) === undefined) {
      fail(p, 'the search space must be written out: plain `name: [min, max]` entries (no spreads, methods or computed names)');
    }
  }
  const space: Record<string, SearchDimension> = {};
  for (const p of literal.properties as ts.NodeArray<ts.PropertyAssignment>) {
    const name = propertyNameText(p.name)!;
    const pair = unwrap(resolver.resolve(p.initializer));
    if (!ts.isArrayLiteralExpression(pair) || pair.elements.length !== 2) fail(p.initializer, `${name}: expected [min, max]`);
    const [minNode, maxNode] = (pair as ts.ArrayLiteralExpression).elements;
    const min = resolver.number(minNode), max = resolver.number(maxNode);
    if (min === undefined) fail(minNode, `${name}: the lower bound must be a number written in the file`);
    if (max === undefined) fail(maxNode, `${name}: the upper bound must be a number written in the file`);
    if (min! >= max!) fail(p.initializer, `${name}: the lower bound ${min} must be below the upper bound ${max}`);
    if (min! <= 0) fail(minNode, `${name}: bounds must be positive for a log-scale search (got ${min})`);
    const def = defaults[name];
    if (defaultsObj && !defaultsObj.openEnded && !defaultsObj.props.has(name)) fail(p, `${name} is searched but has no default in the first argument of hparams()`);
    if (def !== undefined && typeof def !== 'number') fail(p, `${name}: only numeric hyper-parameters can be searched (its default is ${JSON.stringify(def)})`);
    const integer = typeof def === 'number' && Number.isInteger(def) && Number.isInteger(min) && Number.isInteger(max);
    space[name] = { min: min!, max: max!, scale: 'log', integer };
  }
  if (Object.keys(space).length === 0) fail(spaceArg, 'the search space is empty: add at least one `name: [min, max]`');
  return { file, line: where(call).line, defaults, space };
}

export function readSweepSpaceFile(file: string): SweepSpace {
  return readSweepSpace(fs.readFileSync(file, 'utf8'), file);
}
