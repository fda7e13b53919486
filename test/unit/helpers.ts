/** Shared test helpers: run a job through the real runner (child process, tsx sources), read logs. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchRun, type LaunchOptions, type RunHandle } from '../../src/runner/launch';
import { runnerEntry } from '../../src/runner/entry';
import type { RunEvent, RunEndEvent } from '../../src/protocol';

export const ROOT = path.resolve(__dirname, '..', '..');
export const JOBS = path.join(ROOT, 'test', 'fixtures', 'jobs');

export function tempDir(prefix = 'tl-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface Finished {
  handle: RunHandle;
  events: RunEvent[];
  end: RunEndEvent;
  problems: string[];
}

export async function runJob(
  job: string,
  opts: Partial<LaunchOptions> & { onEvent?: (e: RunEvent, h: RunHandle) => void } = {},
): Promise<Finished> {
  const handle = launchRun({
    jobFile: path.isAbsolute(job) ? job : path.join(JOBS, job),
    runsDir: opts.runsDir ?? tempDir(),
    ...runnerEntry(path.join(ROOT, 'src', 'runner')),
    ...opts,
  });
  const events: RunEvent[] = [];
  const problems: string[] = [];
  handle.onEvent(e => {
    events.push(e);
    opts.onEvent?.(e, handle);
  });
  handle.onProblem(p => problems.push(p));
  const end = await handle.done;
  return { handle, events, end, problems };
}

export function kinds(events: RunEvent[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of events) out[e.kind] = (out[e.kind] ?? 0) + 1;
  return out;
}
