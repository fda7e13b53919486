/**
 * The Runs view's filter, like TensorBoard's run filter: a regular expression, case-insensitive, that a run matches
 * when it finds a match in the run's label (its name, or job file and time), its job file path, one of its tags or
 * its note. An empty filter matches every run; an invalid expression is an error that says why, never a throw.
 */
import type { RunRecord } from './layout';
import { labelOf } from './label';

export type RunFilter =
  { ok: true; source: string; matches(run: RunRecord): boolean } | { ok: false; source: string; error: string };

/** The texts a filter looks in. */
export function filterTexts(run: RunRecord): string[] {
  const label = run.name ?? (run.jobFile ? labelOf(run.jobFile, run.startedAt) : run.runId);
  return [label, run.jobFile, run.runId, ...(run.tags ?? []), run.note ?? ''].filter(Boolean);
}

export function compileRunFilter(source: string): RunFilter {
  const text = source.trim();
  if (!text) return { ok: true, source: '', matches: () => true };
  let re: RegExp;
  try {
    re = new RegExp(text, 'i');
  } catch (e) {
    // V8's message already quotes the expression: "Invalid regular expression: /(/i: Unterminated group"
    return { ok: false, source: text, error: (e as Error).message };
  }
  return { ok: true, source: text, matches: run => filterTexts(run).some(t => re.test(t)) };
}
