/**
 * `training-lens report <logdir> [--json]`: every TensorBoard run under the folder, read as a Training Lens run
 * (src/tfevents/), summarized and diagnosed with the detectors that apply to its curves; findings name the tag and
 * the step.
 */
import { findRuns } from '../tfevents/logdir';
import { readLogdirRun } from '../tfevents/convert';
import { locateLogdirFinding } from '../tfevents/findings';
import { diagnose } from '../detectors/engine';
import { findingLines } from './findingLines';
import { summarizeRun, formatLogs, type RunSummary } from '../runs/summary';
import type { ReadProblems } from '../tfevents/logdir';
import type { Finding } from '../protocol';

export interface LogdirRunReport {
  run: string;
  dir: string;
  tags: Record<string, string>;
  summary: RunSummary;
  findings: Finding[];
  problems: ReadProblems;
  skippedSummaries: number;
}

export function reportLogdir(logdir: string): LogdirRunReport[] {
  return findRuns(logdir).map(run => {
    const { events, reader } = readLogdirRun(run);
    const findings = diagnose(events).map(f => locateLogdirFinding(f, { runName: run.name, tagOf: reader.tagOf }));
    const summary = summarizeRun(events)!;
    summary.findings = findings;
    return {
      run: run.name,
      dir: run.dir,
      tags: Object.fromEntries(reader.tagOf),
      summary,
      findings,
      problems: reader.problems,
      skippedSummaries: reader.skipped,
    };
  });
}

export function problemText(p: ReadProblems): string[] {
  const out: string[] = [];
  if (p.badCrc) out.push(`${p.badCrc} record(s) with a bad CRC skipped`);
  if (p.torn) out.push(`${p.torn} file(s) end in a partial record (still being written, or the writer died)`);
  if (p.oversized) out.push(`${p.oversized} record length(s) over the limit: the rest of that file was not read`);
  if (p.undecodable) out.push(`${p.undecodable} record(s) that are not TensorBoard events skipped`);
  out.push(...p.unreadable);
  return out;
}

export function printLogdirReport(reports: LogdirRunReport[], write: (line: string) => void): void {
  for (const r of reports) {
    const s = r.summary;
    write(`TensorBoard run "${r.run}" (${r.dir}): ${s.steps} steps, ${s.epochs} epochs`);
    write(
      `tags: ${
        Object.entries(r.tags)
          .map(([k, t]) => (k === t ? k : `${t} → ${k}`))
          .join(', ') || 'none'
      }`,
    );
    if (Object.keys(s.final).length) write(`final: ${formatLogs(s.final)}`);
    for (const p of problemText(r.problems)) write(`warning: ${p}`);
    for (const f of r.findings) findingLines(f).forEach(write);
  }
}
