/**
 * Where the data loaders find files and say what they did. A relative path resolves against the job file's folder
 * (the runner passes the job's path in the toolkit's environment), so a job reads `data/iris.csv` next to itself
 * whichever folder the run was started from; outside a run it resolves against the working directory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface DataEnv {
  /** the job file being run (relative data paths resolve against its folder) */
  jobFile?: string;
  /** where the loaders' summary and warning lines go (default: the console, which a run turns into log events) */
  log?: (level: 'info' | 'warn', text: string) => void;
}

export function dataLog(env: DataEnv): (level: 'info' | 'warn', text: string) => void {
  return env.log ?? ((level, text) => (level === 'warn' ? console.warn(text) : console.log(text)));
}

export function resolveDataPath(env: DataEnv, p: string): string {
  if (typeof p !== 'string' || p.trim() === '')
    throw new Error('training-lens: a data path must be a non-empty string');
  const base = env.jobFile ? path.dirname(env.jobFile) : process.cwd();
  return path.resolve(base, p);
}

/** Throws an error naming the resolved path when it does not exist or is not of the expected kind. */
export async function requirePath(fn: string, resolved: string, kind: 'file' | 'folder'): Promise<void> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(resolved);
  } catch {
    throw new Error(`${fn}: ${resolved} does not exist (relative paths resolve against the job file's folder)`);
  }
  if (kind === 'file' && !stat.isFile()) throw new Error(`${fn}: ${resolved} is not a file`);
  if (kind === 'folder' && !stat.isDirectory()) throw new Error(`${fn}: ${resolved} is not a folder`);
}
