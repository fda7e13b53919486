/**
 * The run list (Runs view, Open Dashboard picker, sweep panel): one record per run folder, from a glance at its log
 * (src/runs/logGlance.ts) rather than a parse of the whole log. Every folder is untrusted input: a link, a FIFO, a
 * folder where the log should be, an empty log or one without run-start gives a `damaged` record that says why (and
 * can be deleted), never an exception that hides the other runs. `RunLister` keeps each log's glance keyed on its
 * inode, size and mtime: an unchanged log is not read again, and a growing one is read only at its end.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunRecord } from './layout';
import { EVENTS_FILE, META_FILE, META_MAX_BYTES, STALE_MS } from './layout';
import { glanceLog, runGlance, runGlanceSync, type LogGlance } from './logGlance';
import {
  kindOf,
  openRegular,
  openRegularSync,
  readAt,
  readAtSync,
  readRegularFile,
  readRegularFileSync,
} from './safeFile';
import { realRunsDir } from './confine';
import { parseMeta, writerAlive, type RunMeta } from './meta';
import { readNotes, readNotesSync, type NotesReading } from './notes';

/** the part of notes.json a record shows */
function notesOf(r: NotesReading): Pick<RunRecord, 'note' | 'tags' | 'notesProblem'> {
  return { ...r.notes, ...(r.problem ? { notesProblem: r.problem } : {}) };
}

/** the part of run.json a record shows */
const shown = (meta: RunMeta): { name?: string } => (meta.name ? { name: meta.name } : {});

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function damaged(runId: string, dir: string, problem: string, mtimeMs: number): RunRecord {
  return { runId, dir, jobFile: '', startedAt: new Date(mtimeMs).toISOString(), status: 'damaged', steps: 0, problem };
}

/** The record of a run folder from its log's glance (`damaged` when the glance found no run). */
export function recordOf(
  runId: string,
  dir: string,
  glance: LogGlance,
  mtimeMs: number,
  meta: RunMeta,
  now = Date.now(),
): RunRecord {
  const { start, end, lastBatch } = glance;
  if (!start)
    return { ...damaged(runId, dir, glance.problem ?? 'no run-start event in the log', mtimeMs), ...shown(meta) };
  // no run-end: the run goes on while the process writing its log lives (run.json's pid, when it has one), or else
  // while its log keeps growing
  const alive = end ? undefined : writerAlive(meta);
  const running = alive ?? now - mtimeMs < STALE_MS;
  return {
    runId,
    dir,
    jobFile: start.jobFile,
    startedAt: start.startedAt,
    status: end ? end.status : running ? 'running' : 'interrupted',
    backend: start.backend,
    finalLoss: lastBatch?.loss,
    steps: end?.steps ?? (lastBatch ? lastBatch.step + 1 : 0),
    error: end?.error,
    variant: start.variant?.title,
    sweep: start.sweep ? { ...start.sweep, hparams: start.hparams ?? {} } : undefined,
    ...shown(meta),
  };
}

function readMetaSync(dir: string): RunMeta {
  try {
    return parseMeta(readRegularFileSync(path.join(dir, META_FILE), META_MAX_BYTES));
  } catch {
    return {};
  }
}

/** Synchronous record of one run folder; undefined when it is not a run folder (no events.ndjson). */
export function describeRunSync(dir: string, now = Date.now()): RunRecord | undefined {
  const runId = path.basename(dir);
  let dirStat: fs.Stats;
  try {
    dirStat = fs.lstatSync(dir);
  } catch {
    return undefined;
  }
  if (dirStat.isSymbolicLink())
    return damaged(runId, dir, 'the run folder is a symbolic link (not followed)', dirStat.mtimeMs);
  if (!dirStat.isDirectory()) return undefined;
  const file = path.join(dir, EVENTS_FILE);
  let opened: ReturnType<typeof openRegularSync>;
  try {
    opened = openRegularSync(file, Number.MAX_SAFE_INTEGER);
  } catch (e) {
    return isMissing(e)
      ? undefined
      : { ...damaged(runId, dir, (e as Error).message, dirStat.mtimeMs), ...shown(readMetaSync(dir)) };
  }
  const { fd, stat } = opened;
  try {
    const glance = runGlanceSync(glanceLog(stat.size), r => readAtSync(fd, r.position, r.length));
    return { ...recordOf(runId, dir, glance, stat.mtimeMs, readMetaSync(dir), now), ...notesOf(readNotesSync(dir)) };
  } catch (e) {
    return damaged(runId, dir, `${file}: ${(e as Error).message}`, stat.mtimeMs);
  } finally {
    fs.closeSync(fd);
  }
}

/** Newest first. */
export function byNewest(a: RunRecord, b: RunRecord): number {
  // plain code-unit order: ISO times sort right, and localeCompare (ICU collation) costs ~0.3 ms a call
  return a.startedAt < b.startedAt
    ? 1
    : a.startedAt > b.startedAt
      ? -1
      : a.runId < b.runId
        ? -1
        : a.runId > b.runId
          ? 1
          : 0;
}

