/**
 * Run store: `<root>/.training-lens/runs/<runId>/events.ndjson`, append-only. The reader survives corruption:
 * bad lines are reported with their line number and skipped, a truncated last line (a writer killed mid-line)
 * is dropped, and a log without run-end is reported as interrupted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseEvent, type RunEvent, type RunStartEvent, type RunEndEvent } from '../protocol';

export const RUNS_DIR = path.join('.training-lens', 'runs');
export const EVENTS_FILE = 'events.ndjson';

export function runsDirOf(workspaceRoot: string): string {
  return path.join(workspaceRoot, RUNS_DIR);
}

/** Sortable, unique, readable: 2026-11-23T17-28-57-123Z-<job>-<rand> */
export function newRunId(jobFile: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const job = path.basename(jobFile).replace(/\.(train\.)?[cm]?[tj]s$/, '').replace(/[^\w-]+/g, '_').slice(0, 40);
  return `${stamp}-${job}-${Math.random().toString(36).slice(2, 6)}`;
}

export interface LogProblem { line: number; reason: string }

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
    else if (i === lastIndex - 1 && !text.endsWith('\n')) problems.push({ line: i + 1, reason: `truncated last line (${r.reason})` });
    else problems.push({ line: i + 1, reason: r.reason });
  }
  return { file, events, problems };
}

export function readRunLog(file: string): RunLog {
  return parseRunLog(fs.readFileSync(file, 'utf8'), file);
}

export interface RunRecord {
  runId: string;
  dir: string;
  jobFile: string;
  startedAt: string;
  status: 'running' | 'ok' | 'error' | 'cancelled' | 'interrupted';
  backend?: string;
  finalLoss?: number | null;
  steps: number;
  error?: RunEndEvent['error'];
  /** the name the user gave the run (Runs view: Rename) */
  name?: string;
  /** what a "try the fix" run tried */
  variant?: string;
  /** a sweep trial: its sweep, number and hyper-parameter values */
  sweep?: { id: string; trial: number; hparams: Record<string, number | string | boolean> };
}

/** User metadata kept beside the log (the log itself stays append-only). */
export const META_FILE = 'run.json';

interface RunMeta { name?: string }

function readMeta(dir: string): RunMeta {
  try {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, META_FILE), 'utf8')) as unknown;
    return meta && typeof meta === 'object' && typeof (meta as RunMeta).name === 'string' ? { name: (meta as RunMeta).name } : {};
  } catch {
    return {};
  }
}

/** Summary of one run folder (reads its log). */
export function describeRun(dir: string): RunRecord | undefined {
  const file = path.join(dir, EVENTS_FILE);
  if (!fs.existsSync(file)) return undefined;
  const { events } = readRunLog(file);
  const record = summarizeEvents(path.basename(dir), dir, events);
  const { name } = readMeta(dir);
  return record && name ? { ...record, name } : record;
}

/** Names a run (an empty name removes it). */
export function renameRun(dir: string, name: string): void {
  const trimmed = name.trim();
  if (trimmed) fs.writeFileSync(path.join(dir, META_FILE), JSON.stringify({ name: trimmed }, null, 2) + '\n');
  else fs.rmSync(path.join(dir, META_FILE), { force: true });
}

/** Deletes a run folder; refuses anything that is not a run folder directly under a runs folder. */
export function deleteRun(dir: string): void {
  const resolved = path.resolve(dir);
  if (!fs.existsSync(path.join(resolved, EVENTS_FILE)) || path.basename(path.dirname(resolved)) !== path.basename(RUNS_DIR)) {
    throw new Error(`${dir} is not a Training Lens run folder`);
  }
  fs.rmSync(resolved, { recursive: true, force: true });
}

export function summarizeEvents(runId: string, dir: string, events: RunEvent[], live = false): RunRecord | undefined {
  const start = events.find((e): e is RunStartEvent => e.kind === 'run-start');
  if (!start) return undefined;
  const end = events.find((e): e is RunEndEvent => e.kind === 'run-end');
  let finalLoss: number | null | undefined;
  let steps = 0;
  for (const e of events) {
    if (e.kind === 'batch') { finalLoss = e.loss; steps = e.step + 1; }
  }
  return {
    runId, dir, jobFile: start.jobFile, startedAt: start.startedAt,
    status: end ? end.status : live ? 'running' : 'interrupted',
    backend: start.backend, finalLoss, steps: end?.steps ?? steps, error: end?.error, variant: start.variant?.title,
    sweep: start.sweep ? { ...start.sweep, hparams: start.hparams ?? {} } : undefined,
  };
}

/** Runs under a runs folder, newest first. */
export function listRuns(runsDir: string): RunRecord[] {
  if (!fs.existsSync(runsDir)) return [];
  return fs.readdirSync(runsDir, { withFileTypes: true })
    .filter(d => d.isDirectory())
    .map(d => describeRun(path.join(runsDir, d.name)))
    .filter((r): r is RunRecord => !!r)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/** Append-only writer; one JSON line per event. */
export class RunLogWriter {
  private readonly fd: number;
  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, 'a');
  }
  append(event: RunEvent): void {
    fs.writeSync(this.fd, JSON.stringify(event) + '\n');
  }
  close(): void {
    try { fs.closeSync(this.fd); } catch { /* already closed */ }
  }
}
