/**
 * The Mann-Kendall trend test the overfitting and slow-convergence rules read: exact on short series, the normal
 * approximation on long ones, and bounded in time on a logdir's thousands of epochs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mannKendall, normalCdf } from '../../src/detectors/trend';

test('exact on short series: n rises in a row have p = 1/n!', () => {
  assert.equal(mannKendall([1, 2, 3, 4]).p, 1 / 24);
  assert.equal(mannKendall([1, 2, 3, 4, 5]).p, 1 / 120);
  assert.equal(mannKendall([5, 4, 3, 2, 1]).p, 1);
});

test('the normal approximation agrees with the exact count where they meet', () => {
  // S for n = 20 computed both ways: a seeded shuffle of a rising series with some noise
  let seed = 7;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let k = 0; k < 20; k++) {
    const xs = Array.from({ length: 20 }, (_, i) => i * 0.05 + rnd());
    const exact = mannKendall(xs);
    const sd = Math.sqrt((20 * 19 * 45) / 18);
    const approx = 1 - normalCdf((exact.s - Math.sign(exact.s)) / sd);
    assert.ok(Math.abs(exact.p - approx) < 0.01, `n = 20, S = ${exact.s}: exact ${exact.p}, normal ${approx}`);
  }
  assert.ok(Math.abs(normalCdf(1.959964) - 0.975) < 1e-6);
  assert.ok(Math.abs(normalCdf(-1) - 0.158655) < 1e-6);
});

// a hang guard, not a speed target: the exact count over 100,000 epochs would never finish
test('a long series (a logdir of 100,000 epochs) is judged and still shows its trend', { timeout: 30_000 }, () => {
  const rising = Array.from({ length: 100_000 }, (_, i) => i / 1e5 + Math.sin(i) * 0.01);
  assert.ok(mannKendall(rising).p < 1e-6);
  const flat = Array.from({ length: 5_000 }, (_, i) => Math.sin(i * 12.9898) * 0.5);
  assert.ok(mannKendall(flat).p > 0.01, 'no trend in a sine sampled without order');
  assert.ok(mannKendall(Array.from({ length: 30 }, (_, i) => 30 - i)).p > 0.999, 'falling');
});
