/**
 * The toolkit's eight optimizers against plain-JS (float64) implementations of their update rules (the
 * optimizer comparison table G3 of src/guidelines/tables.ts; Keras' rules for AdaMax and Nadam), a few steps on a least-squares problem with 3 weights, and
 * Nadam as a real tfjs optimizer: compile accepts it, its config round-trips, its slots are freed.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { tinyReluNet } from './tinyNet';
import { createOptimizers, OPTIMIZER_DEFAULTS, type OptimizerName } from '../../src/toolkit/optimizers';

before(async () => {
  await tf.setBackend('cpu');
});

// loss(w) = mean((Xw − y)²); gradient 2/n·Xᵀ(Xw − y)
const X = [
  [1, 2, -1],
  [0.5, -1, 2],
  [-1.5, 0.3, 1],
  [2, 1, 0.5],
];
const Y = [1, -2, 0.5, 3];
const W0 = [0.5, -0.3, 0.8];
const STEPS = 6;

function gradient(w: number[]): number[] {
  const n = X.length;
  const g = [0, 0, 0];
  for (let r = 0; r < n; r++) {
    const err = X[r].reduce((s, x, j) => s + x * w[j], 0) - Y[r];
    for (let j = 0; j < 3; j++) g[j] += (2 / n) * err * X[r][j];
  }
  return g;
}

type Step = (w: number[], g: number[], t: number) => number[];

/** Each rule keeps its own state per component; t counts from 1. */
const reference: Record<OptimizerName, (o: Record<string, number>) => Step> = {
  // θ ← θ − η·g
  sgd:
    ({ learningRate: lr }) =>
    (w, g) =>
      w.map((x, i) => x - lr * g[i]),
  // m ← β·m − η·g; θ ← θ + m
  momentum: ({ learningRate: lr, momentum: b }) => {
    const m = [0, 0, 0];
    return (w, g) =>
      w.map((x, i) => {
        m[i] = b * m[i] - lr * g[i];
        return x + m[i];
      });
  },
  // NAG in Keras' form (the seed's look-ahead gradient, reparametrized at θ + β·m): m ← β·m − η·g; θ ← θ + β·m − η·g
  nesterov: ({ learningRate: lr, momentum: b }) => {
    const m = [0, 0, 0];
    return (w, g) =>
      w.map((x, i) => {
        m[i] = b * m[i] - lr * g[i];
        return x + b * m[i] - lr * g[i];
      });
  },
  // s ← s + g²; θ ← θ − η·g / √(s + ε)   (ε: the backend's, 1e-7 in float32)
  adagrad: ({ learningRate: lr, initialAccumulatorValue: s0 }) => {
    const s = [s0, s0, s0];
    const eps = tf.backend().epsilon();
    return (w, g) =>
      w.map((x, i) => {
        s[i] += g[i] * g[i];
        return x - (lr * g[i]) / Math.sqrt(s[i] + eps);
      });
  },
  // s ← ρ·s + (1−ρ)·g²; θ ← θ − η·g / √(s + ε)
  rmsprop: ({ learningRate: lr, rho, epsilon: eps }) => {
    const s = [0, 0, 0];
    return (w, g) =>
      w.map((x, i) => {
        s[i] = rho * s[i] + (1 - rho) * g[i] * g[i];
        return x - (lr * g[i]) / Math.sqrt(s[i] + eps);
      });
  },
  // m ← β1·m + (1−β1)·g; s ← β2·s + (1−β2)·g²; m̂ = m/(1−β1^t); ŝ = s/(1−β2^t); θ ← θ − η·m̂/(√ŝ + ε)
  // (tfjs keeps β1^t and β2^t as float32 tensors, so 1 − β2^t is rounded as tfjs rounds it: 1.3e-5 relative at t=1)
  adam: ({ learningRate: lr, beta1, beta2, epsilon: eps }) => {
    const m = [0, 0, 0];
    const s = [0, 0, 0];
    const f = Math.fround;
    let acc1 = 1;
    let acc2 = 1;
    return (w, g) => {
      acc1 = f(acc1 * f(beta1));
      acc2 = f(acc2 * f(beta2));
      return w.map((x, i) => {
        m[i] = beta1 * m[i] + (1 - beta1) * g[i];
        s[i] = beta2 * s[i] + (1 - beta2) * g[i] * g[i];
        return x - (lr * (m[i] / f(1 - acc1))) / (Math.sqrt(s[i] / f(1 - acc2)) + eps);
      });
    };
  },
  // m ← β1·m + (1−β1)·g; u ← max(β2·u, |g|); θ ← θ − η/(1−β1^t) · m/(u + ε)
  adamax: ({ learningRate: lr, beta1: b1, beta2: b2, epsilon: eps }) => {
    const m = [0, 0, 0];
    const u = [0, 0, 0];
    return (w, g, t) =>
      w.map((x, i) => {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        u[i] = Math.max(b2 * u[i], Math.abs(g[i]));
        return x - ((lr / (1 - b1 ** t)) * m[i]) / (u[i] + eps);
      });
  },
  // Keras Nadam: μ_t = β1(1 − ½·0.96^t); m, v as Adam;
  // m̂ = μ_{t+1}·m/(1 − Πμ_1..μ_{t+1}) + (1 − μ_t)·g/(1 − Πμ_1..μ_t); v̂ = v/(1−β2^t); θ ← θ − η·m̂/(√v̂ + ε)
  nadam: ({ learningRate: lr, beta1: b1, beta2: b2, epsilon: eps }) => {
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    const mu = (t: number) => b1 * (1 - 0.5 * 0.96 ** t);
    let product = 1;
    return (w, g, t) => {
      const pT = product * mu(t);
      const pNext = pT * mu(t + 1);
      product = pT;
      return w.map((x, i) => {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        const mHat = (mu(t + 1) * m[i]) / (1 - pNext) + ((1 - mu(t)) * g[i]) / (1 - pT);
        const vHat = v[i] / (1 - b2 ** t);
        return x - (lr * mHat) / (Math.sqrt(vHat) + eps);
      });
    };
  },
};

