/** Sweep records on disk: `.training-lens/sweeps/<id>.json`, validated when read (a file anyone may edit). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSweepRecord, type SweepRecord } from '../protocol';
import { readRegularFileSync, UnsafeFileError } from '../runs/safeFile';

/** far more than a record of thousands of trials; a bigger file is not one */
export const SWEEP_RECORD_MAX_BYTES = 16 << 20;

/** Whole-file replace (write, then rename): a reader never sees half a record. */
export function writeSweepRecord(file: string, record: SweepRecord): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(record, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

export function readSweepRecord(file: string): SweepRecord {
  let value: unknown;
  try {
    // a regular file only (no link, FIFO, device or folder), of bounded size: the folder may come from a clone
    value = JSON.parse(readRegularFileSync(file, SWEEP_RECORD_MAX_BYTES));
  } catch (e) {
    if (e instanceof UnsafeFileError) throw e;
    throw new Error(`${file}: not a sweep record (${(e as Error).message})`, { cause: e });
  }
  const r = parseSweepRecord(value);
  if (!r.ok) throw new Error(`${file}: not a valid sweep record: ${r.reason}`);
  return r.value;
}

/**
 * A record left "running" by a window or process that went away (reload, crash): nothing runs it any more, so
 * its unfinished trials count as cancelled.
 */
export function settleInterrupted(record: SweepRecord): SweepRecord {
  if (record.status !== 'running') return record;
  return {
    ...record,
    status: 'cancelled',
    trials: record.trials.map(t =>
      t.status === 'running' || t.status === 'pending' ? { ...t, status: 'cancelled' as const, rank: null } : t,
    ),
  };
}
