/**
 * A logdir run followed as the dashboard host shows it (src/tfevents/follow.ts): the first read comes back at once,
 * undiagnosed; the diagnosis follows in slices that let other work run in between, its findings appended (seq still
 * growing) and handed over as they are found; later polls are handed over too.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from './helpers';
import { findRuns } from '../../src/tfevents/logdir';
import { frameRecord } from '../../src/tfevents/records';
import { encodeEvent } from '../../src/tfevents/codec';
import { LogdirFollower } from '../../src/tfevents/follow';
import { LogdirRunReader } from '../../src/tfevents/convert';
import { DiagnosisEngine } from '../../src/detectors/engine';
import type { RunEvent } from '../../src/protocol';

/** a run whose every step logs four tags (records of about 50 bytes), after a first record `pad` bytes longer */
function writeSteps(file: string, steps: number, pad: number): void {
  const tags = ['Loss/train', 'Accuracy/train', 'Loss/val', 'Accuracy/val'];
  const records = [frameRecord(encodeEvent({ wall_time: 1.7e9, file_version: `brain.Event:2${' '.repeat(pad)}` }))];
  for (let step = 0; step < steps; step++)
    tags.forEach((tag, i) =>
      records.push(
        frameRecord(
          encodeEvent({
            wall_time: 1.7e9 + step,
            step,
            summary: { value: [{ tag, simple_value: 1 + i + step / steps }] },
          }),
        ),
      ),
    );
  fs.writeFileSync(file, Buffer.concat(records));
}

test('a poll that stops at its byte budget mid-step gives the same events as one read of the whole file', () => {
  // the first record's length moves where the reads of 64 KB stop: between any two of a step's four records
  for (const pad of [0, 12, 24, 36]) {
    const dir = tempDir('tl-follow-budget-');
    writeSteps(path.join(dir, 'events.out.tfevents.1700000000.test'), 5000, pad); // about 15 reads of 64 KB
    const [run] = findRuns(dir);
    const body = (e: RunEvent) => ({ ...e, seq: 0, t: 0 });
    const whole = new LogdirRunReader(run).poll(false).map(body);
    const reader = new LogdirRunReader(run);
    const polled: RunEvent[] = [];
    let polls = 0;
    do {
      for (const e of reader.poll(false, 1)) polled.push(body(e));
      polls++;
    } while (reader.more);
    for (const e of reader.poll(false, 1)) polled.push(body(e));
    assert.ok(polls >= 4, `the file was read in ${polls} polls`);
    assert.equal(polled.length, whole.length, `pad ${pad}: no step comes out twice`);
    assert.deepEqual(polled, whole);
  }
});

/** steps [from, to) of a run whose training loss stays flat (loss-not-decreasing) and whose validation loss follows */
function append(file: string, from: number, to: number): void {
  const records: Buffer[] = [];
  if (from === 0) records.push(frameRecord(encodeEvent({ wall_time: 1.7e9, file_version: 'brain.Event:2' })));
  for (let step = from; step < to; step++)
    for (const [tag, value] of [
      ['Loss/train', 1.4 + 0.001 * Math.sin(step)],
      ['Loss/val', 1.5 + 0.001 * Math.cos(step)],
    ] as const)
      records.push(
        frameRecord(encodeEvent({ wall_time: 1.7e9 + step, step, summary: { value: [{ tag, simple_value: value }] } })),
      );
  fs.appendFileSync(file, Buffer.concat(records));
}

test('a followed logdir run: the first read at once, its diagnosis after it in slices, then later polls', async () => {
  const dir = tempDir('tl-follow-');
  const file = path.join(dir, 'events.out.tfevents.1700000000.test');
  append(file, 0, 300);
  const handed: RunEvent[] = [];
  const follower = new LogdirFollower(findRuns(dir)[0], new DiagnosisEngine(), undefined, {
    onEvent: e => handed.push(e),
    sliceMs: 0,
  });
  const first = follower.poll(false);
  assert.ok(
    first.some(e => e.kind === 'epoch'),
    'the first read holds the epochs',
  );
  assert.deepEqual(follower.events, first, 'the first read is the run so far');
  first.forEach((e, i) => assert.strictEqual(follower.events[i], e, 'stamped in place, not copied'));
  assert.ok(!follower.events.some(e => e.kind === 'finding'), 'nothing diagnosed before the first read is returned');
  assert.equal(handed.length, 0, 'the first read is not handed over: the dashboard replays it');

  // other work gets a turn while the diagnosis runs (slices of 0 ms: one event each)
  let diagnosedAtTurn: boolean | undefined;
  setImmediate(() => (diagnosedAtTurn = follower.diagnosed));
  await follower.idle();
  assert.equal(diagnosedAtTurn, false, 'the event loop ran between diagnosis slices');
  const findings = follower.events.slice(first.length);
  assert.ok(findings.length > 0 && findings.every(e => e.kind === 'finding'), 'findings come after the first read');
  assert.deepEqual(handed, findings, 'each finding handed over as found');
  const flat = findings.find(e => e.kind === 'finding' && e.finding.code === 'loss-not-decreasing');
  assert.ok(
    flat?.kind === 'finding',
    `loss-not-decreasing found: ${findings.map(e => e.kind === 'finding' && e.finding.code)}`,
  );
  assert.match(flat.finding.message, /tag "Loss\/train", step \d+; a logdir has no source line/);

  append(file, 300, 320);
  handed.length = 0;
  const later = follower.poll(true);
  assert.ok(later.length > 0, 'the appended steps are read');
  assert.deepEqual(handed, later, 'a later poll is handed over');
  await follower.idle();
  follower.events.forEach((e, i) => assert.equal(e.seq, i, 'seq is the place in the run'));
  follower.stop();
});
