/**
 * Helper functions that add layers to a model they are given: `function block(m, units) { m.add(...) }` called as
 * `block(model, 64)`, maybe in a loop. Each call site adds the helper's layers to the model passed in, as many times
 * as the helper's add and the call site run.
 */
import ts from 'typescript';
import type { Resolver } from './values';
import { unwrap } from './scopes';
import { multiplicity, type Multiplicity } from './loops';

const { forEachChild, isIdentifier, isParameter, isPropertyAccessExpression, isFunctionLike } = ts;

export interface AddCall {
  call: ts.CallExpression;
  receiver: ts.Expression;
  arg?: ts.Expression;
}

/** An add inside a helper, at one call site: the argument that is the model, and how often the add runs per call. */
export interface HelperAdd {
  add: AddCall;
  site: ts.CallExpression;
  model: ts.Expression;
  perCall: Multiplicity;
}

/**
 * The adds whose receiver is a parameter of a local function, at every call of that function in the file.
 * `sites`: the calls whose callee is an identifier. `safeSites`: the call sites whose helper does nothing with the
 * model but `add` (so handing the model to it hides no layers).
 */
export function helperAdds(
  adds: readonly AddCall[],
  sites: readonly ts.CallExpression[],
  resolver: Resolver,
): { found: HelperAdd[]; safeSites: Set<ts.Node> } {
  const found: HelperAdd[] = [];
  const safeSites = new Set<ts.Node>();
  const byHelper = new Map<ts.Node, { index: number; adds: AddCall[] }>();
  for (const add of adds) {
    const r = unwrap(add.receiver);
    if (!isIdentifier(r)) continue;
    const d = resolver.scopes.declOf(r);
    const param = d?.kind === 'param' ? d.node : undefined;
    if (!param || !isParameter(param) || !isFunctionLike(param.parent)) continue;
    const f = param.parent;
    let entry = byHelper.get(f);
    if (!entry) byHelper.set(f, (entry = { index: f.parameters.indexOf(param), adds: [] }));
    entry.adds.push(add);
  }
  if (!byHelper.size) return { found, safeSites };
  for (const site of sites) {
    const f = resolver.scopes.functionOf(site.expression as ts.Identifier);
    const helper = f && byHelper.get(f);
    const arg = helper && site.arguments[helper.index];
    if (!f || !helper || !arg) continue;
    for (const add of helper.adds) found.push({ add, site, model: arg, perCall: multiplicity(add.call, f, resolver) });
    if (onlyAdds(f, f.parameters[helper.index], helper.adds, resolver)) safeSites.add(site);
  }
  return { found, safeSites };
}

/** The parameter is used only as the receiver of those `add` calls. */
function onlyAdds(
  f: ts.SignatureDeclaration,
  param: ts.ParameterDeclaration,
  adds: readonly AddCall[],
  resolver: Resolver,
): boolean {
  if (!isIdentifier(param.name)) return false;
  const name = param.name.text;
  let uses = 0;
  const visit = (n: ts.Node): void => {
    if (
      isIdentifier(n) &&
      n.text === name &&
      n !== param.name &&
      !(isPropertyAccessExpression(n.parent) && n.parent.name === n) &&
      resolver.scopes.declOf(n)?.node === param
    )
      uses++;
    forEachChild(n, visit);
  };
  const body = (f as ts.FunctionLikeDeclaration).body;
  if (body) visit(body);
  return uses === adds.length;
}

/** Both run: `a` times per run of `b`. */
export function times(a: Multiplicity, b: Multiplicity): Multiplicity {
  const atLeast = a.atLeast * b.atLeast;
  return a.count === 'maybe' || b.count === 'maybe'
    ? { count: 'maybe', atLeast }
    : { count: a.count * b.count, atLeast };
}
