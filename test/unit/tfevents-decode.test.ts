/**
 * The streaming Event reader (`readEvent`, which decodes only the fields the conversion uses) against protobufjs'
 * full decoder of TensorBoard's Event: every record of the real Keras and PyTorch logdirs, and records whose fields
 * the conversion skips or whose fields come in another order, must give the same step, wall time and values. And the
 * points of a run folder's several files are taken in step order, a damaged record's not at all.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './helpers';
import { LogdirRunReader } from '../../src/tfevents/convert';
import type { BatchEvent, EpochEvent } from '../../src/protocol';
import { readFrames, forEachFrame, frameRecord } from '../../src/tfevents/records';
import {
  decodeEvent,
  encodeEvent,
  readEvent,
  recordReader,
  toNumber,
  type TfEvent,
  type ValueFields,
} from '../../src/tfevents/codec';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'tfevents');

/** What `readEvent` gives for one record, in the shape of protobufjs' decoded Event. */
function streamed(data: Uint8Array): { step: number; wallTime: number; values: ValueFields[] } {
  const values: ValueFields[] = [];
  const at = { step: -1, wallTime: -1 };
  readEvent(recordReader(data), 0, data.length, v => values.push({ ...v }), at);
  return { ...at, values };
}

function assertSameEvent(data: Uint8Array, where: string): void {
  const full: TfEvent = decodeEvent(data);
  const got = streamed(data);
  assert.equal(got.step, toNumber(full.step), `${where}: step`);
  assert.equal(got.wallTime, full.wall_time ?? 0, `${where}: wall time`);
  const want = full.summary?.value ?? [];
  assert.equal(got.values.length, want.length, `${where}: number of summary values`);
  want.forEach((v, i) => {
    const g = got.values[i];
    assert.equal(g.tag, v.tag ?? '', `${where}: value ${i} tag`);
    assert.equal(g.simple, Object.hasOwn(v, 'simple_value') ? v.simple_value : undefined, `${where}: ${g.tag} scalar`);
    assert.deepEqual(g.histo, Object.hasOwn(v, 'histo') ? v.histo : undefined, `${where}: ${g.tag} histogram`);
    assert.deepEqual(g.tensor, Object.hasOwn(v, 'tensor') ? v.tensor : undefined, `${where}: ${g.tag} tensor`);
    assert.deepEqual(g.metadata, Object.hasOwn(v, 'metadata') ? v.metadata : undefined, `${where}: ${g.tag} metadata`);
  });
}

test('streaming reader: every record of the real Keras and PyTorch logdirs reads as the full decoder reads it', () => {
  const files = fs
    .readdirSync(FIXTURES, { recursive: true, encoding: 'utf8' })
    .filter(f => path.basename(f).startsWith('events.out.tfevents.'));
  assert.ok(files.length >= 3, `fixtures: expected Keras train/validation and PyTorch event files, found ${files}`);
  let values = 0;
  for (const f of files) {
    const frames = readFrames(fs.readFileSync(path.join(FIXTURES, f)));
    assert.ok(frames.records.length > 10, `${f}: records framed`);
    frames.records.forEach((r, i) => assertSameEvent(r, `${f} record ${i}`));
    values += frames.records.reduce((n, r) => n + (decodeEvent(r).summary?.value?.length ?? 0), 0);
  }
  assert.ok(values > 100, `fixtures: summary values compared (${values})`);
});