function trainTf(opt: tf.Optimizer): number[][] {
  const w = tf.variable(tf.tensor1d(W0));
  const xs = tf.tensor2d(X);
  const ys = tf.tensor1d(Y);
  const path: number[][] = [];
  for (let t = 0; t < STEPS; t++) {
    opt.minimize(
      () => tf.mean(tf.square(tf.sub(tf.squeeze(tf.matMul(xs, tf.reshape(w, [3, 1]))), ys))) as tf.Scalar,
      false,
      [w],
    );
    path.push(Array.from(w.dataSync()));
  }
  tf.dispose([w, xs, ys]);
  opt.dispose();
  return path;
}

function trainJs(step: Step): number[][] {
  let w = [...W0];
  const path: number[][] = [];
  for (let t = 1; t <= STEPS; t++) {
    w = step(w, gradient(w), t);
    path.push(w);
  }
  return path;
}

function assertClose(actual: number[][], expected: number[][], tol: number, what: string): void {
  actual.forEach((row, t) =>
    row.forEach((v, i) =>
      assert.ok(
        Math.abs(v - expected[t][i]) <= tol,
        `${what}: step ${t + 1}, w[${i}] = ${v}, expected ${expected[t][i]} (±${tol})`,
      ),
    ),
  );
}

const opts = createOptimizers(tf);
// learning rates large enough that the weights move well beyond float32 noise in 6 steps
const LR: Record<OptimizerName, number> = {
  sgd: 0.05,
  momentum: 0.05,
  nesterov: 0.05,
  adagrad: 0.1,
  rmsprop: 0.05,
  adam: 0.1,
  adamax: 0.1,
  nadam: 0.1,
};

for (const name of Object.keys(reference) as OptimizerName[]) {
  test(`${name} takes the same steps as its update rule (6 steps, within 1e-6)`, () => {
    const settings = { ...OPTIMIZER_DEFAULTS[name], learningRate: LR[name] } as Record<string, number>;
    const actual = trainTf(opts[name](LR[name]));
    const expected = trainJs(reference[name](settings));
    assertClose(actual, expected, 1e-6, name);
    const moved = Math.max(...expected.at(-1)!.map((v, i) => Math.abs(v - W0[i])));
    assert.ok(moved > 0.05, `${name} moved the weights (${moved})`);
  });
}

