/**
 * One finding in the Problems panel per problem: the guideline check of the real model at fit start repeats what
 * lint already shows when the parser could follow the model. A run's static finding is left out where lint shows
 * the same code on the same line of the same file; a model-level one (no layer: depth, optimizer) where lint shows
 * the same code anywhere in the file (lint puts it on the model's creation, the run on compile).
 */
import type { Finding } from '../protocol/events';

/** A lint finding as shown: its code and 1-based line. */
export interface LintMark {
  code: string;
  line: number;
}

export function withoutLintDuplicates<F extends Pick<Finding, 'code' | 'source' | 'layer' | 'file' | 'range'>>(
  findings: readonly F[],
  lintShown: (file: string) => readonly LintMark[] | undefined,
): F[] {
  return findings.filter(f => {
    if (f.source !== 'static' || !f.file) return true;
    const marks = lintShown(f.file);
    if (!marks?.length) return true;
    const line = f.range?.start.line;
    return !marks.some(m => m.code === f.code && (m.line === line || f.layer === undefined));
  });
}

/** The marks of a file's lint findings. */
export function lintMarks(findings: readonly Pick<Finding, 'code' | 'range'>[]): LintMark[] {
  return findings.flatMap(f => (f.range ? [{ code: f.code, line: f.range.start.line }] : []));
}
