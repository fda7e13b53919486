/**
 * Parsing job sources for the analysis: one parse of a file (no JSDoc, parent pointers left to the sketch), the
 * cheap "mentions tfjs" pre-filter, and the changed span between two texts for incremental reparsing.
 */
import ts from 'typescript';
import { scriptKindOf } from './jobs';

// TypeScript 5's CommonJS exports are getters: bind what the hot paths call once, not on every node
const { ScriptTarget, JSDocParsingMode, createSourceFile, createTextChangeRange, createTextSpan } = ts;

/**
 * Parent pointers are set by the sketch's first pass (Scopes), not by the parser: one full walk less. JSDoc is
 * never read by the linter, so it is not parsed.
 */
export function parseSource(text: string, fileName: string): ts.SourceFile {
  return createSourceFile(
    fileName,
    text,
    { languageVersion: ScriptTarget.Latest, jsDocParsingMode: JSDocParsingMode.ParseNone },
    false,
    scriptKindOf(fileName),
  );
}

/** Cheap pre-filter: most files of a workspace never mention tfjs. */
export function mentionsTfjs(text: string): boolean {
  return text.includes('@tensorflow/tfjs');
}

/** The changed span between two texts (common prefix and suffix), for the incremental parser. */
export function changeRange(oldText: string, newText: string): ts.TextChangeRange {
  const max = Math.min(oldText.length, newText.length);
  let start = 0;
  while (start < max && oldText.charCodeAt(start) === newText.charCodeAt(start)) start++;
  let end = 0;
  while (
    end < max - start &&
    oldText.charCodeAt(oldText.length - 1 - end) === newText.charCodeAt(newText.length - 1 - end)
  )
    end++;
  return createTextChangeRange(createTextSpan(start, oldText.length - end - start), newText.length - end - start);
}
