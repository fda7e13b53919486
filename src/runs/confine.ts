/**
 * Run folders are untrusted (a cloned repository can commit `.training-lens/`): every path Training Lens writes or
 * deletes is confined to the runs folder after resolving links, and nothing is written through a symbolic link.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EVENTS_FILE, META_FILE, META_MAX_BYTES, NAME_MAX_CHARS, RUNS_DIR, TOOL_DIR } from './layout';
import { parseMeta, serializeMeta } from './meta';
import { readRegularFileSync } from './safeFile';

function notRunFolder(dir: string, why: string): Error {
  return new Error(`${dir} is not a Training Lens run folder (${why})`);
}

function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR')
      return undefined;
    throw e;
  }
}

/**
 * The runs folder as it really is on disk; refuses a runs folder (or its `.training-lens` parent) that is a
 * symbolic link: a committed link would point deletes and renames at another folder.
 */
export function realRunsDir(runsDir: string): string {
  const resolved = path.resolve(runsDir);
  for (const p of path.basename(path.dirname(resolved)) === TOOL_DIR
    ? [resolved, path.dirname(resolved)]
    : [resolved]) {
    const st = lstatOrUndefined(p);
    if (!st) throw new Error(`${p} does not exist`);
    if (st.isSymbolicLink())
      throw new Error(`${p} is a symbolic link; Training Lens does not follow links in its runs folder`);
    if (!st.isDirectory()) throw new Error(`${p} is not a folder`);
  }
  return fs.realpathSync(resolved);
}

/**
 * Checks that `dir` is an entry directly inside the runs folder `runsDir` (default: its parent, which must then be
 * named `runs`) and returns what it is: a real folder, or a symbolic link (which is only ever removed, never
 * followed).
 */
export function confineRunEntry(dir: string, runsDir?: string): { path: string; link: boolean } {
  const resolved = path.resolve(dir);
  const runs = path.resolve(runsDir ?? path.dirname(resolved));
  if (path.dirname(resolved) !== runs) throw notRunFolder(dir, `not directly inside ${runs}`);
  if (!runsDir && path.basename(runs) !== path.basename(RUNS_DIR))
    throw notRunFolder(dir, 'its folder is not a runs folder');
  const real = realRunsDir(runs);
  const st = lstatOrUndefined(resolved);
  if (!st) throw notRunFolder(dir, 'it does not exist');
  if (st.isSymbolicLink()) return { path: resolved, link: true };
  if (!st.isDirectory()) throw notRunFolder(dir, 'not a folder');
  if (fs.realpathSync(resolved) !== path.join(real, path.basename(resolved)))
    throw notRunFolder(dir, 'it resolves outside the runs folder');
  return { path: resolved, link: false };
}

/** Deletes a run folder (a damaged one too); a symbolic link in its place is removed, never followed. */
export function deleteRunFolder(dir: string, runsDir?: string): void {
  const entry = confineRunEntry(dir, runsDir);
  if (entry.link) {
    fs.unlinkSync(entry.path);
    return;
  }
  if (!lstatOrUndefined(path.join(entry.path, EVENTS_FILE))) throw notRunFolder(dir, `it has no ${EVENTS_FILE}`);
  // fs.rm does not follow links inside the folder: a link to elsewhere is removed, its target stays
  fs.rmSync(entry.path, { recursive: true, force: true });
}

/** Names a run (an empty name removes the name): replaces run.json whole, never writing through a link. */
export function renameRunFolder(dir: string, name: string, runsDir?: string): void {
  const entry = confineRunEntry(dir, runsDir);
  if (entry.link) throw notRunFolder(dir, 'a symbolic link');
  const meta = path.join(entry.path, META_FILE);
  // keep what else run.json says (the writer's pid and host)
  let kept = {};
  try {
    kept = parseMeta(readRegularFileSync(meta, META_MAX_BYTES));
  } catch {
    /* none, or not a regular file */
  }
  const text = serializeMeta({ ...kept, name: name.trim().slice(0, NAME_MAX_CHARS) || undefined });
  replaceRunFile(entry.path, META_FILE, text);
}

/**
 * Replaces (or, with `text` undefined, removes) one small file of a confined run folder whole: written to a fresh
 * temporary file ('wx': fails on anything already there, links included), then renamed over the old one, so a link
 * in its place is replaced, never followed.
 */
export function replaceRunFile(runDir: string, name: string, text: string | undefined): void {
  const file = path.join(runDir, name);
  if (text === undefined) {
    fs.rmSync(file, { recursive: true, force: true });
    return;
  }
  const tmp = path.join(runDir, `.${name}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  fs.writeFileSync(tmp, text, { flag: 'wx' });
  try {
    const old = lstatOrUndefined(file);
    if (old?.isDirectory()) fs.rmSync(file, { recursive: true, force: true });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
