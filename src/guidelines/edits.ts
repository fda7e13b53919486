/**
 * Text edits for quick fixes, in the findings schema's terms (1-based line and column), built from AST nodes.
 * Edits only touch code written in place at the call being fixed: a config object shared through a variable is
 * never rewritten (it may configure other layers too).
 */
import ts from 'typescript';
import type { SourceLocation } from '../protocol/events';
import type { Finding } from '../protocol/events';
import type { FileSketch, LayerSketch } from '../analysis/model';
import { propertyNameText } from '../analysis/values';

// TypeScript 5's CommonJS exports are getters: bind what the hot paths call once, not on every node
const {
  isArrayLiteralExpression,
  isComputedPropertyName,
  isParenthesizedExpression,
  isPropertyAccessExpression,
  isPropertyAssignment,
  isShorthandPropertyAssignment,
} = ts;

export type TextEdit = NonNullable<Finding['fixes']>[number]['edits'][number];
export type Fix = NonNullable<Finding['fixes']>[number];

export function location(sf: ts.SourceFile, pos: number): SourceLocation {
  const lc = sf.getLineAndCharacterOfPosition(pos);
  return { file: sf.fileName, line: lc.line + 1, column: lc.character + 1 };
}

export function rangeOf(sf: ts.SourceFile, start: number, end: number): { start: SourceLocation; end: SourceLocation } {
  return { start: location(sf, start), end: location(sf, end) };
}

function edit(sf: ts.SourceFile, start: number, end: number, newText: string): TextEdit {
  return { file: sf.fileName, start: location(sf, start), end: location(sf, end), newText };
}

export function replaceNode(sf: ts.SourceFile, node: ts.Node, newText: string): TextEdit {
  return edit(sf, node.getStart(sf), node.getEnd(), newText);
}

export function insertAt(sf: ts.SourceFile, pos: number, text: string): TextEdit {
  return edit(sf, pos, pos, text);
}

export function stringLiteral(sketch: FileSketch, value: string): string {
  return sketch.quote + value + sketch.quote;
}

function indentOf(sf: ts.SourceFile, pos: number): string {
  const lineStart = sf.getPositionOfLineAndCharacter(sf.getLineAndCharacterOfPosition(pos).line, 0);
  return /^[ \t]*/.exec(sf.text.slice(lineStart, pos))![0];
}

function sameLine(sf: ts.SourceFile, a: number, b: number): boolean {
  return sf.getLineAndCharacterOfPosition(a).line === sf.getLineAndCharacterOfPosition(b).line;
}

/**
 * Sets `key: valueText` in the layer's config object: replaces the value when the key is written there, adds the
 * key otherwise (keeping the object's one-line or one-key-per-line layout). Undefined when that is not safe.
 */
export function setConfigProperty(
  sketch: FileSketch,
  layer: LayerSketch,
  key: string,
  valueText: string,
): TextEdit | undefined {
  const sf = sketch.sourceFile;
  if (layer.call.arguments.length === 0) {
    // `tf.layers.reLU()`: give it a config
    const close = layer.call.getEnd() - 1;
    if (sf.text[close] !== ')') return undefined;
    return insertAt(sf, close, `{ ${key}: ${valueText} }`);
  }
  const cfg = layer.config;
  if (!cfg || !cfg.inline || cfg.literal !== unwrapParens(layer.call.arguments[0])) return undefined;
  const prop = cfg.props.get(key);
  if (prop && prop !== 'unknown' && prop.inline && prop.assignment?.parent === cfg.literal) {
    const a = prop.assignment;
    if (isPropertyAssignment(a)) return replaceNode(sf, a.initializer, valueText);
    if (isShorthandPropertyAssignment(a)) return replaceNode(sf, a, `${key}: ${valueText}`);
    return undefined;
  }
  if (cfg.literal.properties.some(p => p.name && !isComputedPropertyName(p.name) && p.name.getText(sf) === key))
    return undefined;
  // otherwise add the key last: it then also wins over any spread (`{ ...base, key }`) that might set it
  const props = cfg.literal.properties;
  if (props.length === 0) return replaceNode(sf, cfg.literal, `{ ${key}: ${valueText} }`);
  const last = props[props.length - 1];
  const open = cfg.literal.getStart(sf);
  if (sameLine(sf, open, last.getStart(sf))) return insertAt(sf, last.getEnd(), `, ${key}: ${valueText}`);
  const indent = indentOf(sf, last.getStart(sf));
  if (props.hasTrailingComma) {
    const comma = sf.text.indexOf(',', last.getEnd());
    return insertAt(sf, comma + 1, `\n${indent}${key}: ${valueText},`);
  }
  return insertAt(sf, last.getEnd(), `,\n${indent}${key}: ${valueText}`);
}

/** Removes `key: value` (and its comma) from the layer's in-place config; undefined when the key is not written there. */
export function removeConfigProperty(sketch: FileSketch, layer: LayerSketch, key: string): TextEdit | undefined {
  const sf = sketch.sourceFile;
  const cfg = layer.config;
  if (!cfg || !cfg.inline) return undefined;
  const props = cfg.literal.properties;
  const i = props.findIndex(
    p => (isPropertyAssignment(p) || isShorthandPropertyAssignment(p)) && propertyNameText(p.name) === key,
  );
  if (i < 0) return undefined;
  if (i < props.length - 1) return edit(sf, props[i].getStart(sf), props[i + 1].getStart(sf), '');
  if (i > 0) return edit(sf, props[i - 1].getEnd(), props[i].getEnd(), '');
  const end = props.hasTrailingComma ? sf.text.indexOf(',', props[i].getEnd()) + 1 : props[i].getEnd();
  return edit(sf, props[i].getStart(sf), end, '');
}

function unwrapParens(e: ts.Expression): ts.Expression {
  while (isParenthesizedExpression(e)) e = e.expression;
  return e;
}

/** The text of the namespace a layer call goes through (`tf.layers` in `tf.layers.dense(...)`). */
export function layerNamespaceText(sketch: FileSketch, layer: LayerSketch): string | undefined {
  const callee = layer.call.expression;
  if (!isPropertyAccessExpression(callee)) return undefined;
  return callee.expression.getText(sketch.sourceFile);
}

/** Inserts `text` as a new element after an array element, or a new statement after a statement. */
export function insertAfterElement(sketch: FileSketch, element: ts.Node, text: string): TextEdit {
  const sf = sketch.sourceFile;
  const array = element.parent;
  const start = element.getStart(sf);
  const multiLine = isArrayLiteralExpression(array) && !sameLine(sf, array.getStart(sf), start);
  return insertAt(sf, element.getEnd(), multiLine ? `,\n${indentOf(sf, start)}${text}` : `, ${text}`);
}

export function insertAfterStatement(sketch: FileSketch, statement: ts.Node, text: string): TextEdit {
  const sf = sketch.sourceFile;
  return insertAt(sf, statement.getEnd(), `\n${indentOf(sf, statement.getStart(sf))}${text}`);
}

/** Applies edits (from one fix or several) to a text: used by tests and the CLI; the extension uses WorkspaceEdit. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const offset = (l: SourceLocation) => (lineStarts[l.line - 1] ?? text.length) + (l.column ?? 1) - 1;
  const sorted = edits
    .map(e => ({ start: offset(e.start), end: offset(e.end), text: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
