/**
 * Which interpreters Set Up Native Backend may run without asking. The build it makes goes into global storage and
 * every later run, in every workspace, loads it: an interpreter that lives inside a workspace (a committed `.venv`,
 * a `python` script in the repository) is that workspace's code, so it needs the user's explicit yes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

function real(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

function inside(file: string, folder: string): boolean {
  const rel = path.relative(folder, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** The workspace folder an interpreter path lies in (by its path and by where its links lead), if any. */
export function workspaceFolderOf(python: string, folders: readonly string[]): string | undefined {
  if (!path.isAbsolute(python) && !python.includes(path.sep) && !python.includes('/')) return undefined; // found on PATH
  const candidates = [path.resolve(python), real(python)];
  return folders.find(f => candidates.some(c => inside(c, path.resolve(f)) || inside(c, real(f))));
}
