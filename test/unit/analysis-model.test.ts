/** The model sketch: imports, layer configs, value resolution (known / absent / unknown), model shapes, compile. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText, DocumentAnalyses } from '../../src/guidelines/lint';
import { parseSource, changeRange } from '../../src/analysis/parse';
import { sketchFile, hoverTargetsOf, type FileSketch, type Known, type ModelSketch } from '../../src/analysis/model';
import { shapeOf } from '../../src/guidelines/shape';
import { DEFAULT_LINT_SETTINGS } from '../../src/guidelines/settings';

const sketch = (text: string, name = 'm.ts'): FileSketch => sketchFile(parseSource(text, name));
const val = <T>(k: Known<T> | undefined) => (k?.state === 'known' ? k.value : k?.state);
const layers = (m: ModelSketch) =>
  m.entries.map(e => (e.layer ? e.layer.factory : '?') + (e.count === 1 ? '' : `x${e.count}`));

test('namespace, named, aliased, subpackage, require and re-bound imports are recognised', () => {
  const variants = [
    "import * as tf from '@tensorflow/tfjs'; tf.layers.dense({ units: 1 });",
    "import * as tfn from '@tensorflow/tfjs-node'; tfn.layers.dense({ units: 1 });",
    "import { layers } from '@tensorflow/tfjs'; layers.dense({ units: 1 });",
    "import { layers as L } from '@tensorflow/tfjs-layers'; L.dense({ units: 1 });",
    "import * as tf from '@tensorflow/tfjs'; const L = tf.layers; L.dense({ units: 1 });",
    "import * as tf from '@tensorflow/tfjs'; const { layers } = tf; layers.dense({ units: 1 });",
    "const tf = require('@tensorflow/tfjs'); tf.layers.dense({ units: 1 });",
    "const { layers } = require('@tensorflow/tfjs-node'); layers.dense({ units: 1 });",
  ];
  for (const v of variants)
    assert.deepEqual(
      sketch(v, v.includes('require') ? 'm.js' : 'm.ts').layers.map(l => l.factory),
      ['dense'],
      v,
    );
});

test('look-alikes are not tfjs: other modules, shadowed names, files without a tfjs import', () => {
  assert.deepEqual(sketch("import * as tf from 'my-tf'; tf.layers.dense({ units: 1 });").layers, []);
  assert.deepEqual(
    sketch("import * as tf from '@tensorflow/tfjs'; function f(tf: any) { tf.layers.dense({ units: 1 }); }").layers,
    [],
  );
  assert.equal(
    analyzeText('const tf: any = {}; tf.layers.dense({ units: 1 });', 'x.ts').sketch,
    undefined,
    'not even parsed',
  );
  assert.equal(sketch('// @tensorflow/tfjs\nconst tf: any = {}; tf.layers.dense({});').importsTfjs, false);
});

test('config values: literals, consts, arithmetic and never-reassigned lets are known; the rest unknown or absent', () => {
  const s = sketch(`import * as tf from '@tensorflow/tfjs';
const ACT = 'elu';
const BASE = 32;
let rate = 0.25;
let changed = 0.1; changed = 0.2;
const shared = { activation: 'tanh' as const };
export function f(units: number, act: 'relu') {
  return [
    tf.layers.dense({ units: BASE * 2, activation: ACT, kernelInitializer: tf.initializers.heNormal({ seed: 1 }) }),
    tf.layers.dense({ units, activation: act }),
    tf.layers.dropout({ rate }),
    tf.layers.dropout({ rate: changed }),
    tf.layers.dense({ ...shared, units: 4 }),
    tf.layers.dense({ ...(units > 2 ? { activation: 'relu' as const } : {}), units: 4 }),
    tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.varianceScaling({ scale: 2, mode: 'fanIn' }) }),
  ];
}`);
  const [a, b, c, d, e, g, h] = s.layers;
  assert.equal(val(a.units), 64);
  assert.equal(val(a.activation), 'elu');
  assert.deepEqual(a.initializer?.state === 'known' && [a.initializer.value.name, a.initializer.value.form], [
    'heNormal',
    'factory',
  ]);
  assert.equal(val(b.units), 'unknown', 'a parameter');
  assert.equal(val(b.activation), 'unknown');
  assert.equal(val(b.initializer), 'absent', 'tfjs default applies');
  assert.equal(val(c.rate), 0.25, 'let never reassigned');
  assert.equal(val(d.rate), 'unknown', 'let reassigned');
  assert.equal(val(e.activation), 'tanh', 'through a spread const');
  assert.equal(val(g.activation), 'unknown', 'a conditional spread may set it');
  assert.equal(val(g.units), 4);
  assert.deepEqual(h.initializer?.state === 'known' && [h.initializer.value.scale, h.initializer.value.mode], [
    2,
    'fanIn',
  ]);
});

test('sequential models: layers arrays (with spreads, helpers, Array.from) and model.add, in order', () => {
  const s = sketch(`import * as tf from '@tensorflow/tfjs';
const block = () => [tf.layers.dense({ units: 8, activation: 'relu' }), tf.layers.batchNormalization()];
const hidden = (units: number) => tf.layers.dense({ units, activation: 'relu' });
export const a = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [2, 2] }), ...block(), hidden(4), ...Array.from({ length: 3 }, () => hidden(2)), tf.layers.dense({ units: 1 })] });
export const b = tf.sequential();
b.add(tf.layers.dense({ units: 8, inputShape: [4] }));
for (let i = 0; i < 3; i++) b.add(tf.layers.dense({ units: 8 }));
if (Math.random() > 2) b.add(tf.layers.dropout({ rate: 0.5 }));
b.add(tf.layers.dense({ units: 1 }));
export const c = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
register(c);
declare function register(m: unknown): void;`);
  const [a, b, c] = s.models;
  assert.deepEqual(layers(a), ['flatten', 'dense', 'batchNormalization', 'dense', 'densex3', 'dense']);
  assert.equal(a.complete, true);
  assert.deepEqual(layers(b), ['dense', 'densex3', 'dropoutxmaybe', 'dense']);
  assert.equal(shapeOf(b).hiddenMin, 4, 'a loop with constant bounds adds its layer 3 times');
  assert.equal(shapeOf(b).hiddenExact, undefined, 'the dropout behind an if may or may not be there');
  assert.equal(c.complete, false, 'handed to other code: it may get more layers');
  assert.equal(shapeOf(a).hiddenExact, 5);
  assert.equal(shapeOf(a).output?.weight.factory, 'dense');
});

test('functional models: apply chains, nested applies, branches and merges', () => {
  const s = sketch(`import * as tf from '@tensorflow/tfjs';
const input = tf.input({ shape: [8] });
let x = tf.layers.dense({ units: 16, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
x = tf.layers.dense({ units: 16, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
const out = tf.layers.dense({ units: 2, activation: 'softmax' }).apply(tf.layers.dropout({ rate: 0.2 }).apply(x)) as tf.SymbolicTensor;
export const chain = tf.model({ inputs: input, outputs: out });

const left = tf.layers.dense({ units: 4 }).apply(input) as tf.SymbolicTensor;
const right = tf.layers.dense({ units: 4 }).apply(input) as tf.SymbolicTensor;
const merged = tf.layers.concatenate().apply([left, right]) as tf.SymbolicTensor;
const y = tf.layers.dense({ units: 1, activation: 'sigmoid' }).apply(merged) as tf.SymbolicTensor;
export const branchy = tf.model({ inputs: input, outputs: y });
export function partial(t: tf.SymbolicTensor) {
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1 }).apply(t) as tf.SymbolicTensor });
}`);
  const [chain, branchy, partial] = s.models;
  assert.deepEqual(layers(chain), ['dense', 'dense', 'dropout', 'dense'], 'evaluation order, inner apply first');
  assert.equal(chain.complete && chain.chain, true);
  assert.equal(shapeOf(chain).plainDense, 'yes');
  assert.equal(shapeOf(chain).output?.activation.value, 'softmax');
  assert.deepEqual(layers(branchy), ['dense', 'dense', 'concatenate', 'dense']);
  assert.equal(branchy.chain, false);
  assert.equal(shapeOf(branchy).plainDense, 'no');
  assert.equal(partial.complete, false, 'an input from outside is unknown');
});

test('compile: optimizer by name or factory, learning rate, momentum flags, loss; linked to its model', () => {
  const s = sketch(`import * as tf from '@tensorflow/tfjs';
const LR = 0.003;
const opt = tf.train.momentum(LR, 0.9, true);
export const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
m.compile({ optimizer: opt, loss: 'meanSquaredError' });
export const n = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
n.compile({ optimizer: 'Adam', loss: tf.losses.softmaxCrossEntropy, metrics: ['accuracy', ACC] });
const ACC = 'mse';
export function later(o: tf.Optimizer) { n.compile({ optimizer: o, loss: 'categorical_crossentropy' }); }`);
  const [c1, c2, c3] = s.compiles;
  assert.equal(c1.model, s.models[0]);
  const o1 = c1.optimizer.state === 'known' ? c1.optimizer.value : undefined;
  assert.deepEqual(
    [o1?.name, o1?.form, val(o1?.lr), val(o1?.momentum), val(o1?.nesterov), o1?.inline],
    ['momentum', 'factory', 0.003, 0.9, true, false],
  );
  const o2 = c2.optimizer.state === 'known' ? c2.optimizer.value : undefined;
  assert.deepEqual([o2?.name, o2?.form, val(o2?.lr)], ['adam', 'string', 'absent']);
  assert.deepEqual(c2.loss.state === 'known' && [c2.loss.value.name, c2.loss.value.form], [
    'softmaxCrossEntropy',
    'function',
  ]);
  assert.deepEqual(val(c2.metrics), ['accuracy', 'mse']);
  assert.equal(c3.optimizer.state, 'unknown');
  assert.equal(
    val(c3.loss) && c3.loss.state === 'known' && c3.loss.value.name,
    'categoricalCrossentropy',
    'snake_case names are canonicalised',
  );
  assert.equal(s.models[1].compile, c2, 'first compile wins for the model');
  assert.equal(val(c1.metrics), 'absent');
});

test('activation layers, their activation, and what the G1 rule treats as the effective activation', () => {
  const s = sketch(`import * as tf from '@tensorflow/tfjs';
export const m = tf.sequential({ layers: [
  tf.layers.dense({ units: 4, inputShape: [2] }), tf.layers.batchNormalization(), tf.layers.leakyReLU(),
  tf.layers.dense({ units: 4 }), tf.layers.activation({ activation: 'selu' }),
  tf.layers.lstm({ units: 3 }),
  tf.layers.dense({ units: 1 }),
] });`);
  assert.deepEqual(
    s.layers.map(l => [l.factory, l.kind, val(l.activation)]),
    [
      ['dense', 'weight', 'absent'],
      ['batchNormalization', 'normalization', 'absent'],
      ['leakyReLU', 'activation', 'leakyReLU'],
      ['dense', 'weight', 'absent'],
      ['activation', 'activation', 'selu'],
      ['lstm', 'weight', 'absent'],
      ['dense', 'weight', 'absent'],
    ],
  );
  assert.equal(s.layers[5].defaultActivation, 'tanh');
  assert.equal(shapeOf(s.models[0]).plainDense, 'no', 'a recurrent layer');
});

test('hover targets: activation, initializer, optimizer and loss names, sorted', () => {
  const s = sketch(`import * as tf from '@tensorflow/tfjs';
export const m = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [2], activation: 'relu', kernelInitializer: tf.initializers.heUniform({}) }), tf.layers.elu()] });
m.compile({ optimizer: tf.train.rmsprop(0.001), loss: 'meanSquaredError' });`);
  assert.deepEqual(
    hoverTargetsOf(s).map(t => `${t.kind}:${t.name}`),
    ['activation:relu', 'initializer:heUniform', 'activation:elu', 'optimizer:rmsprop', 'loss:meanSquaredError'],
  );
});

test('incremental reparse: same findings as a fresh parse while typing, and reuse per version', () => {
  const base = `import * as tf from '@tensorflow/tfjs';
export const m = tf.sequential({ layers: [
  tf.layers.dense({ units: 4, inputShape: [2], activation: 'relu' }),
  tf.layers.dense({ units: 1 }),
] });
`;
  const cache = new DocumentAnalyses();
  const typed = '  tf.layers.dropout({ rate: 0.9 }),\n';
  const at = base.indexOf('  tf.layers.dense({ units: 1 })');
  let version = 0;
  for (let i = 0; i <= typed.length; i++) {
    const text = base.slice(0, at) + typed.slice(0, i) + base.slice(at);
    const inc = cache.get('doc', ++version, () => text, 'doc.ts', DEFAULT_LINT_SETTINGS);
    assert.deepEqual(
      inc.findings,
      analyzeText(text, 'doc.ts').findings,
      `after typing ${JSON.stringify(typed.slice(0, i))}`,
    );
  }
  assert.deepEqual(
    cache
      .peek('doc')!
      .findings.map(f => f.code)
      .sort(),
    ['dropout-rate', 'init-activation-mismatch'],
  );
  const again = cache.get(
    'doc',
    version,
    () => {
      throw new Error('text must not be read again for the same version');
    },
    'doc.ts',
    DEFAULT_LINT_SETTINGS,
  );
  assert.equal(again, cache.peek('doc'));
  const r = changeRange('abcdef', 'abXYef');
  assert.deepEqual([r.span.start, r.span.length, r.newLength], [2, 2, 2]);
});

test('a model kept in a property (this.model) built in one method; adds elsewhere are uncertain', () => {
  const s = sketch(
    `const tf = require('@tensorflow/tfjs-node');
class Trainer {
  constructor() {
    this.model = tf.sequential();
    this.model.add(tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu' }));
    this.model.add(tf.layers.dense({ units: 3 }));
    this.model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  }
  grow() { this.model.add(tf.layers.dense({ units: 3 })); }
}`,
    'trainer.js',
  );
  const [m] = s.models;
  assert.equal(m.bindingText, 'this.model');
  assert.deepEqual(layers(m), ['dense', 'dense', 'densexmaybe']);
  assert.equal(s.compiles[0].model, m);
});
