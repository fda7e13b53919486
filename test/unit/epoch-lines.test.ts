import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EpochLinePacer } from '../../src/runs/epochLines.ts';

test('a slow run gets a line per epoch', () => {
  const pacer = new EpochLinePacer<number>(1000);
  assert.deepEqual(pacer.next(0, 0), { event: 0, skipped: 0 });
  assert.deepEqual(pacer.next(1, 1500), { event: 1, skipped: 0 });
  assert.deepEqual(pacer.next(2, 2600), { event: 2, skipped: 0 });
  assert.equal(pacer.end(), undefined, 'nothing held back');
});

test('a fast run gets a line a second, each saying how many epochs it stands for, and its last epoch at the end', () => {
  const pacer = new EpochLinePacer<number>(1000);
  const printed: Array<{ event: number; skipped: number }> = [];
  for (let epoch = 0; epoch < 100; epoch++) {
    const line = pacer.next(epoch, epoch * 25); // 40 epochs a second
    if (line) printed.push(line);
  }
  assert.deepEqual(printed, [
    { event: 0, skipped: 0 },
    { event: 40, skipped: 39 },
    { event: 80, skipped: 39 },
  ]);
  assert.deepEqual(pacer.end(), { event: 99, skipped: 18 }, 'epochs 81-98 had no line; 99 is the last');
  assert.equal(pacer.end(), undefined, 'given once');
  // every epoch is accounted for: printed ones plus those they stand for
  const accounted = [...printed, { event: 99, skipped: 18 }].reduce((n, l) => n + 1 + l.skipped, 0);
  assert.equal(accounted, 100);
});
