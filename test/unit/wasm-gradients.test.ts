/**
 * The wasm gradient kernels Training Lens registers (src/backends/wasm) against the cpu backend's, which tfjs
 * ships and tests: every layer's backward pass on random shapes — strides 1 and 2, 'same' and 'valid' padding, odd
 * sizes, batch 1 and 32 — and the kernels themselves where tfjs allows more (dilation, explicit padding, ids out of
 * range). Agreement: max |wasm - cpu| ≤ 1e-4 · max |cpu| per result (float32 sums in another order differ by ~1e-6).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/runner/backend';
import { registerWasmGradients } from '../../src/backends/wasm/register';

const TOLERANCE = 1e-4;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(13);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
const values = (shape: number[]) =>
  Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random() * 2 - 1);

interface Data {
  shape: number[];
  values: Float32Array | Int32Array;
  dtype?: 'float32' | 'int32';
}
const data = (shape: number[]): Data => ({ shape, values: values(shape) });

/** Runs `f` on fresh tensors of `inputs` on one backend; returns every output's values. */
async function on(
  backend: 'wasm' | 'cpu',
  inputs: Data[],
  f: (...xs: tf.Tensor[]) => tf.Tensor[],
): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors,
    buffers = tf.engine().backend.numDataIds();
  const xs = inputs.map(d => tf.tensor(d.values, d.shape, d.dtype ?? 'float32'));
  const outs = tf.tidy(() => f(...xs));
  const result = outs.map(o => o.dataSync() as Float32Array);
  tf.dispose([...xs, ...outs]);
  assert.equal(tf.memory().numTensors, before, `${backend}: the computation left tensors behind`);
  assert.equal(tf.engine().backend.numDataIds(), buffers, `${backend}: a kernel left intermediate buffers behind`);
  return result;
}

function agree(label: string, wasm: Float32Array[], cpu: Float32Array[]): void {
  assert.equal(wasm.length, cpu.length, `${label}: number of results`);
  wasm.forEach((w, k) => {
    const c = cpu[k];
    assert.equal(w.length, c.length, `${label}: result ${k} has ${w.length} values on wasm, ${c.length} on cpu`);
    let scale = 0,
      worst = 0;
    for (let i = 0; i < c.length; i++) {
      scale = Math.max(scale, Math.abs(c[i]));
      worst = Math.max(worst, Math.abs(w[i] - c[i]));
    }
    assert.ok(
      Number.isFinite(worst) && worst <= TOLERANCE * Math.max(scale, 1e-6),
      `${label}: result ${k} differs by ${worst.toExponential(2)} (cpu max ${scale.toExponential(2)}, allowed ${TOLERANCE} relative)`,
    );
  });
}

async function compare(label: string, inputs: Data[], f: (...xs: tf.Tensor[]) => tf.Tensor[]): Promise<void> {
  agree(label, await on('wasm', inputs, f), await on('cpu', inputs, f));
}

/** Gradients of Σ op(x, w) · r (r random, so every output element matters with its own weight). */
function gradsOf(op: (x: tf.Tensor, w: tf.Tensor) => tf.Tensor) {
  return (x: tf.Tensor, w: tf.Tensor, r: tf.Tensor) =>
    tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(op(a, b), r)))([x, w]);
}
function gradOf(op: (x: tf.Tensor) => tf.Tensor) {
  return (x: tf.Tensor, r: tf.Tensor) => [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(op(a), r)))(x)];
}

/** The grid every conv/pool test covers: stride × padding × batch, each with random odd/even sizes. */
const GRID: Array<{ stride: 1 | 2; pad: 'same' | 'valid'; batch: 1 | 32 }> = [];
for (const stride of [1, 2] as const)
  for (const pad of ['valid', 'same'] as const) for (const batch of [1, 32] as const) GRID.push({ stride, pad, batch });

const outSize = (n: number, k: number, s: number, pad: 'same' | 'valid') =>
  pad === 'same' ? Math.ceil(n / s) : Math.ceil((n - k + 1) / s);
