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
import { DiagnosisEngine } from '../../src/detectors/engine';
import type { RunEvent } from '../../src/protocol';

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
