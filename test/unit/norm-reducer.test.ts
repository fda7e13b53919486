/**
 * Gradient norms per backend (src/probes/normReducer.ts): summed in place on wasm and cpu, with no kernel and no
 * tensor, equal to sqrt(sum(square(g))) on the backend; a fast path that cannot serve falls back to sum of squares
 * for the rest of the run without failing the step. (The tensorflow backend's fused op is tested in native.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend } from '../../src/runner/backend';
import { normReducer, sumOfSquaresOf } from '../../src/probes/normReducer';
import type { Tf, Tensor } from '../../src/tf/types';

const SHAPES = [[784, 64], [64], [3, 3, 8, 16], [5, 7, 3], [], [0, 4], [1, 1, 1]];

function gradients(tf: Tf): Tensor[] {
  return SHAPES.map((shape, i) => tf.randomNormal(shape, 0, 1 + i, 'float32', 11 + i));
}

/** the norms the backend's own kernels give */
function kernelNorms(tf: Tf, grads: Tensor[]): number[] {
  return grads.map(g => Math.sqrt(tf.tidy(() => tf.sum(tf.square(g))).dataSync()[0]));
}

function assertClose(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) =>
    assert.ok(Math.abs(v - expected[i]) <= 1e-5 * Math.max(1, expected[i]), `variable ${i}: ${v} vs ${expected[i]}`),
  );
}

for (const preference of ['wasm', 'cpu'] as const) {
  test(`${preference}: norms are summed in place, no kernel runs, no tensor is made, and they equal the kernels'`, async () => {
    const { tf, name } = await selectBackend({ preference });
    assert.equal(name, preference);
    const grads = gradients(tf);
    const expected = kernelNorms(tf, grads);
    const reducer = normReducer(tf);
    const tensors = tf.memory().numTensors;
    let norms: ReturnType<typeof reducer.reduce> = [];
    const profile = await tf.profile(() => {
      norms = reducer.reduce(grads);
    });
    assert.ok(Array.isArray(norms), 'read at once: numbers, not a tensor');
    assertClose(norms, expected);
    assert.deepEqual(
      profile.kernels.map(k => k.name),
      [],
      'no kernel ran',
    );
    assert.equal(tf.memory().numTensors, tensors, 'no tensor made');
    // a gradient that blew up still reads as non-finite (the probe's alarm depends on it)
    const bad = tf.tensor1d([1, NaN, 2]);
    const inf = tf.tensor1d([1, Infinity]);
    const [nan, infinite] = reducer.reduce([bad, inf]) as number[];
    assert.ok(Number.isNaN(nan));
    assert.equal(infinite, Infinity);
    reducer.dispose();
    tf.dispose([...grads, bad, inf]);
  });
}

test('wasm: a backend whose memory is not where it was falls back to sum of squares for good, step unharmed', async () => {
  const { tf } = await selectBackend({ preference: 'wasm' });
  const backend = tf.backend() as unknown as { dataIdMap: { get: (id: object) => unknown } };
  const grads = gradients(tf);
  const expected = kernelNorms(tf, grads);
  let lookups = 0;
  const fakeTf = {
    ...tf,
    getBackend: () => 'wasm',
    backend: () => ({ wasm: { HEAPU8: new Uint8Array(8) }, dataIdMap: { get: () => (lookups++, undefined) } }),
  } as unknown as Tf;
  const reducer = normReducer(fakeTf);
  const before = tf.memory().numTensors;
  for (let step = 0; step < 3; step++) {
    const out = reducer.reduce(grads);
    assert.ok(!Array.isArray(out), 'the kernels took over');
    assertClose(Array.from(out.dataSync()), expected);
    out.dispose();
  }
  assert.equal(lookups, 1, 'the in-place read is tried first, and once refused not again');
  reducer.dispose();
  assert.equal(tf.memory().numTensors, before, 'nothing leaks');
  assert.ok(backend.dataIdMap, 'the real backend was not touched');
  tf.dispose(grads);
});

test('tensorflow: a backend that refuses the fused norm goes on with sum of squares, tried once, nothing leaked', async () => {
  const { tf } = await selectBackend({ preference: 'cpu' });
  let tried = 0;
  const refusing = {
    executeSingleOutput: () => {
      tried++;
      throw new Error('Op type not registered: EuclideanNorm');
    },
    createReductionOpAttrs: () => [],
  };
  const fakeTf = { ...tf, getBackend: () => 'tensorflow', backend: () => refusing } as unknown as Tf;
  const reducer = normReducer(fakeTf);
  const grads = [tf.tensor2d([[3, 4]]), tf.tensor1d([1, 2, 2])];
  const before = tf.memory().numTensors;
  for (let step = 0; step < 3; step++) {
    const out = reducer.reduce(grads);
    assert.ok(!Array.isArray(out));
    assert.deepEqual(Array.from(out.dataSync()), [5, 3]);
    out.dispose();
  }
  assert.equal(tried, 1, 'the fused op is tried first, and once refused not again');
  reducer.dispose();
  assert.equal(tf.memory().numTensors, before, 'nothing leaks');
  tf.dispose(grads);
});

test('the in-place sum of squares: every length (the unrolled loop and its tail), as a float64 sum', () => {
  for (const n of [0, 1, 2, 3, 4, 5, 7, 8, 9, 1001]) {
    const v = Float32Array.from({ length: n }, (_, i) => (((i * 7919) % 13) - 6.5) * 1.1);
    const want = Array.from(v).reduce((s, x) => s + x * x, 0);
    assert.ok(Math.abs(sumOfSquaresOf(v) - want) <= 1e-12 * want, `length ${n}`);
  }
});