const outShape = (f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: Data[]) => {
  const xs = inputs.map(d => tf.tensor(d.values, d.shape));
  const y = f(...xs);
  const shape = y.shape;
  tf.dispose([...xs, y]);
  return shape;
};

before(async () => {
  const choice = await selectBackend({ preference: 'wasm' });
  assert.equal(choice.name, 'wasm', 'the wasm backend must load for these tests');
  registerWasmGradients(choice.tf);
});

test('conv2d: input and filter gradients (Conv2DBackpropInput, Conv2DBackpropFilter) equal cpu', async () => {
  for (const { stride, pad, batch } of GRID) {
    for (let rep = 0; rep < 2; rep++) {
      const k = pick([1, 2, 3, 5]),
        h = int(k + 1, 13),
        w = int(k + 1, 13),
        cin = int(1, 5),
        cout = int(1, 6);
      const op = (x: tf.Tensor, f: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, stride, pad);
      const x = data([batch, h, w, cin]),
        f = data([k, k, cin, cout]);
      const r = data(outShape(op as never, [x, f]));
      await compare(`conv2d x[${x.shape}] f[${f.shape}] stride ${stride} ${pad}`, [x, f, r], gradsOf(op) as never);
    }
  }
});

test('conv2d with bias and relu (the fused kernel Conv2D layers use) equals cpu', async () => {
  for (const { stride, pad, batch } of GRID) {
    const h = int(4, 12),
      cin = int(1, 4),
      cout = int(2, 6);
    const x = data([batch, h, h + 1, cin]),
      f = data([3, 3, cin, cout]),
      b = data([cout]);
    const op = (xx: tf.Tensor, ff: tf.Tensor, bb: tf.Tensor) =>
      tf.fused.conv2d({
        x: xx as tf.Tensor4D,
        filter: ff as tf.Tensor4D,
        bias: bb,
        strides: stride,
        pad,
        activation: 'relu',
      });
    const r = data(outShape(op as never, [x, f, b]));
    await compare(`fused conv2d x[${x.shape}] stride ${stride} ${pad}`, [x, f, b, r], ((
      xx: tf.Tensor,
      ff: tf.Tensor,
      bb: tf.Tensor,
      rr: tf.Tensor,
    ) =>
      tf.grads((p: tf.Tensor, q: tf.Tensor, s: tf.Tensor) => tf.sum(tf.mul(op(p, q, s), rr)))([xx, ff, bb])) as never);
  }
});

test('conv2d with explicit asymmetric padding: the filter kernel equals cpu', async () => {
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    [2, 0],
    [1, 3],
    [0, 0],
  ];
  for (const stride of [1, 2]) {
    const x = data([3, 7, 9, 2]),
      f = data([3, 2, 2, 4]);
    const op = (xx: tf.Tensor, ff: tf.Tensor) => tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, stride, pad);
    const r = data(outShape(op as never, [x, f]));
    await compare(`conv2d explicit pad stride ${stride}`, [x, f, r], gradsOf(op) as never);
  }
});

test('conv2d kernels with channels-first data (NCHW) equal cpu', async () => {
  for (const stride of [1, 2])
    for (const pad of ['same', 'valid'] as const) {
      const x = data([2, 3, 9, 8]),
        f = data([3, 3, 3, 4]);
      const outH = outSize(9, 3, stride, pad),
        outW = outSize(8, 3, stride, pad);
      const dy = data([2, 4, outH, outW]);
      const attrs = { strides: stride, pad, dataFormat: 'NCHW', dilations: 1 };
      await compare(`conv2d NCHW kernels stride ${stride} ${pad}`, [x, f, dy], ((
        xx: tf.Tensor,
        ff: tf.Tensor,
        g: tf.Tensor,
      ) => [
        tf.engine().runKernel('Conv2DBackpropInput', { dy: g, filter: ff }, {
          ...attrs,
          inputShape: xx.shape,
        } as never) as tf.Tensor,
        tf.engine().runKernel('Conv2DBackpropFilter', { x: xx, dy: g }, {
          ...attrs,
          filterShape: ff.shape,
        } as never) as tf.Tensor,
      ]) as never);
    }
});

