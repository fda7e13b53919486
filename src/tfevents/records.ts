/**
 * TFRecord framing, as TensorFlow writes event files: each record is
 *   uint64 length (little-endian) | uint32 masked CRC32C of the length bytes | data | uint32 masked CRC32C of data.
 * Event files are untrusted input: a record whose CRC does not match is skipped and counted, a record longer than
 * the bound is refused (the rest of the file is skipped: its framing cannot be trusted), and a record cut short at
 * the end of the file (a writer still writing, or killed) is left for the next read and counted as torn.
 */
import { crc32c } from '@aws-crypto/crc32c';

/** TensorFlow's mask, so that a CRC of data that itself holds CRCs stays well spread (crc32c.h: Mask). */
const MASK_DELTA = 0xa282ead8;
export function maskedCrc32c(data: Uint8Array): number {
  const crc = crc32c(data) >>> 0;
  return (((crc >>> 15) | (crc << 17)) + MASK_DELTA) >>> 0;
}

/**
 * The masked CRC of a length field, by length: a file's records come in few sizes (one scalar event is the size of the
 * next), so most of a long file's length checks need no CRC computed. Bounded: emptied when full.
 */
const lengthCrcs = new Map<number, number>();
const LENGTH_CRCS_MAX = 4096;
function lengthCrc(buf: Uint8Array, at: number, lo: number, hi: number): number {
  if (hi !== 0) return maskedCrc32c(buf.subarray(at, at + 8));
  let crc = lengthCrcs.get(lo);
  if (crc === undefined) {
    if (lengthCrcs.size >= LENGTH_CRCS_MAX) lengthCrcs.clear();
    lengthCrcs.set(lo, (crc = maskedCrc32c(buf.subarray(at, at + 8))));
  }
  return crc;
}

/** Largest record read: a summary with a big histogram or image is far below it; anything above is damage. */
export const MAX_RECORD_BYTES = 64 << 20;
const HEADER = 12;
const FOOTER = 4;

export interface FrameProblems {
  /** records skipped because a CRC did not match */
  badCrc: number;
  /** a record cut short at the end (counted once per read that ends in it) */
  torn: number;
  /** a length over MAX_RECORD_BYTES: the rest of the file was not read */
  oversized: number;
}

export interface FrameResult extends FrameProblems {
  records: Uint8Array[];
  /** bytes of `buf` consumed by whole records (a torn tail starts here) */
  consumed: number;
}

/**
 * Walks the whole records of `buf`, calling `onRecord(start, end)` with each checked record's data bytes (no copy,
 * no view per record: a long file holds hundreds of thousands); a partial record at the end is left unconsumed (and
 * counted as torn). Returns the problems and the bytes consumed; `records` stays empty.
 */
export function forEachFrame(
  buf: Uint8Array,
  onRecord: (start: number, end: number) => void,
  maxRecord = MAX_RECORD_BYTES,
): FrameResult {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: FrameResult = { records: [], consumed: 0, badCrc: 0, torn: 0, oversized: 0 };
  let at = 0;
  while (at < buf.length) {
    if (buf.length - at < HEADER) {
      out.torn++;
      break;
    }
    const lo = view.getUint32(at, true);
    const hi = view.getUint32(at + 4, true);
    if (view.getUint32(at + 8, true) !== lengthCrc(buf, at, lo, hi)) {
      // the length itself is damaged: nothing after it can be framed
      out.badCrc++;
      at = buf.length;
      break;
    }
    if (hi !== 0 || lo > maxRecord) {
      out.oversized++;
      at = buf.length;
      break;
    }
    const end = at + HEADER + lo + FOOTER;
    if (end > buf.length) {
      out.torn++;
      break;
    }
    const start = at + HEADER;
    if (view.getUint32(start + lo, true) === maskedCrc32c(buf.subarray(start, start + lo))) onRecord(start, start + lo);
    else out.badCrc++;
    at = end;
  }
  out.consumed = at;
  return out;
}

/** Splits whole records out of `buf`; a partial record at the end is left unconsumed (and counted as torn). */
export function readFrames(buf: Uint8Array, maxRecord = MAX_RECORD_BYTES): FrameResult {
  const records: Uint8Array[] = [];
  const out = forEachFrame(buf, (start, end) => records.push(buf.subarray(start, end)), maxRecord);
  out.records = records;
  return out;
}

/** One record in TFRecord framing. */
export function frameRecord(data: Uint8Array): Buffer {
  const out = Buffer.alloc(HEADER + data.length + FOOTER);
  out.writeUInt32LE(data.length >>> 0, 0);
  out.writeUInt32LE(Math.floor(data.length / 2 ** 32), 4);
  out.writeUInt32LE(maskedCrc32c(out.subarray(0, 8)), 8);
  out.set(data, HEADER);
  out.writeUInt32LE(maskedCrc32c(data), HEADER + data.length);
  return out;
}
