/**
 * Is this file a training job, and where are its fit calls? Parse-only (TypeScript compiler API, no type check),
 * so it is safe in Restricted Mode and cheap enough to run on every keystroke.
 */
import * as ts from 'typescript';

export interface FitCall {
  method: 'fit' | 'fitDataset';
  /** 0-based line and character of the `fit` name (where the code lens goes) */
  line: number;
  character: number;
}

export interface JobInfo {
  importsTfjs: boolean;
  fitCalls: FitCall[];
}

const TFJS_MODULE = /^@tensorflow\/tfjs(-[a-z-]+)?$/;

export function scriptKindOf(fileName: string): ts.ScriptKind {
  if (/\.tsx$/.test(fileName)) return ts.ScriptKind.TSX;
  if (/\.jsx$/.test(fileName)) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(fileName)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

export function analyzeJob(text: string, fileName = 'job.ts'): JobInfo {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, scriptKindOf(fileName));
  let importsTfjs = false;
  const fitCalls: FitCall[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      if (TFJS_MODULE.test(node.moduleSpecifier.text)) importsTfjs = true;
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      // require('@tensorflow/tfjs') and import('@tensorflow/tfjs')
      if (
        (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) &&
        node.arguments.length === 1 &&
        ts.isStringLiteralLike(node.arguments[0]) &&
        TFJS_MODULE.test(node.arguments[0].text)
      ) {
        importsTfjs = true;
      }
      if (ts.isPropertyAccessExpression(callee) && (callee.name.text === 'fit' || callee.name.text === 'fitDataset')) {
        const pos = sf.getLineAndCharacterOfPosition(callee.name.getStart(sf));
        fitCalls.push({ method: callee.name.text, line: pos.line, character: pos.character });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { importsTfjs, fitCalls };
}

/** A job: imports tfjs and calls fit/fitDataset. */
export function isTrainingJob(text: string, fileName?: string): boolean {
  // Cheap pre-filter before parsing: most files of a workspace mention neither.
  if (!text.includes('@tensorflow/tfjs') || !/\.fit(Dataset)?\s*\(/.test(text)) return false;
  const info = analyzeJob(text, fileName);
  return info.importsTfjs && info.fitCalls.length > 0;
}
