/**
 * A note and tags per run (TensorBoard cannot: tensorboard#210), in `notes.json` beside run.json. The file is
 * untrusted input like the rest of the run store: read only as a regular file of at most 64 KB, validated (a note
 * of at most 4000 characters, at most 32 tags of at most 40 printable characters each); a file that fails says why
 * and names itself, and the run still lists. Written whole through a temporary file, confined to the runs folder.
 */
import * as path from 'node:path';
import * as z from 'zod';
import { hasControlChars } from '../protocol/customEvents';
import { confineRunEntry, replaceRunFile } from './confine';
import { readRegularFile, readRegularFileSync } from './safeFile';

export const NOTES_FILE = 'notes.json';
export const NOTES_MAX_BYTES = 64 << 10;
export const NOTE_MAX_CHARS = 4000;
export const TAGS_MAX = 32;
export const TAG_MAX_CHARS = 40;

export interface RunNotes {
  note?: string;
  tags?: string[];
}

const tag = z
  .string()
  .trim()
  .min(1, 'a tag is empty')
  .max(TAG_MAX_CHARS, `a tag is over ${TAG_MAX_CHARS} characters`)
  .refine(t => !hasControlChars(t) && !t.includes(','), 'a tag holds a comma or a control character');
const notesSchema = z
  .object({
    note: z.string().max(NOTE_MAX_CHARS, `the note is over ${NOTE_MAX_CHARS} characters`).optional(),
    tags: z.array(tag).max(TAGS_MAX, `more than ${TAGS_MAX} tags`).optional(),
  })
  .strict();

/** The notes of a file's text; throws an error naming the file and what is wrong. */
export function parseNotes(text: string, file: string): RunNotes {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: invalid JSON (${(e as Error).message})`, { cause: e });
  }
  const r = notesSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`${file}: ${issue.path.length ? issue.path.join('.') + ': ' : ''}${issue.message}`);
  }
  return normalizeNotes(r.data);
}

/** Trimmed, tags de-duplicated (first spelling kept, case-insensitive), empty parts dropped. */
export function normalizeNotes(n: RunNotes): RunNotes {
  const out: RunNotes = {};
  const note = n.note?.trim();
  if (note) out.note = note;
  const seen = new Set<string>();
  const tags = (n.tags ?? [])
    .map(t => t.trim())
    .filter(t => t && !seen.has(t.toLowerCase()) && seen.add(t.toLowerCase()));
  if (tags.length) out.tags = tags;
  return out;
}

/** Tags typed in an input box: comma-separated. Throws on a tag the file could not hold. */
export function parseTagList(text: string): string[] {
  const tags = normalizeNotes({ tags: text.split(',') }).tags ?? [];
  const r = notesSchema.safeParse({ tags });
  if (!r.success) throw new Error(r.error.issues[0].message);
  return tags;
}

export interface NotesReading {
  notes: RunNotes;
  /** why notes.json could not be read (the run lists without its notes) */
  problem?: string;
}

function missing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export function readNotesSync(dir: string): NotesReading {
  const file = path.join(dir, NOTES_FILE);
  try {
    return { notes: parseNotes(readRegularFileSync(file, NOTES_MAX_BYTES), file) };
  } catch (e) {
    return missing(e) ? { notes: {} } : { notes: {}, problem: (e as Error).message };
  }
}

export async function readNotes(dir: string): Promise<NotesReading> {
  const file = path.join(dir, NOTES_FILE);
  try {
    return { notes: parseNotes(await readRegularFile(file, NOTES_MAX_BYTES), file) };
  } catch (e) {
    return missing(e) ? { notes: {} } : { notes: {}, problem: (e as Error).message };
  }
}

/** Replaces a run's notes (nothing left: the file is removed); confined to the runs folder, never through a link. */
export function writeNotes(dir: string, notes: RunNotes, runsDir?: string): RunNotes {
  const entry = confineRunEntry(dir, runsDir);
  if (entry.link) throw new Error(`${dir} is not a Training Lens run folder (a symbolic link)`);
  const clean = normalizeNotes(notes);
  const r = notesSchema.safeParse(clean);
  if (!r.success) throw new Error(`${path.join(dir, NOTES_FILE)}: ${r.error.issues[0].message}`);
  replaceRunFile(entry.path, NOTES_FILE, Object.keys(clean).length ? JSON.stringify(clean, null, 2) + '\n' : undefined);
  return clean;
}
