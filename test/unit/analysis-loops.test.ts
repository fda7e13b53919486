/**
 * Static analysis through ordinary code: layers added in loops with constant bounds count as often as the loop runs
 * (and findings land on the `tf.layers.*` call in the loop body), helper functions returning layers or models, const
 * values (numbers, object members, array elements, templates). Unknown bounds count once: no false claims.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../../src/guidelines/lint';
import { shapeOf } from '../../src/guidelines/shape';
import type { Finding } from '../../src/protocol/events';

const FILE = '/jobs/loops.ts';

function lint(body: string): {
  findings: Finding[];
  lines: (code: string) => number[];
  hidden: number[];
  exact: (number | undefined)[];
} {
  const text = `import * as tf from '@tensorflow/tfjs';\n${body}`;
  const { findings, sketch } = analyzeText(text, FILE);
  const shapes = sketch!.models.map(m => shapeOf(m));
  return {
    findings,
    lines: code => findings.filter(f => f.code === code).map(f => f.range!.start.line),
    hidden: shapes.map(s => s.hiddenMin),
    exact: shapes.map(s => s.hiddenExact),
  };
}

/** A 9-layer net (8 hidden + output) whose layers 2-8 come from a loop; `loop` is the loop header. */
const NINE = (loop: string, close = '}') => `const model = tf.sequential();
model.add(tf.layers.dense({ units: 64, activation: 'sigmoid', inputShape: [784] }));
${loop}
  model.add(tf.layers.dense({ units: 64, activation: 'sigmoid' }));
${close}
model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adagrad(0.01), loss: 'categoricalCrossentropy' });`;
// lines (1-based, after the import): model 2, first layer 3, loop 4, loop body 5, output 7, compile 8

test('for (let i = 2; i <= 8; i++): the 9-layer net is deep; adagrad-deep, deep-without-batchnorm and saturating-hidden-activation fire, on the loop body line', () => {
  const r = lint(NINE('for (let i = 2; i <= 8; i++) {'));
  assert.deepEqual(r.hidden, [8], 'hidden layers: 1 + 7 from the loop');
  assert.deepEqual(r.exact, [8]);
  assert.deepEqual(r.lines('adagrad-deep'), [8]);
  assert.deepEqual(r.lines('deep-without-batchnorm'), [2]);
  assert.deepEqual(r.lines('saturating-hidden-activation'), [3, 5], 'the first layer and the loop body');
  assert.match(r.findings.find(f => f.code === 'adagrad-deep')!.message, /This model has 8 hidden layers/);
});

test('loop forms with constant bounds: <, += k, decreasing, for-of over a literal or const array, forEach, Array.from', () => {
  const cases: [string, string, number][] = [
    ['i < 7', 'for (let i = 0; i < 7; i++) {', 8],
    ['+= 2', 'for (let i = 0; i < 14; i += 2) {', 8],
    ['decreasing', 'for (let i = 7; i > 0; i--) {', 8],
    ['bound from a const', 'const N = 7;\nfor (let i = 1; i <= N; ++i) {', 8],
    ['for-of literal', 'for (const u of [64, 64, 32, 32, 16, 16, 8]) {', 8],
    ['for-of const array', 'const UNITS = [64, 64, 32, 32, 16, 16, 8];\nfor (const u of UNITS) {', 8],
    ['forEach', '[1, 2, 3, 4, 5, 6, 7].forEach(() => {', 8],
    ['Array.from forEach', 'Array.from({ length: 7 }).forEach(() => {', 8],
    ['zero trips', 'for (let i = 0; i < 0; i++) {', 1],
  ];
  for (const [name, loop, hidden] of cases) {
    const close = loop.includes('forEach') ? '});' : '}';
    const r = lint(NINE(loop, close));
    assert.deepEqual(r.hidden, [hidden], name);
    assert.equal(r.lines('adagrad-deep').length, hidden > 4 ? 1 : 0, `${name}: adagrad-deep`);
  }
});

