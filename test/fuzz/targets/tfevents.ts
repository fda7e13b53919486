/**
 * TensorBoard event files as untrusted input: valid records (scalars, TF1 and TF2 histograms) with bytes flipped,
 * cut or inserted, and random bytes, through the framing, the Event decoder and the conversion to Training Lens
 * events. Nothing may throw; every whole valid record before the first damage is read; every event the conversion
 * gives passes the protocol's schema.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { frameRecord, readFrames } from '../../../src/tfevents/records';
import { encodeEvent, type SummaryValue } from '../../../src/tfevents/codec';
import { LogdirRunReader } from '../../../src/tfevents/convert';
import { validateEvent } from '../../../src/protocol';
import type { FuzzTargetSpec } from './spec';

const value: fc.Arbitrary<SummaryValue> = fc.oneof(
  fc.record({
    tag: fc.constantFrom('loss', 'Loss/val', 'epoch_loss', 'batch/acc', 'lr', 'x'),
    simple_value: fc.double({ noNaN: false }),
  }),
  fc.record({
    tag: fc.constantFrom('weights/0.weight', 'grads/dense/kernel'),
    histo: fc.record({
      min: fc.double(),
      max: fc.double(),
      bucket_limit: fc.array(fc.double(), { maxLength: 8 }),
      bucket: fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 8 }),
    }),
  }),
);
const record = fc
  .record({
    step: fc.nat(1000),
    wall: fc.double({ min: 0, max: 2e9, noNaN: true }),
    values: fc.array(value, { maxLength: 3 }),
  })
  .map(r => frameRecord(encodeEvent({ wall_time: r.wall, step: r.step, summary: { value: r.values } })));
const damage = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bits: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 32 }) }),
);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-fuzz-tfevents-'));
let n = 0;

type Damage =
  | { kind: 'flip'; at: number; bits: number }
  | { kind: 'cut'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array };

const spec: FuzzTargetSpec<{ records: Buffer[]; damage: Damage[] }> = {
  arbitrary: fc.record({ records: fc.array(record, { maxLength: 6 }), damage: fc.array(damage, { maxLength: 3 }) }),
  check({ records, damage: hits }) {
    let buf = Buffer.concat(records);
    let firstDamage = buf.length;
    for (const d of hits) {
      if (buf.length === 0) break;
      const at = d.at % buf.length;
      firstDamage = Math.min(firstDamage, at);
      if (d.kind === 'flip') buf[at] ^= d.bits;
      else if (d.kind === 'cut') buf = buf.subarray(0, at);
      else buf = Buffer.concat([buf.subarray(0, at), Buffer.from(d.bytes), buf.subarray(at)]);
    }
    const frames = readFrames(buf);
    let intact = 0;
    for (let end = 0, i = 0; i < records.length && end + records[i].length <= firstDamage; i++, intact++)
      end += records[i].length;
    if (frames.records.length < Math.min(intact, records.length) && frames.consumed < firstDamage)
      throw new Error(`only ${frames.records.length} records read of ${intact} before the first damage`);
    const run = path.join(dir, `r${n++}`);
    fs.mkdirSync(run);
    fs.writeFileSync(path.join(run, 'events.out.tfevents.1.fuzz'), buf);
    const reader = new LogdirRunReader({ name: 'r', dir: run, parts: [{ role: 'train', dir: run }] });
    for (const e of reader.poll(true)) {
      const v = validateEvent(JSON.parse(JSON.stringify(e)));
      if (!v.ok) throw new Error(`converted event ${e.kind} fails the schema: ${v.reason}`);
    }
    fs.rmSync(run, { recursive: true, force: true });
  },
  teardown() {
    fs.rmSync(dir, { recursive: true, force: true });
  },
};
export default spec;
