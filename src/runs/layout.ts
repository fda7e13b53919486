/** Where runs live: `<root>/.training-lens/runs/<runId>/events.ndjson`, with the user's metadata in run.json. */
import * as path from 'node:path';

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