test('nested loops multiply; a functional apply chain in a loop counts per iteration', () => {
  const nested = lint(NINE('for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) {'));
  assert.deepEqual(nested.hidden, [7]);
  const functional = lint(`const input = tf.input({ shape: [8] });
let x = tf.layers.dense({ units: 16, activation: 'tanh' }).apply(input) as tf.SymbolicTensor;
for (let i = 0; i < 6; i++) {
  x = tf.layers.dense({ units: 16, activation: 'tanh' }).apply(x) as tf.SymbolicTensor;
}
const out = tf.layers.dense({ units: 2, activation: 'softmax' }).apply(x) as tf.SymbolicTensor;
const model = tf.model({ inputs: input, outputs: out });
model.compile({ optimizer: 'adagrad', loss: 'categoricalCrossentropy' });`);
  assert.deepEqual(functional.hidden, [7]);
  assert.deepEqual(functional.lines('saturating-hidden-activation'), [3, 5]);
  assert.deepEqual(functional.lines('adagrad-deep'), [9]);
});

test('unknown bounds count once, as a lower bound: no finding claims a depth the code does not state', () => {
  for (const loop of [
    'for (let i = 0; i < n; i++) {',
    'while (more()) {',
    'for (let i = 0; i < 8; i++) { if (i === 3) break;',
    'for (const u of units) {',
    'for (let i = 0; i < 8; i++) { i += 1;',
  ]) {
    const r = lint(
      `declare const n: number; declare const units: number[]; declare function more(): boolean;\n${NINE(loop)}`,
    );
    assert.equal(r.exact[0], undefined, `${loop}: the depth is not exact`);
    assert.equal(r.hidden[0], 2, `${loop}: the loop body counted once`);
    for (const code of ['adagrad-deep', 'deep-without-batchnorm', 'saturating-hidden-activation']) {
      assert.deepEqual(r.lines(code), [], `${loop}: no ${code}`);
    }
  }
  // a loop of unknown length in an already deep net: "at least"
  const deep = lint(`declare const n: number;\nconst model = tf.sequential();
for (const u of [1, 2, 3, 4, 5, 6]) model.add(tf.layers.dense({ units: 8, activation: 'relu', kernelInitializer: 'heNormal' }));
for (let i = 0; i < n; i++) model.add(tf.layers.dense({ units: 8, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ units: 2, activation: 'softmax' }));`);
  assert.match(deep.findings.find(f => f.code === 'deep-without-batchnorm')!.message, /^At least 7 hidden layers/);
  // a branch may not run at all
  const branch = lint(NINE('if (Math.random() > 0.5) {'));
  assert.deepEqual(branch.hidden, [1]);
});

test('helper functions: a block returning a layer (several statements), a model factory, a const arrow', () => {
  const r = lint(`function block(units: number) {
  const layer = tf.layers.dense({ units, activation: 'sigmoid' });
  return layer;
}
const makeModel = () => {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: 'heNormal', inputShape: [10] }));
  for (let i = 0; i < 6; i++) m.add(block(32));
  m.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  return m;
};
const model = makeModel();
model.compile({ optimizer: tf.train.adagrad(0.01), loss: 'categoricalCrossentropy' });`);
  assert.deepEqual(r.hidden, [7]);
  assert.deepEqual(r.lines('saturating-hidden-activation'), [3], 'on the tf.layers call in the helper');
  assert.deepEqual(r.lines('adagrad-deep'), [14], "compile on the helper's result is the model's compile");
  // the output rule needs the compile: a sigmoid output with categoricalCrossentropy through the helper
  const out = lint(`async function build() {
  const m = tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: 'sigmoid', inputShape: [4] })] });
  return m;
}
const model = await build();
model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });`);
  assert.deepEqual(out.lines('output-activation-loss'), [3]);
  // a helper with two ways out returns nothing the rules can rely on
  const two = lint(`function pick(deep: boolean) {
  if (deep) return tf.layers.dense({ units: 8, activation: 'sigmoid' });
  return tf.layers.dense({ units: 8, activation: 'relu' });
}
const model = tf.sequential();
for (let i = 0; i < 8; i++) model.add(pick(true));`);
  assert.deepEqual(two.lines('saturating-hidden-activation'), []);
});

