/**
 * Reading files of a run store as untrusted input: a cloned repository may commit `.training-lens/` with symbolic
 * links (to /dev/zero, to a file elsewhere), FIFOs (an open for reading blocks forever), folders where files should
 * be, or huge files. Only regular files are read — checked on the open handle, so a file swapped after the check is
 * still refused — never through a symbolic link, and never more than a size limit.
 */
import * as fs from 'node:fs';

/** A file of the run store that cannot be read; the message names the file and why. */
export class UnsafeFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'UnsafeFileError';
  }
}

// O_NOFOLLOW: fail on a symbolic link instead of opening its target; O_NONBLOCK: opening a FIFO does not wait for a
// writer. Neither exists on Windows, where the lstat check below stands alone.
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);

export function formatBytes(n: number): string {
  return n >= 1 << 30
    ? `${(n / (1 << 30)).toFixed(1)} GB`
    : n >= 1 << 20
      ? `${(n / (1 << 20)).toFixed(1)} MB`
      : n >= 1024
        ? `${(n / 1024).toFixed(1)} KB`
        : `${n} bytes`;
}

/** What a non-regular directory entry is, in words; undefined for a regular file. */
export function kindOf(st: fs.Stats | fs.Dirent): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function refuse(file: string, st: fs.Stats, maxBytes: number): void {
  const kind = kindOf(st);
  if (kind) throw new UnsafeFileError(file, `${kind}, not a regular file; Training Lens reads only regular files here`);
  if (st.size > maxBytes)
    throw new UnsafeFileError(file, `${formatBytes(st.size)}, over the ${formatBytes(maxBytes)} Training Lens reads`);
}

function openError(file: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException).code;
  // ELOOP: O_NOFOLLOW met a link; EISDIR/ENXIO: a folder or a socket/FIFO without reader
  if (code === 'ELOOP' || code === 'EMLINK')
    return new UnsafeFileError(
      file,
      'a symbolic link, not a regular file; Training Lens reads only regular files here',
    );
  if (code === 'EISDIR')
    return new UnsafeFileError(file, 'a folder, not a regular file; Training Lens reads only regular files here');
  if (code === 'ENXIO')
    return new UnsafeFileError(file, 'not a regular file; Training Lens reads only regular files here');
  return e as Error;
}

/** Opens a regular file (no link, FIFO, device or folder) for reading; returns the descriptor and its size. */
export function openRegularSync(file: string, maxBytes: number): { fd: number; stat: fs.Stats } {
  refuse(file, fs.lstatSync(file), maxBytes);
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (e) {
    throw openError(file, e);
  }
  try {
    const stat = fs.fstatSync(fd);
    refuse(file, stat, maxBytes);
    return { fd, stat };
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}

export async function openRegular(
  file: string,
  maxBytes: number,
): Promise<{ handle: fs.promises.FileHandle; stat: fs.Stats }> {
  refuse(file, await fs.promises.lstat(file), maxBytes);
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, OPEN_FLAGS);
  } catch (e) {
    throw openError(file, e);
  }
  try {
    const stat = await handle.stat();
    refuse(file, stat, maxBytes);
    return { handle, stat };
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/** Reads at most `length` bytes at `position` (fewer at the end of the file). */
export function readAtSync(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length); // only the bytes read are returned
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

export async function readAt(handle: fs.promises.FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length); // only the bytes read are returned
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

/** The whole text of a regular file of at most `maxBytes` (bytes appended while reading are left for next time). */
export function readRegularFileSync(file: string, maxBytes: number): string {
  const { fd, stat } = openRegularSync(file, maxBytes);
  try {
    return readAtSync(fd, 0, stat.size).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

export async function readRegularFile(file: string, maxBytes: number): Promise<string> {
  const { handle, stat } = await openRegular(file, maxBytes);
  try {
    return (await readAt(handle, 0, stat.size)).toString('utf8');
  } finally {
    await handle.close();
  }
}
