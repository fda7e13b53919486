/** Where runs live: `<root>/.training-lens/runs/<runId>/events.ndjson`, with the user's metadata in run.json. */
import * as path from 'node:path';
import type { RunEndEvent } from '../protocol';

export const TOOL_DIR = '.training-lens';
export const RUNS_DIR = path.join(TOOL_DIR, 'runs');
export const EVENTS_FILE = 'events.ndjson';
/** User metadata kept beside the log (the log itself stays append-only). */
export const META_FILE = 'run.json';

/** the most of a log read whole (dashboard, report): a JS string cannot hold much more, nor the host's memory */
export const LOG_MAX_BYTES = 256 << 20;
export const META_MAX_BYTES = 64 << 10;
export const NAME_MAX_CHARS = 200;
/** a log without run-end that has not grown for this long belongs to a process that is gone */
export const STALE_MS = 2 * 60_000;

export function runsDirOf(workspaceRoot: string): string {
  return path.join(workspaceRoot, RUNS_DIR);
}

/** One run folder as the Runs view lists it. */
export interface RunRecord {
  runId: string;
  dir: string;
  jobFile: string;
  startedAt: string;
  /** damaged: the folder holds no readable run (see `problem`); it can still be deleted */
  status: 'running' | 'ok' | 'error' | 'cancelled' | 'interrupted' | 'damaged';
  /** why a damaged run cannot be read */
  problem?: string;
  backend?: string;
  finalLoss?: number | null;
  steps: number;
  error?: RunEndEvent['error'];
  /** the name the user gave the run (Runs view: Rename) */
  name?: string;
  /** the user's note and tags (notes.json, Runs view: Edit Note, Edit Tags) */
  note?: string;
  tags?: string[];
  /** why notes.json could not be read */
  notesProblem?: string;
  /** what a "try the fix" run tried */
  variant?: string;
  /** a sweep trial: its sweep, number and hyper-parameter values */
  sweep?: { id: string; trial: number; hparams: Record<string, number | string | boolean> };
}
