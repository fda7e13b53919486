/**
 * What the lint diagnostics show in each file (code and line), for the runtime findings to leave out the fit-start
 * guideline findings lint already shows (src/guidelines/dedupe.ts). Keyed by file path, as runtime findings are.
 */
import * as vscode from 'vscode';
import type { Finding } from '../../src/protocol/events';
import { lintMarks, type LintMark } from '../../src/guidelines/dedupe';

const marks = new Map<string, LintMark[]>();
const changed = new vscode.EventEmitter<string>();

/** Fires with the file path whose lint findings changed. */
export const onDidChangeLintMarks = changed.event;

export function setLintMarks(uri: vscode.Uri, findings: readonly Finding[] | undefined): void {
  const file = uri.fsPath;
  const next = findings?.length ? lintMarks(findings) : undefined;
  const prev = marks.get(file);
  if (!next && !prev) return;
  if (
    next &&
    prev &&
    next.length === prev.length &&
    next.every((m, i) => m.code === prev[i].code && m.line === prev[i].line)
  )
    return;
  if (next) marks.set(file, next);
  else marks.delete(file);
  changed.fire(file);
}

export function lintMarksOf(file: string): readonly LintMark[] | undefined {
  return marks.get(file);
}