test('streaming reader: skipped fields, fields after the summary, two summaries, and damage as the full decoder', () => {
  const histo = { min: -1, max: 2, num: 3, sum: 1, sum_squares: 5, bucket_limit: [0, 1, 2], bucket: [1, 1, 1] };
  const image = { height: 1, width: 1, colorspace: 1, encoded_image_string: new Uint8Array([1, 2, 3]) };
  const values = [
    { tag: 'img', image }, // a kind the conversion leaves out: skipped unread, still counted as a value
    { tag: 'loss', simple_value: 0.25, metadata: { plugin_data: { plugin_name: 'scalars' } } },
    { tag: 'w', histo },
  ];
  const cases: Array<[string, Uint8Array]> = [
    ['file_version only', encodeEvent({ wall_time: 5.5, file_version: 'brain.Event:2' })],
    ['all values', encodeEvent({ wall_time: 7.25, step: 2 ** 40, summary: { value: values } } as TfEvent)],
    // protobuf fields may come in any order; a repeated message field twice is one list
    [
      'summary first, then step and wall time',
      Buffer.concat([encodeEvent({ summary: { value: [values[1]] } }), encodeEvent({ wall_time: 3, step: 9 })]),
    ],
    [
      'two summaries',
      Buffer.concat([
        encodeEvent({ step: 1, summary: { value: [values[1]] } }),
        encodeEvent({ summary: { value: [values[2]] } }),
      ]),
    ],
  ];
  for (const [name, data] of cases) assertSameEvent(data, name);
  // bytes that are not an Event: both refuse them
  const cut = cases[1][1].subarray(0, cases[1][1].length - 3);
  assert.throws(() => decodeEvent(cut), 'full decoder: a cut record');
  assert.throws(() => streamed(cut), 'streaming reader: a cut record is refused as the full decoder refuses it');
  // records read in place in a buffer of several, as the file reader hands them over
  const buf = Buffer.concat(cases.map(([, d]) => frameRecord(d)));
  const r = recordReader(buf);
  const steps: number[] = [];
  const at = { step: 0, wallTime: 0 };
  const framed = forEachFrame(buf, (start, end) => {
    readEvent(r, start, end, () => {}, at);
    steps.push(at.step);
  });
  assert.equal(framed.consumed, buf.length, 'framing: every record consumed');
  assert.deepEqual(steps, [0, 2 ** 40, 9, 1], 'in place: each record read within its own bounds');
});

test('a run folder of several files: points taken in step order; an undecodable record gives no point at all', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-tfev-order-'));
  try {
    const rec = (step: number, tag: string, value: number) =>
      frameRecord(encodeEvent({ wall_time: 100 + step, step, summary: { value: [{ tag, simple_value: value }] } }));
    // a restarted writer: the second file (by name) holds steps between those of the first
    fs.writeFileSync(
      path.join(dir, 'events.out.tfevents.1.a'),
      Buffer.concat([rec(0, 'loss', 6), rec(2, 'loss', 3), rec(2, 'val_loss', 2.5), rec(4, 'loss', 1)]),
    );
    // a whole first value, then a summary value holding a field of wire type 7 (there is none): not an Event
    const damaged = Buffer.concat([
      encodeEvent({ step: 5, summary: { value: [{ tag: 'loss', simple_value: 9 }] } }),
      Buffer.from([0x2a, 0x03, 0x0a, 0x01, 0x0f]),
    ]);
    assert.throws(() => decodeEvent(damaged), 'full decoder: the damaged record is not an Event');
    fs.writeFileSync(
      path.join(dir, 'events.out.tfevents.2.b'),
      Buffer.concat([rec(1, 'loss', 3), rec(3, 'loss', 1.5), rec(4, 'val_loss', 0.75), frameRecord(damaged)]),
    );
    const reader = new LogdirRunReader({ name: 'r', dir, parts: [{ role: 'train', dir }] });
    const events = reader.poll(true);
    const batches = events.filter((e): e is BatchEvent => e.kind === 'batch');
    assert.deepEqual(
      batches.map(b => [b.step, b.loss, b.epoch]),
      [
        [0, 6, 0],
        [1, 3, 0],
        [2, 3, 0],
        [3, 1.5, 1],
        [4, 1, 1],
      ],
      'order: batches by step across both files, each in the epoch its step falls in',
    );
    const epochs = events.filter((e): e is EpochEvent => e.kind === 'epoch');
    assert.deepEqual(
      epochs.map(e => [e.step, e.logs]),
      [
        [2, { loss: 4, val_loss: 2.5 }],
        [4, { loss: 1.25, val_loss: 0.75 }],
      ],
      'order: each validation epoch averages the training losses of the steps before it, whichever file held them',
    );
    assert.equal(reader.problems.undecodable, 1, 'damage: the cut record is counted');
    assert.equal(
      batches.find(b => b.step === 5),
      undefined,
      'damage: the value read before the cut is not kept',
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
