/**
 * A TensorBoard logdir on disk: which folders are runs (TensorBoard's rule: every folder holding an
 * `events.out.tfevents.*` file is a run), and each run's event files read incrementally, so a logdir still being
 * written is followed by reading only what was appended. Logdirs are untrusted input: no symbolic link is followed,
 * only regular files are read (src/runs/safeFile.ts), the walk is bounded in depth and entries, a read in size.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openRegularSync, readAtSync } from '../runs/safeFile';
import { forEachFrame, MAX_RECORD_BYTES } from './records';
import { recordReader, type RecordReader } from './codec';

export const EVENT_FILE_PATTERN = /(^|\.)tfevents\./;
const MAX_DEPTH = 8;
const MAX_ENTRIES = 20_000;
/** most bytes read at once: a bigger file is read in several goes (a record is at most MAX_RECORD_BYTES) */
const READ_BYTES = 128 << 20;

/** Sub-run names that Keras' TensorBoard callback (and others) use for the validation half of one run. */
const VALIDATION_PARTS = new Set(['validation', 'val', 'eval', 'test']);
const TRAIN_PARTS = new Set(['train', 'training']);

export interface RunPart {
  /** 'train' for the run's own events, 'validation' for a Keras-style validation sub-run */
  role: 'train' | 'validation';
  dir: string;
}

/** One Training Lens run made of one TensorBoard run, or of Keras' train/ + validation/ pair. */
export interface LogdirRun {
  /** path relative to the logdir ('.' for the logdir itself), as TensorBoard names the run */
  name: string;
  dir: string;
  parts: RunPart[];
}

export function isEventFile(name: string): boolean {
  return EVENT_FILE_PATTERN.test(name);
}

/** Folders under `logdir` (itself included) that hold event files; links are not followed. */
export function findEventDirs(logdir: string): string[] {
  const found: string[] = [];
  let entries = 0;
  const walk = (dir: string, depth: number) => {
    let list: fs.Dirent[];
    try {
      list = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (list.some(d => d.isFile() && isEventFile(d.name))) found.push(dir);
    if (depth >= MAX_DEPTH) return;
    for (const d of list.sort((a, b) => a.name.localeCompare(b.name))) {
      if (++entries > MAX_ENTRIES) return;
      if (d.isDirectory() && !d.name.startsWith('.') && d.name !== 'node_modules')
        walk(path.join(dir, d.name), depth + 1);
    }
  };
  walk(logdir, 0);
  return found;
}

/** The runs of a logdir; a folder whose only event folders are train/ and validation/ (Keras) is one run. */
export function findRuns(logdir: string): LogdirRun[] {
  const dirs = findEventDirs(logdir);
  const byParent = new Map<string, string[]>();
  for (const d of dirs) {
    const parent = path.dirname(d);
    if (d !== logdir && TRAIN_PARTS.has(path.basename(d))) byParent.set(parent, [...(byParent.get(parent) ?? []), d]);
  }
  const runs: LogdirRun[] = [];
  const taken = new Set<string>();
  for (const [parent, trains] of byParent) {
    if (dirs.includes(parent)) continue; // the parent is a run of its own: keep TensorBoard's one run per folder
    const vals = dirs.filter(d => path.dirname(d) === parent && VALIDATION_PARTS.has(path.basename(d)));
    const parts: RunPart[] = [
      ...trains.map(dir => ({ role: 'train' as const, dir })),
      ...vals.map(dir => ({ role: 'validation' as const, dir })),
    ];
    parts.forEach(p => taken.add(p.dir));
    runs.push({ name: path.relative(logdir, parent) || path.basename(logdir), dir: parent, parts });
  }
  for (const d of dirs)
    if (!taken.has(d))
      runs.push({
        name: path.relative(logdir, d) || path.basename(logdir),
        dir: d,
        parts: [{ role: 'train', dir: d }],
      });
  return runs.sort((a, b) => a.name.localeCompare(b.name));
}

export interface ReadProblems {
  badCrc: number;
  /** 1 when a file currently ends in a partial record (a writer mid-write, or killed) */
  torn: number;
  oversized: number;
  /** records whose bytes are not an Event */
  undecodable: number;
  /** files that could not be read (a link, a FIFO, too large, unreadable) with the reason */
  unreadable: string[];
}

export function emptyProblems(): ReadProblems {
  return { badCrc: 0, torn: 0, oversized: 0, undecodable: 0, unreadable: [] };
}

/** One event file read from where the last read stopped. */
export class EventFileTail {
  private offset = 0;
  /** the file ends in a partial record (a writer mid-write, or killed) */
  torn = false;
  private failed = false;

  constructor(readonly file: string) {}

  /** bytes past what was read, when the last read stopped at its budget */
  more = false;

  /**
   * The records written since the last call (whole records, at most about `budget` bytes), each handed to `onRecord`
   * as a reader and the record's bounds in its buffer (read it there and then: the buffer is the next read's too);
   * a record `onRecord` throws on is counted undecodable. Other problems go to `problems`.
   */
  read(
    problems: ReadProblems,
    onRecord: (r: RecordReader, start: number, end: number) => void,
    budget = Number.MAX_SAFE_INTEGER,
  ): void {
    if (this.failed) return;
    let opened: { fd: number; stat: fs.Stats };
    try {
      opened = openRegularSync(this.file, Number.MAX_SAFE_INTEGER);
    } catch (e) {
      problems.unreadable.push((e as Error).message);
      this.failed = true;
      return;
    }
    const { fd, stat } = opened;
    let partial = false;
    try {
      let taken = 0;
      let grow = false;
      while (this.offset < stat.size && (taken < budget || grow)) {
        const remaining = stat.size - this.offset;
        // a budgeted read still takes a record bigger than the budget whole (grow), at most MAX_RECORD_BYTES
        const want = Math.min(
          remaining,
          grow ? MAX_RECORD_BYTES + 16 : Math.max(1 << 16, Math.min(READ_BYTES, budget - taken)),
        );
        grow = false;
        const buf = readAtSync(fd, this.offset, want);
        const reader = recordReader(buf);
        const frames = forEachFrame(
          buf,
          (start, end) => {
            try {
              onRecord(reader, start, end);
            } catch {
              problems.undecodable++;
            }
          },
          MAX_RECORD_BYTES,
        );
        problems.badCrc += frames.badCrc;
        problems.oversized += frames.oversized;
        this.offset += frames.consumed;
        taken += frames.consumed;
        if (frames.consumed === 0) {
          if (frames.torn && want < remaining) grow = true;
          else {
            // a partial record at the end: the rest comes with a later read (or never, when the writer died)
            partial = frames.torn > 0;
            break;
          }
        }
      }
      this.torn = partial;
      this.more = this.offset < stat.size && !partial;
    } finally {
      fs.closeSync(fd);
    }
  }
}
