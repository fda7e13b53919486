/**
 * The run log's writer (host side): one whole JSON line per event, appended synchronously. A write that fails
 * (disk full, I/O error, quota) never leaves a torn line: the file is cut back to the last whole line, the writer
 * stops, and the failure is kept for the host to end the run with. A few kilobytes are held in reserve beside
 * the log while it is written, so that a full disk still has room for the run-end saying so.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunEvent } from '../protocol';

export class RunLogWriteError extends Error {
  constructor(
    readonly file: string,
    readonly code: string | undefined,
    cause: unknown,
  ) {
    const reason =
      code === 'ENOSPC' || code === 'EDQUOT' ? 'disk full' : `cannot write the run log (${code ?? String(cause)})`;
    super(`${reason}: ${file}`);
  }
}

/** what the final run-end needs on a full disk (a block or two) */
const RESERVE_BYTES = 8192;

export class SafeRunLogWriter {
  private fd: number | undefined;
  /** size of the file up to the last whole line written */
  private size: number;
  /** set once a write failed; nothing more is written */
  failure: RunLogWriteError | undefined;

  private readonly reserve: string;

  constructor(
    readonly file: string,
    private readonly io: Pick<typeof fs, 'writeSync'> = fs,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, 'a');
    this.size = fs.fstatSync(this.fd).size;
    this.reserve = `${file}.reserve`;
    try {
      fs.writeFileSync(this.reserve, Buffer.alloc(RESERVE_BYTES));
    } catch {
      fs.rmSync(this.reserve, { force: true });
    }
  }

  /** Appends the event as one line; false when the log can no longer be written (see `failure`). */
  append(event: RunEvent): boolean {
    if (this.fd === undefined || this.failure) return false;
    const line = Buffer.from(JSON.stringify(event) + '\n', 'utf8');
    let written = 0;
    try {
      // fs.writeSync may write part of the buffer (a filling disk): write the rest, or fail.
      while (written < line.length) written += this.io.writeSync(this.fd, line, written, line.length - written);
      this.size += line.length;
      return true;
    } catch (e) {
      this.failure = new RunLogWriteError(this.file, (e as NodeJS.ErrnoException).code, e);
      // Cut a partial line back off: the log stays a sequence of whole events.
      if (written > 0)
        try {
          fs.ftruncateSync(this.fd, this.size);
        } catch {
          /* the reader drops a torn last line */
        }
      return false;
    }
  }

  /**
   * Last attempt after a failure (the run-end saying why): written only if it fits whole, else cut back off.
   */
  appendFinal(event: RunEvent): boolean {
    if (this.fd === undefined) return false;
    const failure = this.failure;
    if (failure) fs.rmSync(this.reserve, { force: true }); // room for this last line
    this.failure = undefined;
    const ok = this.append(event);
    this.failure = failure ?? this.failure;
    return ok;
  }

  close(): void {
    fs.rmSync(this.reserve, { force: true });
    if (this.fd === undefined) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      /* already closed */
    }
    this.fd = undefined;
  }
}