test('matMul with transposed operands (every Dense backward pass) equals cpu', async () => {
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    const batch = pick([1, 3]),
      m = int(1, 40),
      k = int(1, 40),
      n = int(1, 40);
    const a = data(ta ? [batch, k, m] : [batch, m, k]),
      b = data(tb ? [batch, n, k] : [batch, k, n]),
      bias = data([n]);
    await compare(`matMul transposeA=${ta} transposeB=${tb} [${a.shape}]·[${b.shape}]`, [a, b], ((
      x: tf.Tensor,
      y: tf.Tensor,
    ) => [tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D, ta, tb)]) as never);
    // the fused kernel as Dense layers call it: rank 2 (wasm's own _FusedMatMul adds the bias wrongly when batch > 1)
    const a2 = data(ta ? [k, m] : [m, k]),
      b2 = data(tb ? [n, k] : [k, n]);
    await compare(
      `fused matMul + bias + relu transposeA=${ta} transposeB=${tb} [${a2.shape}]·[${b2.shape}]`,
      [a2, b2, bias],
      ((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => [
        tf.fused.matMul({
          a: x as tf.Tensor2D,
          b: y as tf.Tensor2D,
          transposeA: ta,
          transposeB: tb,
          bias: z,
          activation: 'relu',
        }),
      ]) as never,
    );
  }
});

test('conv2dTranspose: gradients (Conv2D and Conv2DBackpropFilter of a transposed conv) equal cpu', async () => {
  for (const { stride, pad, batch } of GRID) {
    const k = pick([2, 3]),
      h = int(2, 7),
      w = int(2, 7),
      cin = int(1, 4),
      cout = int(1, 4);
    const outH = pad === 'same' ? h * stride : (h - 1) * stride + k,
      outW = pad === 'same' ? w * stride : (w - 1) * stride + k;
    const op = (x: tf.Tensor, f: tf.Tensor) =>
      tf.conv2dTranspose(x as tf.Tensor4D, f as tf.Tensor4D, [batch, outH, outW, cout], stride, pad);
    const x = data([batch, h, w, cin]),
      f = data([k, k, cout, cin]);
    const r = data([batch, outH, outW, cout]);
    await compare(
      `conv2dTranspose x[${x.shape}] f[${f.shape}] stride ${stride} ${pad}`,
      [x, f, r],
      gradsOf(op) as never,
    );
  }
});

test('conv1d: gradients (through conv2d) equal cpu', async () => {
  for (const { stride, pad, batch } of GRID) {
    const k = pick([1, 3, 4]),
      len = int(k + 2, 25),
      cin = int(1, 5),
      cout = int(1, 5);
    const op = (x: tf.Tensor, f: tf.Tensor) => tf.conv1d(x as tf.Tensor3D, f as tf.Tensor3D, stride, pad);
    const x = data([batch, len, cin]),
      f = data([k, cin, cout]);
    const r = data(outShape(op as never, [x, f]));
    await compare(`conv1d x[${x.shape}] f[${f.shape}] stride ${stride} ${pad}`, [x, f, r], gradsOf(op) as never);
  }
});

test('depthwiseConv2d: input and filter gradients (DepthwiseConv2dNativeBackpropInput/Filter) equal cpu', async () => {
  for (const { stride, pad, batch } of GRID) {
    for (let rep = 0; rep < 2; rep++) {
      const k = pick([1, 2, 3, 5]),
        h = int(k + 1, 12),
        w = int(k + 1, 12),
        c = int(1, 5),
        m = pick([1, 2, 3]);
      const op = (x: tf.Tensor, f: tf.Tensor) => tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, stride, pad);
      const x = data([batch, h, w, c]),
        f = data([k, k, c, m]);
      const r = data(outShape(op as never, [x, f]));
      await compare(
        `depthwiseConv2d x[${x.shape}] f[${f.shape}] stride ${stride} ${pad}`,
        [x, f, r],
        gradsOf(op) as never,
      );
    }
  }
});

