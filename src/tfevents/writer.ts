/**
 * Writes a run's events as a TensorBoard event file in its run folder (`events.out.tfevents.<time>.<host>`), so
 * `tensorboard --logdir .training-lens/runs` shows every run. Host side, beside the NDJSON log and written as
 * synchronously: a crashed child loses nothing the log keeps. A write that fails stops this file only (the NDJSON
 * log stays the record of the run).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunEvent } from '../protocol';
import { encodeEvent, type TfEvent } from './codec';
import { frameRecord } from './records';
import { translate } from './translate';

export class TfeventsWriter {
  readonly file: string;
  private fd: number | undefined;
  /** the run's start on the wall clock (seconds): an event's wall time is this plus its `t` */
  private readonly wallStart: number;
  failure: Error | undefined;

  constructor(runDir: string, now = Date.now()) {
    this.wallStart = now / 1000;
    const host = os.hostname().replace(/[^\w.-]+/g, '_');
    this.file = path.join(
      runDir,
      `events.out.tfevents.${Math.floor(this.wallStart)}.${host}.${process.pid}.training-lens`,
    );
    this.fd = fs.openSync(this.file, 'a');
    this.record({ wall_time: this.wallStart, file_version: 'brain.Event:2' });
  }

  /** Appends what the event becomes in tfevents (nothing for kinds without a translation); closes at run-end. */
  write(e: RunEvent): void {
    const t = translate(e);
    if (t) this.record({ wall_time: this.wallStart + e.t / 1000, step: t.step, summary: { value: t.values } });
    if (e.kind === 'run-end') this.close();
  }

  private record(event: TfEvent): void {
    if (this.fd === undefined) return;
    const bytes = frameRecord(encodeEvent(event));
    try {
      let written = 0;
      while (written < bytes.length) written += fs.writeSync(this.fd, bytes, written, bytes.length - written);
    } catch (e) {
      this.failure = e as Error;
      this.close();
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      /* already closed */
    }
    this.fd = undefined;
  }
}

/** A run listener that writes the run's tfevents file; a folder that cannot take it leaves the run unaffected. */
export function tfeventsListener(runDir: string): (e: RunEvent) => void {
  let writer: TfeventsWriter | undefined;
  try {
    writer = new TfeventsWriter(runDir);
  } catch {
    return () => {};
  }
  return e => writer.write(e);
}