test('helpers that add layers to the model they are given: counted at each call, in the order they run', () => {
  const r = lint(`function addBlock(model: tf.Sequential, units: number) {
  model.add(tf.layers.dense({ units, activation: 'tanh' }));
  model.add(tf.layers.dropout({ rate: 0.1 }));
}
const model = tf.sequential();
model.add(tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: 'heNormal', inputShape: [10] }));
for (let i = 0; i < 6; i++) addBlock(model, 64);
model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
model.compile({ optimizer: 'adagrad', loss: 'categoricalCrossentropy' });`);
  assert.deepEqual(r.hidden, [7]);
  assert.deepEqual(r.exact, [7], 'a helper that only adds hides nothing');
  assert.deepEqual(r.lines('saturating-hidden-activation'), [3], 'on the tf.layers call in the helper');
  assert.deepEqual(r.lines('adagrad-deep'), [10]);
  assert.equal(
    r.findings.find(f => f.code === 'output-activation-loss'),
    undefined,
    'the softmax added last is the output',
  );
  // a helper that also hands the model on may add layers we do not see
  const leaky =
    lint(`function block(m: tf.Sequential) { m.add(tf.layers.dense({ units: 8, activation: 'tanh' })); register(m); }
declare function register(m: unknown): void;
const model = tf.sequential();
for (let i = 0; i < 8; i++) block(model);`);
  assert.equal(leaky.exact[0], undefined);
});

test('const values: const lr, object members, array elements, arithmetic, templates, Math; mutated objects are not read', () => {
  const lr = (decl: string, arg: string) =>
    lint(`${decl}
const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4] })] });
model.compile({ optimizer: tf.train.adam(${arg}), loss: 'meanSquaredError' });`)
      .findings.filter(f => f.code === 'lr-range')
      .map(f => f.evidence.learningRate);
  assert.deepEqual(lr('const lr = 0.1;', 'lr'), [0.1]);
  assert.deepEqual(lr('const CONFIG = { lr: 0.5, units: 8 };', 'CONFIG.lr'), [0.5]);
  assert.deepEqual(lr('const CONFIG = { train: { lr: 0.5 } };', "CONFIG.train['lr']"), [0.5]);
  assert.deepEqual(lr('const CONFIG = { lr: 0.5 };\nconst lr = CONFIG.lr;', 'lr'), [0.5]);
  assert.deepEqual(lr('const LRS = [0.3, 1e-3];', 'LRS[0]'), [0.3]);
  assert.deepEqual(lr('const base = 0.1;\nconst lr = base * 5;', 'lr'), [0.5]);
  assert.deepEqual(lr('', 'Math.pow(10, -1)'), [0.1]);
  assert.deepEqual(
    lr('const CONFIG = { lr: 0.5 };\nCONFIG.lr = 0.001;', 'CONFIG.lr'),
    [],
    'written in place: not known',
  );
  assert.deepEqual(lr('const LRS = [0.5];\nLRS[0] = 0.001;', 'LRS[0]'), []);
  assert.deepEqual(lr('let lr = 0.5;\nlr = 0.001;', 'lr'), []);
  assert.deepEqual(lr('const LRS = [...more, 0.5];\ndeclare const more: number[];', 'LRS[0]'), []);
  // a template literal naming the initializer
  const init = lint(`const KIND = 'glorot';
const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, activation: 'relu', kernelInitializer: \`\${KIND}Normal\`, inputShape: [4] }), tf.layers.dense({ units: 1 })] });`);
  assert.deepEqual(init.lines('init-activation-mismatch'), [3]);
});
