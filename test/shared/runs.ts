/** Runs on disk as the real-VS-Code suites read them: tolerant of the half-written last line of a live run. */
import fs from 'node:fs';
import path from 'node:path';

export interface RunEvent {
  kind: string;
  runId: string;
  seq: number;
  t: number;
  status?: string;
  [k: string]: unknown;
}
export interface RunOnDisk {
  runId: string;
  dir: string;
  events: RunEvent[];
  end?: RunEvent;
}

export const runsDir = (workspace: string) => path.join(workspace, '.training-lens', 'runs');

export function runIds(workspace: string): string[] {
  try {
    return fs
      .readdirSync(runsDir(workspace))
      .filter(d => fs.existsSync(path.join(runsDir(workspace), d, 'events.ndjson')));
  } catch {
    return [];
  }
}

export function readRun(workspace: string, runId: string): RunOnDisk {
  const dir = path.join(runsDir(workspace), runId);
  const file = path.join(dir, 'events.ndjson');
  const events: RunEvent[] = [];
  for (const line of (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '').split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as RunEvent);
    } catch {
      // a half-written last line while the run is live
    }
  }
  const last = events.at(-1);
  return { runId, dir, events, end: last?.kind === 'run-end' ? last : undefined };
}

/**
 * The run-end of a run, read from the log's tail only: a poll that parses a live log whole (megabytes after a few
 * seconds of a fast job) costs the machine the time it is measuring.
 */
export function readRunEnd(workspace: string, runId: string): RunEvent | undefined {
  const file = path.join(runsDir(workspace), runId, 'events.ndjson');
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const length = Math.min(size, 16_384);
    const tail = Buffer.alloc(length);
    fs.readSync(fd, tail, 0, length, size - length);
    const last = tail.toString('utf8').trimEnd().split('\n').at(-1) ?? '';
    try {
      const event = JSON.parse(last) as RunEvent;
      return event.kind === 'run-end' ? event : undefined;
    } catch {
      return undefined; // a half-written last line while the run is live
    }
  } finally {
    fs.closeSync(fd);
  }
}
