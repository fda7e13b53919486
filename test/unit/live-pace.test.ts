import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_FLUSH_MS, MIN_FLUSH_MS, nextFlushDelay } from '../../src/runs/livePace.ts';

test('a run of ordinary pace is drawn four times a second', () => {
  assert.equal(nextFlushDelay(10, 250), MIN_FLUSH_MS); // 40 events/s: a CNN step every 25 ms
  assert.equal(nextFlushDelay(50, 250), MIN_FLUSH_MS); // 200 events/s
  assert.equal(nextFlushDelay(0, 250), MIN_FLUSH_MS);
});

test('a fast run is drawn less often, down to once a second', () => {
  // the e2e fixture's tiny MLP: ~1,000 events/s with its probes
  assert.equal(nextFlushDelay(250, 250), MAX_FLUSH_MS);
  const at400 = nextFlushDelay(100, 250);
  assert.ok(at400 > MIN_FLUSH_MS && at400 < MAX_FLUSH_MS, `400 events/s -> ${at400} ms`);
  assert.ok(nextFlushDelay(120, 250) > at400, 'the delay grows with the rate');
  // measured over a long flush, the same rate gives the same delay
  assert.equal(nextFlushDelay(1000, 1000), MAX_FLUSH_MS);
  assert.equal(nextFlushDelay(400, 1000), at400);
});

test('a flush after a pause, or a clock that did not move, starts fast again', () => {
  assert.equal(nextFlushDelay(3, 60_000), MIN_FLUSH_MS);
  assert.equal(nextFlushDelay(500, 0), MIN_FLUSH_MS);
  assert.equal(nextFlushDelay(500, -5), MIN_FLUSH_MS);
});
