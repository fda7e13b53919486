/** The order statistics bench:backends reports its overheads with. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, medianInterval } from '../../bench/stats';

test('median of odd and even counts, input left unsorted', () => {
  const xs = [3, 1, 2];
  assert.equal(median(xs), 2);
  assert.deepEqual(xs, [3, 1, 2]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

test('the median interval: the widest-needed order statistics for 90%, with their exact binomial coverage', () => {
  const rounds = (n: number) => Array.from({ length: n }, (_, i) => n - i); // descending: the function sorts
  assert.equal(medianInterval(rounds(4)), undefined, '4 rounds: the extremes cover only 87.5%');
  assert.deepEqual(medianInterval(rounds(5)), { low: 1, high: 5, coverage: 1 - 2 / 32 });
  // 9 rounds: x(2)..x(8) covers 1 - 2·(1 + 9)/512; x(3)..x(7) would cover only 82%
  assert.deepEqual(medianInterval(rounds(9)), { low: 2, high: 8, coverage: 1 - 20 / 512 });
  const i15 = medianInterval(rounds(15))!;
  assert.deepEqual([i15.low, i15.high], [4, 12]);
  assert.ok(i15.coverage >= 0.9 && i15.coverage < 0.99);
});
