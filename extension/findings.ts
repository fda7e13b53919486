/**
 * The one conversion of findings into VS Code terms, for lint and for a run's findings alike: a Problems entry
 * (source "Training Lens", code = the finding code), its range (the protocol's 1-based lines and columns to VS
 * Code's 0-based positions), and a fix's edits as a WorkspaceEdit.
 */
import * as vscode from 'vscode';
import type { Finding, SourceLocation } from '../src/protocol/events';

export const DIAGNOSTIC_SOURCE = 'Training Lens';

type Fix = NonNullable<Finding['fixes']>[number];

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** A protocol location (1-based line and column) as a VS Code position (0-based). */
export const position = (l: Pick<SourceLocation, 'line' | 'column'>): vscode.Position =>
  new vscode.Position(Math.max(0, l.line - 1), Math.max(0, (l.column ?? 1) - 1));

/** A protocol range as it is: without an end, empty at its start. */
export function toRange(range: { start: Pick<SourceLocation, 'line' | 'column'>; end?: SourceLocation }): vscode.Range {
  const start = position(range.start);
  return new vscode.Range(start, range.end ? position(range.end) : start);
}

/**
 * Where a finding is shown: its range when it has an end; a finding placed only by its start (the run's findings
 * are about a layer, compile or fit line) spans the rest of that line in the open document, else one character.
 */
export function findingRange(f: Finding, doc?: vscode.TextDocument): vscode.Range {
  if (f.range?.end) return toRange(f.range);
  const start = position(f.range?.start ?? { line: 1 });
  const lineEnd = doc && start.line < doc.lineCount ? doc.lineAt(start.line).range.end.character : 0;
  return new vscode.Range(start.line, start.character, start.line, Math.max(lineEnd, start.character + 1));
}

/**
 * A finding as a Problems entry. With `detail`, the advice and the rule's source follow the message: a run's
 * findings have no hover to show them (lint's have).
 */
export function toDiagnostic(
  f: Finding,
  opts: { doc?: vscode.TextDocument; detail?: boolean } = {},
): vscode.Diagnostic {
  const advice =
    opts.detail && f.advice?.length ? `\nTry, in order: ${f.advice.map((a, i) => `${i + 1}. ${a}`).join(' ')}` : '';
  const message = opts.detail ? `${f.message}${advice}\n(${f.rule})` : f.message;
  const d = new vscode.Diagnostic(findingRange(f, opts.doc), message, SEVERITY[f.severity]);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = f.code;
  return d;
}

/** A fix's edits; `uri` replaces each edit's file (a lint fix edits the document it was computed for). */
export function toWorkspaceEdit(edits: Fix['edits'], uri?: vscode.Uri): vscode.WorkspaceEdit {
  const we = new vscode.WorkspaceEdit();
  for (const e of edits) we.replace(uri ?? vscode.Uri.file(e.file), toRange(e), e.newText);
  return we;
}