test('separableConv2d: gradients (depthwise then pointwise) equal cpu', async () => {
  for (const { stride, pad, batch } of GRID) {
    const h = int(5, 11),
      c = int(1, 4),
      m = pick([1, 2]),
      cout = int(1, 5);
    const x = data([batch, h, h, c]),
      d = data([3, 3, c, m]),
      p = data([1, 1, c * m, cout]);
    const op = (xx: tf.Tensor, dd: tf.Tensor, pp: tf.Tensor) =>
      tf.separableConv2d(xx as tf.Tensor4D, dd as tf.Tensor4D, pp as tf.Tensor4D, stride, pad);
    const r = data(outShape(op as never, [x, d, p]));
    await compare(`separableConv2d x[${x.shape}] stride ${stride} ${pad}`, [x, d, p, r], ((
      xx: tf.Tensor,
      dd: tf.Tensor,
      pp: tf.Tensor,
      rr: tf.Tensor,
    ) =>
      tf.grads((a: tf.Tensor, b: tf.Tensor, e: tf.Tensor) => tf.sum(tf.mul(op(a, b, e), rr)))([xx, dd, pp])) as never);
  }
});

/**
 * tfjs' depthwise gradients refuse dilation, and the cpu backprop kernels ignore it, so the reference for a dilated
 * filter is its undilated equivalent on cpu: the filter with (dilation - 1) zeros between taps, whose gradient
 * sampled at the taps is the dilated filter's gradient.
 */
function spreadFilter(f: Data, d: [number, number]): Data {
  const [kh, kw, c, m] = f.shape;
  const eh = (kh - 1) * d[0] + 1,
    ew = (kw - 1) * d[1] + 1;
  const out = new Float32Array(eh * ew * c * m);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let q = 0; q < c * m; q++) {
        out[(i * d[0] * ew + j * d[1]) * c * m + q] = f.values[(i * kw + j) * c * m + q];
      }
  return { shape: [eh, ew, c, m], values: out };
}

test('depthwise kernels with dilation, uneven strides and explicit padding equal the undilated equivalent on cpu', async () => {
  const cases = [
    { dilations: [2, 2], strides: [1, 1], pad: 'same' },
    { dilations: [2, 3], strides: [1, 1], pad: 'valid' },
    {
      dilations: [1, 1],
      strides: [2, 2],
      pad: [
        [0, 0],
        [1, 2],
        [0, 1],
        [0, 0],
      ],
    },
    { dilations: [1, 1], strides: [2, 1], pad: 'same' },
  ] as const;
  for (const attrs of cases) {
    const c = int(1, 4),
      m = pick([1, 2]);
    const d = attrs.dilations as unknown as [number, number];
    const x = data([int(1, 3), int(7, 11), int(7, 11), c]),
      f = data([3, 2, c, m]);
    const wide = spreadFilter(f, d);
    const fwd = (xx: tf.Tensor, ff: tf.Tensor) =>
      tf.depthwiseConv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, attrs.strides as [number, number], attrs.pad as never);
    const dy = data(outShape(fwd as never, [x, wide]));
    const kernels = (xx: tf.Tensor, ff: tf.Tensor, g: tf.Tensor, dil: [number, number]) => {
      const a = { strides: attrs.strides, pad: attrs.pad, dilations: dil };
      const dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: g, filter: ff }, {
        ...a,
        inputShape: xx.shape,
      } as never) as tf.Tensor;
      const df = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: xx, dy: g }, {
        ...a,
        filterShape: ff.shape,
      } as never) as tf.Tensor4D;
      const taps = tf.stridedSlice(df, [0, 0, 0, 0], df.shape, [
        dil[0] === 1 ? d[0] : 1,
        dil[1] === 1 ? d[1] : 1,
        1,
        1,
      ]);
      df.dispose();
      return [dx, taps];
    };
    const label = `depthwise kernels ${JSON.stringify(attrs)} x[${x.shape}] f[${f.shape}]`;
    const onWasm = await on('wasm', [x, f, dy], ((xx: tf.Tensor, ff: tf.Tensor, g: tf.Tensor) =>
      kernels(xx, ff, g, d)) as never);
    const onCpu = await on('cpu', [x, wide, dy], ((xx: tf.Tensor, ff: tf.Tensor, g: tf.Tensor) =>
      kernels(xx, ff, g, [1, 1])) as never);
    agree(label, onWasm, onCpu);
  }
});