test('the defaults are those of the comparison table (G3)', () => {
  const config = (o: tf.Optimizer) => {
    const c = o.getConfig();
    o.dispose();
    return c;
  };
  assert.deepEqual(config(opts.momentum()), { learningRate: 0.01, momentum: 0.9, useNesterov: false });
  assert.deepEqual(config(opts.nesterov()), { learningRate: 0.01, momentum: 0.9, useNesterov: true });
  assert.deepEqual(config(opts.rmsprop()), {
    learningRate: 0.001,
    decay: 0.9,
    momentum: 0,
    epsilon: 1e-7,
    centered: false,
  });
  assert.deepEqual(config(opts.adam()), { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
  assert.deepEqual(config(opts.nadam()), { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
  assert.equal(opts.nadam({ learningRate: 0.01 }).getConfig().learningRate, 0.01, 'options object form');
  assert.equal(opts.adam(0.02, { beta1: 0.8 }).getConfig().beta1, 0.8, 'learning rate + options form');
});

test('bad options are errors that name the option', () => {
  assert.throws(() => opts.adam({ lr: 0.1 } as never), /adam\(\): unknown option 'lr'/);
  assert.throws(() => opts.sgd({ learningRate: -1 }), /sgd\(\): learningRate must be a non-negative number/);
  assert.throws(() => opts.nadam({ clipNorm: 1, clipValue: 1 }), /either clipValue or clipNorm/);
  assert.throws(() => opts.rmsprop({ clipNorm: 0 }), /clipNorm must be a positive number/);
});

test('nadam is a tfjs optimizer: compile and fit use it; dispose frees its slots', async () => {
  const before = tf.memory().numTensors;
  const { model, optimizer, xs, ys } = await nadamModel(30);
  assert.ok(optimizer instanceof tf.Optimizer);
  assert.equal(optimizer.getClassName(), 'Nadam');
  assert.equal(optimizer.iterations, 30);
  model.dispose();
  tf.dispose([xs, ys]);
  assert.equal(tf.memory().numTensors - before, 2 * 4, 'until disposed it holds m and v of each of the 4 variables');
  optimizer.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
});

async function nadamModel(epochs: number) {
  // seeded: from some random draws 4 ReLU units at lr 0.01 need more than 20 epochs to cut the loss by 10%
  const model = tinyReluNet({ hidden: 7, output: 8 });
  const optimizer = opts.nadam(0.01);
  model.compile({ optimizer, loss: 'meanSquaredError' });
  const xs = tf.tensor2d(X);
  const ys = tf.tensor2d(Y, [4, 1]);
  const h = await model.fit(xs, ys, { epochs, batchSize: 4, verbose: 0 });
  const losses = h.history.loss as number[];
  assert.ok(losses.at(-1)! < losses[0] * 0.9, `loss goes down (${losses[0]} → ${losses.at(-1)})`);
  return { model, optimizer, xs, ys };
}

test('a model saved with its Nadam optimizer loads back with it, in the same state', async () => {
  const { model, optimizer, xs, ys } = await nadamModel(20);
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async a => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer: true },
  );
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
  const copy = loaded.optimizer;
  assert.equal(copy.getClassName(), 'Nadam', 'the class is looked up by its registered name');
  assert.deepEqual(copy.getConfig(), optimizer.getConfig());
  assert.equal(copy.iterations, 20);
  // one more step from the saved state equals one more step of the original (m, v and the μ product restored)
  await model.fit(xs, ys, { epochs: 1, batchSize: 4, verbose: 0 });
  await loaded.fit(xs, ys, { epochs: 1, batchSize: 4, verbose: 0 });
  const a = model.getWeights().flatMap(w => Array.from(w.dataSync()));
  const b = loaded.getWeights().flatMap(w => Array.from(w.dataSync()));
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-6, `weight ${i}: ${v} vs ${b[i]}`));
  [model, loaded].forEach(m => m.dispose());
  [optimizer, copy].forEach(o => o.dispose());
  tf.dispose([xs, ys]);
});

test("nadam reproduces Keras' documented example (lr 0.2, loss v²/2 from v = 10: one step gives 9.8)", () => {
  const v = tf.variable(tf.scalar(10));
  const optimizer = opts.nadam(0.2);
  optimizer.minimize(() => tf.div(tf.square(v), 2) as tf.Scalar, false, [v]);
  assert.equal(v.dataSync()[0].toFixed(1), '9.8');
  optimizer.dispose();
  v.dispose();
});
