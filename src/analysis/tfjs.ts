/**
 * Which tfjs entity an expression names: `tf.layers.dense`, `layers.dense` (named import), `L.dense` with
 * `const L = tf.layers`, `tf.train.adam`, `initializers.heNormal`, `tf.sequential`... Only bindings that come
 * from an `@tensorflow/tfjs*` import or require count; a local object that happens to be called `tf` does not.
 */
import ts from 'typescript';
import { Resolver, unwrap } from './values';

// TypeScript 5's CommonJS exports are getters: bind what the hot paths call once, not on every node
const {
  SyntaxKind,
  isAwaitExpression,
  isCallExpression,
  isExportDeclaration,
  isExternalModuleReference,
  isIdentifier,
  isImportDeclaration,
  isImportEqualsDeclaration,
  isNamespaceImport,
  isObjectBindingPattern,
  isPropertyAccessExpression,
  isStringLiteral,
  isStringLiteralLike,
  isVariableStatement,
} = ts;

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
  if (isAwaitExpression(e)) e = unwrap(e.expression);
  return (
    isCallExpression(e) &&
    e.arguments.length === 1 &&
    isStringLiteralLike(e.arguments[0]) &&
    TFJS_MODULE.test(e.arguments[0].text) &&
    ((isIdentifier(e.expression) && e.expression.text === 'require') || e.expression.kind === SyntaxKind.ImportKeyword)
  );
}

/** Imports are read from the top level only (where tfjs is imported in practice); the cost stays one pass. */
export function readImports(sf: ts.SourceFile): TfImports {
  const bindings = new Map<string, { exported: string | null }>();
  let importsTfjs = false;
  for (const st of sf.statements) {
    if (isImportDeclaration(st) && isStringLiteral(st.moduleSpecifier) && TFJS_MODULE.test(st.moduleSpecifier.text)) {
      importsTfjs = true;
      const clause = st.importClause;
      if (!clause) continue;
      if (clause.name) bindings.set(clause.name.text, { exported: null });
      const nb = clause.namedBindings;
      if (nb && isNamespaceImport(nb)) bindings.set(nb.name.text, { exported: null });
      else if (nb)
        for (const s of nb.elements) bindings.set(s.name.text, { exported: (s.propertyName ?? s.name).text });
    } else if (
      isImportEqualsDeclaration(st) &&
      isExternalModuleReference(st.moduleReference) &&
      isStringLiteral(st.moduleReference.expression) &&
      TFJS_MODULE.test(st.moduleReference.expression.text)
    ) {
      importsTfjs = true;
      bindings.set(st.name.text, { exported: null });
    } else if (isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        if (!isTfjsRequire(d.initializer)) continue;
        importsTfjs = true;
        if (isIdentifier(d.name)) bindings.set(d.name.text, { exported: null });
        else if (isObjectBindingPattern(d.name)) {
          for (const el of d.name.elements) {
            if (!isIdentifier(el.name) || el.dotDotDotToken) continue;
            const prop = el.propertyName && isIdentifier(el.propertyName) ? el.propertyName.text : el.name.text;
            bindings.set(el.name.text, { exported: prop });
          }
        }
      }
    } else if (
      isExportDeclaration(st) &&
      st.moduleSpecifier &&
      isStringLiteral(st.moduleSpecifier) &&
      TFJS_MODULE.test(st.moduleSpecifier.text)
    ) {
      importsTfjs = true;
    }
  }
  return { bindings, importsTfjs };
}

/** Classifies an expression; undefined when it is not (statically) a tfjs entity. */
export function tfRef(e: ts.Expression, imports: TfImports, resolver: Resolver, depth = 0): TfRef | undefined {
  if (depth > 8) return undefined;
  e = unwrap(e);
  if (isIdentifier(e)) {
    const decl = resolver.scopes.declOf(e);
    if (!decl) return bindingRef(imports, e);
    if (resolver.memo.has(decl)) return resolver.memo.get(decl) as TfRef | undefined;
    let ref: TfRef | undefined;
    if (decl.kind === 'import' || (decl.init && isTfjsRequire(decl.init) && imports.bindings.has(e.text))) {
      ref = bindingRef(imports, e); // import, or a top-level `const tf = require(...)`
    } else {
      // `const L = tf.layers`, `const { layers } = tf`
      const init = resolver.scopes.initializerOfDecl(decl);
      if (init) {
        const base = tfRef(init.init, imports, resolver, depth + 1);
        ref = init.property === undefined ? base : member(base, init.property, e);
      }
    }
    // functions carry the name node of this use: only namespaces are the same at every use
    if (ref?.kind !== 'function') resolver.memo.set(decl, ref);
    return ref;
  }
  if (isPropertyAccessExpression(e) && isIdentifier(e.name)) {
    return member(tfRef(e.expression, imports, resolver, depth + 1), e.name.text, e.name);
  }
  return undefined;
}

// namespaces are the same everywhere: one object each instead of one per call
const ROOT: TfRef = { kind: 'root' };
const NAMESPACE_REFS = new Map<string, TfRef>(
  [...NAMESPACES].map(ns => [ns, { kind: 'namespace', ns: ns as TfNamespace }]),
);

function bindingRef(imports: TfImports, id: ts.Identifier): TfRef | undefined {
  const b = imports.bindings.get(id.text);
  if (!b) return undefined;
  if (b.exported === null) return ROOT;
  return NAMESPACE_REFS.get(b.exported) ?? { kind: 'function', ns: 'root', name: b.exported, nameNode: id };
}

function member(base: TfRef | undefined, name: string, nameNode: ts.Node): TfRef | undefined {
  if (!base) return undefined;
  if (base.kind === 'root') return NAMESPACE_REFS.get(name) ?? { kind: 'function', ns: 'root', name, nameNode };
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

/** The quote character the file's imports use, for inserted string literals. */
export function detectQuote(sf: ts.SourceFile): "'" | '"' {
  for (const st of sf.statements) {
    if (isImportDeclaration(st)) return sf.text[st.moduleSpecifier.getStart(sf)] === '"' ? '"' : "'";
  }
  return "'";
}
