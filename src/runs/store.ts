/**
 * Run store: `<root>/.training-lens/runs/<runId>/events.ndjson`, append-only. The reader survives corruption:
 * bad lines are reported with their line number and skipped, a truncated last line (a writer killed mid-line)
 * is dropped, and a log without run-end is reported as interrupted. Run folders are untrusted input (a cloned
 * repository can commit them): see src/runs/safeFile.ts, confine.ts and listing.ts.
 */
import * as path from 'node:path';
import { parseEvent, type RunEvent, type RunStartEvent, type RunEndEvent } from '../protocol';
import { LOG_MAX_BYTES, type RunRecord } from './layout';
import { readRegularFileSync } from './safeFile';
import { describeRunSync, listRunsSync } from './listing';
import { deleteRunFolder, renameRunFolder } from './confine';

export { RUNS_DIR, EVENTS_FILE, META_FILE, runsDirOf, type RunRecord } from './layout';

/** Sortable, unique, readable: 2026-11-23T17-28-57-123Z-<job>-<rand> */
export function newRunId(jobFile: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const job = path
    .basename(jobFile)
    .replace(/\.(train\.)?[cm]?[tj]s$/, '')
    .replace(/[^\w-]+/g, '_')
    .slice(0, 40);
  return `${stamp}-${job}-${Math.random().toString(36).slice(2, 6)}`;
}

export interface LogProblem {
  line: number;
  reason: string;
}

export interface RunLog {
  file: string;
  events: RunEvent[];
  problems: LogProblem[];
}

export function parseRunLog(text: string, file = '<memory>'): RunLog {
  const lines = text.split('\n');
  const events: RunEvent[] = [];
  const problems: LogProblem[] = [];
  const lastIndex = text.endsWith('\n') ? lines.length - 1 : lines.length;
  for (let i = 0; i < lastIndex; i++) {
    const line = lines[i];
    if (!line.trim()) continue;
    const r = parseEvent(line);
    if (r.ok) events.push(r.value);
    else if (i === lastIndex - 1 && !text.endsWith('\n'))
      problems.push({ line: i + 1, reason: `truncated last line (${r.reason})` });
    else problems.push({ line: i + 1, reason: r.reason });
  }
  return { file, events, problems };
}

/** Reads a whole log: a regular file (no link, FIFO, device or folder) of at most 256 MB, else a clear error. */
export function readRunLog(file: string): RunLog {
  return parseRunLog(readRegularFileSync(file, LOG_MAX_BYTES), file);
}

/** Summary of one run folder, from a glance at its log; undefined when the folder holds no events.ndjson. */
export function describeRun(dir: string): RunRecord | undefined {
  return describeRunSync(dir);
}

/** Names a run (an empty name removes it); confined to the runs folder, never writes through a link. */
export function renameRun(dir: string, name: string, runsDir?: string): void {
  renameRunFolder(dir, name, runsDir);
}

/** Deletes a run folder (a damaged one too); refuses anything that is not an entry of the runs folder. */
export function deleteRun(dir: string, runsDir?: string): void {
  deleteRunFolder(dir, runsDir);
}

export function summarizeEvents(runId: string, dir: string, events: RunEvent[], live = false): RunRecord | undefined {
  const start = events.find((e): e is RunStartEvent => e.kind === 'run-start');
  if (!start) return undefined;
  const end = events.find((e): e is RunEndEvent => e.kind === 'run-end');
  let finalLoss: number | null | undefined;
  let steps = 0;
  for (const e of events) {
    if (e.kind === 'batch') {
      finalLoss = e.loss;
      steps = e.step + 1;
    }
  }
  return {
    runId,
    dir,
    jobFile: start.jobFile,
    startedAt: start.startedAt,
    status: end ? end.status : live ? 'running' : 'interrupted',
    backend: start.backend,
    finalLoss,
    steps: end?.steps ?? steps,
    error: end?.error,
    variant: start.variant?.title,
    sweep: start.sweep ? { ...start.sweep, hparams: start.hparams ?? {} } : undefined,
  };
}

/** Runs under a runs folder, newest first (damaged ones included). */
export function listRuns(runsDir: string): RunRecord[] {
  return listRunsSync(runsDir);
}
