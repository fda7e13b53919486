/**
 * run.json, beside a run's log: the name the user gave the run, and (when the process writing the log recorded
 * them) that process's pid and host name, so a run without run-end whose writer is gone shows as interrupted at
 * once. Anyone can edit the file: only own keys of the right type count.
 */
import * as os from 'node:os';
import { NAME_MAX_CHARS } from './layout';

export interface RunMeta {
  name?: string;
  pid?: number;
  host?: string;
}

export function parseMeta(text: string): RunMeta {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {};
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const own = (key: string): unknown =>
    Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  const out: RunMeta = {};
  const name = own('name'),
    pid = own('pid'),
    host = own('host');
  if (typeof name === 'string' && name.trim()) out.name = name.trim().slice(0, NAME_MAX_CHARS);
  if (typeof pid === 'number' && Number.isInteger(pid) && pid > 0 && pid < 2 ** 31) out.pid = pid;
  if (typeof host === 'string' && host.length <= 255) out.host = host;
  return out;
}

/** The file's text, or undefined when there is nothing to keep (the file is then removed). */
export function serializeMeta(meta: RunMeta): string | undefined {
  const out: RunMeta = {};
  if (meta.name) out.name = meta.name;
  if (meta.pid !== undefined) {
    out.pid = meta.pid;
    if (meta.host !== undefined) out.host = meta.host;
  }
  return Object.keys(out).length ? JSON.stringify(out, null, 2) + '\n' : undefined;
}

/**
 * Whether the process writing the log is alive: true or false when run.json names a pid on this host, undefined
 * when it names none (a log from another machine, an older run).
 */
export function writerAlive(meta: RunMeta, host = os.hostname()): boolean | undefined {
  if (meta.pid === undefined || meta.host !== host) return undefined;
  try {
    process.kill(meta.pid, 0); // signal 0: only checks that the process exists
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}