/** Runs under a runs folder, newest first (synchronous: the CLI and tests). */
export function listRunsSync(runsDir: string): RunRecord[] {
  if (!fs.existsSync(runsDir)) return [];
  realRunsDir(runsDir);
  return fs
    .readdirSync(runsDir, { withFileTypes: true })
    .filter(d => d.isDirectory() || d.isSymbolicLink())
    .map(d => describeRunSync(path.join(runsDir, d.name)))
    .filter((r): r is RunRecord => !!r)
    .sort(byNewest);
}

interface Cached {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  glance: LogGlance;
  metaKey?: string;
  meta: RunMeta;
}

/** Lists run folders asynchronously, reusing what it read before for logs that did not change. */
export class RunLister {
  private readonly cache = new Map<string, Cached>();
  /** how many logs the last listing opened (0 when every log was unchanged) */
  lastOpened = 0;

  async list(runsDir: string, now = Date.now()): Promise<RunRecord[]> {
    try {
      await fs.promises.lstat(runsDir);
    } catch (e) {
      if (isMissing(e)) return [];
      throw e;
    }
    realRunsDir(runsDir);
    const entries = await fs.promises.readdir(runsDir, { withFileTypes: true });
    this.lastOpened = 0;
    const seen = new Set<string>();
    const records = await Promise.all(
      entries
        .filter(d => d.isDirectory() || d.isSymbolicLink())
        .map(async d => {
          const dir = path.join(runsDir, d.name);
          seen.add(path.resolve(dir));
          try {
            const record = await this.describe(dir, d, now);
            return record && { ...record, ...notesOf(await readNotes(dir)) };
          } catch (e) {
            return damaged(d.name, dir, (e as Error).message, now);
          }
        }),
    );
    for (const key of this.cache.keys())
      if (path.dirname(key) === path.resolve(runsDir) && !seen.has(key)) this.cache.delete(key);
    return records.filter((r): r is RunRecord => !!r).sort(byNewest);
  }

  private async describe(dir: string, entry: fs.Dirent, now: number): Promise<RunRecord | undefined> {
    const runId = entry.name;
    const key = path.resolve(dir);
    const dirStat = await fs.promises.lstat(dir);
    if (entry.isSymbolicLink())
      return damaged(runId, dir, 'the run folder is a symbolic link (not followed)', dirStat.mtimeMs);
    const file = path.join(dir, EVENTS_FILE);
    let st: fs.Stats;
    try {
      st = await fs.promises.lstat(file);
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
    const { meta, metaKey } = await this.meta(key, dir);
    const kind = kindOf(st);
    if (kind)
      return {
        ...damaged(
          runId,
          dir,
          `${file}: ${kind}, not a regular file; Training Lens reads only regular files here`,
          dirStat.mtimeMs,
        ),
        ...shown(meta),
      };
    const cached = this.cache.get(key);
    if (
      cached &&
      cached.dev === st.dev &&
      cached.ino === st.ino &&
      cached.size === st.size &&
      cached.mtimeMs === st.mtimeMs
    ) {
      Object.assign(cached, { meta, metaKey });
      return recordOf(runId, dir, cached.glance, st.mtimeMs, meta, now);
    }
    const { handle, stat } = await openRegular(file, Number.MAX_SAFE_INTEGER);
    this.lastOpened++;
    try {
      // an append-only log that grew keeps its run-start: read only its new end
      const known =
        cached && cached.dev === stat.dev && cached.ino === stat.ino && stat.size >= cached.size
          ? cached.glance.start
          : undefined;
      const glance = await runGlance(glanceLog(stat.size, known), r => readAt(handle, r.position, r.length));
      this.cache.set(key, {
        dev: stat.dev,
        ino: stat.ino,
        size: stat.size,
        mtimeMs: stat.mtimeMs,
        glance,
        metaKey,
        meta,
      });
      return recordOf(runId, dir, glance, stat.mtimeMs, meta, now);
    } finally {
      await handle.close();
    }
  }

  private async meta(key: string, dir: string): Promise<{ meta: RunMeta; metaKey?: string }> {
    const file = path.join(dir, META_FILE);
    let st: fs.Stats;
    try {
      st = await fs.promises.lstat(file);
    } catch {
      return { meta: {} };
    }
    const metaKey = `${st.ino}:${st.size}:${st.mtimeMs}`;
    const cached = this.cache.get(key);
    if (cached?.metaKey === metaKey) return { meta: cached.meta, metaKey };
    let meta: RunMeta;
    try {
      meta = parseMeta(await readRegularFile(file, META_MAX_BYTES));
    } catch {
      meta = {};
    }
    return { meta, metaKey };
  }
}
