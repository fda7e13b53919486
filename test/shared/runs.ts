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
