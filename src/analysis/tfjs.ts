/**
 * Which tfjs entity an expression names: `tf.layers.dense`, `layers.dense` (named import), `L.dense` with
 * `const L = tf.layers`, `tf.train.adam`, `initializers.heNormal`, `tf.sequential`... Only bindings that come
 * from an `@tensorflow/tfjs*` import or require count; a local object that happens to be called `tf` does not.
 */
import * as ts from 'typescript';
import { Resolver, unwrap } from './values';

export const TFJS_MODULE = /^@tensorflow\/tfjs(-[a-z-]+)?$/;

/** The namespaces of the tfjs API the linter reads. */
export type TfNamespace = 'layers' | 'train' | 'initializers' | 'losses' | 'metrics';
const NAMESPACES: ReadonlySet<string> = new Set<TfNamespace>(['layers', 'train', 'initializers', 'losses', 'metrics']);

export type TfRef =
  | { kind: 'root' }
  | { kind: 'namespace'; ns: TfNamespace }
  /** a function: `ns` 'root' for top-level ones such as `sequential`, `model`, `input` */
  | { kind: 'function'; ns: TfNamespace | 'root'; name: string; nameNode: ts.Node };

export interface TfImports {
  /** local name -> what it is bound to (namespace import, default import, require, or a named import) */
  bindings: Map<string, { exported: string | null }>;
  /** any import/require of a tfjs package, even one whose bindings are not read */
  importsTfjs: boolean;
}

function isTfjsRequire(e: ts.Expression | undefined): boolean {
  if (!e) return false;
  e = unwrap(e);
  if (ts.isAwaitExpression(e)) e = unwrap(e.expression);
  return ts.isCallExpression(e) && e.arguments.length === 1 && ts.isStringLiteralLike(e.arguments[0]) && TFJS_MODULE.test(e.arguments[0].text)
    && ((ts.isIdentifier(e.expression) && e.expression.text === 'require') || e.expression.kind === ts.SyntaxKind.ImportKeyword);
}

/** Imports are read from the top level only (where tfjs is imported in practice); the cost stays one pass. */
export function readImports(sf: ts.SourceFile): TfImports {
  const bindings = new Map<string, { exported: string | null }>();
  let importsTfjs = false;
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && TFJS_MODULE.test(st.moduleSpecifier.text)) {
      importsTfjs = true;
      const clause = st.importClause;
      if (!clause) continue;
      if (clause.name) bindings.set(clause.name.text, { exported: null });
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) bindings.set(nb.name.text, { exported: null });
      else if (nb) for (const s of nb.elements) bindings.set(s.name.text, { exported: (s.propertyName ?? s.name).text });
    } else if (ts.isImportEqualsDeclaration(st) && ts.isExternalModuleReference(st.moduleReference)
      && ts.isStringLiteral(st.moduleReference.expression) && TFJS_MODULE.test(st.moduleReference.expression.text)) {
      importsTfjs = true;
      bindings.set(st.name.text, { exported: null });
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        if (!isTfjsRequire(d.initializer)) continue;
        importsTfjs = true;
        if (ts.isIdentifier(d.name)) bindings.set(d.name.text, { exported: null });
        else if (ts.isObjectBindingPattern(d.name)) {
          for (const el of d.name.elements) {
            if (!ts.isIdentifier(el.name) || el.dotDotDotToken) continue;
            const prop = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : el.name.text;
            bindings.set(el.name.text, { exported: prop });
          }
        }
      }
    } else if (ts.isExportDeclaration(st) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) && TFJS_MODULE.test(st.moduleSpecifier.text)) {
      importsTfjs = true;
    }
  }
  return { bindings, importsTfjs };
}

/** Classifies an expression; undefined when it is not (statically) a tfjs entity. */
export function tfRef(e: ts.Expression, imports: TfImports, resolver: Resolver, depth = 0): TfRef | undefined {
  if (depth > 8) return undefined;
  e = unwrap(e);
  if (ts.isIdentifier(e)) {
    const decl = resolver.scopes.declOf(e);
    if (decl?.kind === 'import' || (!decl && imports.bindings.has(e.text))) {
      const b = imports.bindings.get(e.text);
      if (!b) return undefined;
      if (b.exported === null) return { kind: 'root' };
      return NAMESPACES.has(b.exported) ? { kind: 'namespace', ns: b.exported as TfNamespace } : { kind: 'function', ns: 'root', name: b.exported, nameNode: e };
    }
    // a top-level `const tf = require(...)` is a binding too
    if (decl && imports.bindings.has(e.text) && decl.init && isTfjsRequire(decl.init)) {
      const b = imports.bindings.get(e.text)!;
      if (b.exported === null) return { kind: 'root' };
      return NAMESPACES.has(b.exported) ? { kind: 'namespace', ns: b.exported as TfNamespace } : { kind: 'function', ns: 'root', name: b.exported, nameNode: e };
    }
    // `const L = tf.layers`, `const { layers } = tf`
    const init = resolver.scopes.initializerOf(e);
    if (!init) return undefined;
    const base = tfRef(init.init, imports, resolver, depth + 1);
    if (init.property === undefined) return base;
    return member(base, init.property, e);
  }
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.name)) {
    return member(tfRef(e.expression, imports, resolver, depth + 1), e.name.text, e.name);
  }
  return undefined;
}

function member(base: TfRef | undefined, name: string, nameNode: ts.Node): TfRef | undefined {
  if (!base) return undefined;
  if (base.kind === 'root') return NAMESPACES.has(name) ? { kind: 'namespace', ns: name as TfNamespace } : { kind: 'function', ns: 'root', name, nameNode };
  if (base.kind === 'namespace') return { kind: 'function', ns: base.ns, name, nameNode };
  return undefined;
}

/** How the fixes can spell `<ns>.name` in this file: `tf.train`, or the named import `train`; undefined if neither is imported. */
export function namespaceText(imports: TfImports, ns: TfNamespace): string | undefined {
  let root: string | undefined;
  for (const [local, b] of imports.bindings) {
    if (b.exported === ns) return local;
    if (b.exported === null && root === undefined) root = local;
  }
  return root === undefined ? undefined : `${root}.${ns}`;
}