test('maxPool and avgPool: gradients (MaxPoolGrad, AvgPoolGrad) equal cpu', async () => {
  for (const { stride, pad, batch } of GRID) {
    for (const kind of ['max', 'avg'] as const) {
      const k = pick([2, 3]),
        h = int(k + 1, 13),
        w = int(k + 1, 13),
        c = int(1, 6);
      // distinct values: a tie inside a max window may route its gradient to either element
      const x: Data = { shape: [batch, h, w, c], values: shuffledRamp(batch * h * w * c) };
      const op = (xx: tf.Tensor) => (kind === 'max' ? tf.maxPool : tf.avgPool)(xx as tf.Tensor4D, k, stride, pad);
      const r = data(outShape(op as never, [x]));
      await compare(`${kind}Pool x[${x.shape}] size ${k} stride ${stride} ${pad}`, [x, r], gradOf(op) as never);
    }
  }
});

test('maxPool gradient with ties (ReLU zeros) routes each window to its first maximum, as cpu', async () => {
  for (const { stride, pad, batch } of GRID) {
    const k = pick([2, 3]),
      h = int(k + 1, 12),
      c = int(1, 4);
    const x: Data = {
      shape: [batch, h, h, c],
      values: Float32Array.from({ length: batch * h * h * c }, () => Math.max(0, Math.round(random() * 4 - 3))),
    };
    const op = (xx: tf.Tensor) => tf.maxPool(xx as tf.Tensor4D, k, stride, pad);
    const r = data(outShape(op as never, [x]));
    await compare(`maxPool ties x[${x.shape}] size ${k} stride ${stride} ${pad}`, [x, r], gradOf(op) as never);
  }
});

function shuffledRamp(n: number): Float32Array {
  const out = Float32Array.from({ length: n }, (_, i) => i / n);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

test('embedding: gather gradient (UnsortedSegmentSum) sums repeated ids like cpu', async () => {
  for (const batch of [1, 32]) {
    const vocab = int(5, 50),
      dim = int(1, 8),
      len = int(1, 12);
    const table = data([vocab, dim]);
    const ids: Data = {
      shape: [batch, len],
      values: Int32Array.from({ length: batch * len }, () => int(0, vocab - 1)),
      dtype: 'int32',
    };
    const r = data([batch, len, dim]);
    await compare(`embedding vocab ${vocab} dim ${dim} ids[${ids.shape}]`, [table, ids, r], ((
      t: tf.Tensor,
      i: tf.Tensor,
      rr: tf.Tensor,
    ) => [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.gather(a, i), rr)))(t)]) as never);
  }
});

test('unsortedSegmentSum: ids out of range dropped, int32 values, as cpu', async () => {
  const x = data([12, 3, 5]);
  const ids: Data = { shape: [12], values: Int32Array.from([0, 2, 2, -1, 5, 1, 1, 9, 0, 3, 3, 3]), dtype: 'int32' };
  await compare('unsortedSegmentSum ids with -1 and 9 (6 segments)', [x, ids], ((xx: tf.Tensor, i: tf.Tensor) => [
    tf.unsortedSegmentSum(xx, i as tf.Tensor1D, 6),
  ]) as never);
  const xi: Data = { shape: [5, 2], values: Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), dtype: 'int32' };
  const ids1: Data = { shape: [5], values: Int32Array.from([1, 1, 0, 7, 1]), dtype: 'int32' };
  await compare('unsortedSegmentSum int32 values', [xi, ids1], ((xx: tf.Tensor, i: tf.Tensor) => [
    tf.cast(tf.unsortedSegmentSum(xx, i as tf.Tensor1D, 3), 'float32'),
  ]) as never);
});
