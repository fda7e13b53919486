/**
 * The guideline rules on the real model at fit start (src/guidelines/modelCheck.ts): the same judgement and words as
 * the lint rules, from the runner's layer summaries; findings with source 'static', the lint code, and a line (the
 * layer's call site, else compile). Through the real runner and CLI: a model from JSON and a loop whose bound the
 * parser cannot read still get their findings in findings.json. In the editor, lint and run do not list one twice.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { ROOT, tempDir } from './helpers';
import { checkFitModel, factoryOfClass } from '../../src/guidelines/modelCheck';
import { withoutLintDuplicates, lintMarks } from '../../src/guidelines/dedupe';
import { analyzeText } from '../../src/guidelines/lint';
import { DiagnosisEngine } from '../../src/detectors/engine';
import { findingSchema, type Finding, type LayerSummary, type RunEvent } from '../../src/protocol';

const FILE = '/jobs/model.ts';
const at = (line: number) => ({ file: FILE, line });
const dense = (
  name: string,
  line: number | undefined,
  activation: string,
  initializer = 'glorotUniform',
  units = 16,
): LayerSummary => ({
  name,
  className: 'Dense',
  activation,
  initializer,
  units,
  params: 10,
  ...(line ? { location: at(line) } : {}),
});
const fit = (layers: LayerSummary[], optimizer = 'Adam', loss: string | null = 'categoricalCrossentropy') => ({
  layers,
  optimizer,
  loss,
  compileLocation: at(30),
  location: at(31),
});
const codes = (fs: Finding[]) => fs.map(f => `${f.code}@${f.range?.start.line}`).sort();

test('class names map to their tf.layers factory', () => {
  assert.deepEqual(
    [
      'Dense',
      'Conv2D',
      'Conv2DTranspose',
      'ReLU',
      'LeakyReLU',
      'ELU',
      'PReLU',
      'LSTM',
      'GRU',
      'SimpleRNN',
      'BatchNormalization',
      'AlphaDropout',
      'MaxPooling2D',
    ].map(factoryOfClass),
    [
      'dense',
      'conv2d',
      'conv2dTranspose',
      'reLU',
      'leakyReLU',
      'elu',
      'prelu',
      'lstm',
      'gru',
      'simpleRNN',
      'batchNormalization',
      'alphaDropout',
      'maxPooling2d',
    ],
  );
});

test("a deep sigmoid loop net with AdaGrad: saturating on each hidden layer's line (one finding per line), depth and optimizer at compile", () => {
  const layers = [
    dense('d1', 3, 'sigmoid'),
    ...[2, 3, 4, 5, 6, 7, 8].map(i => dense(`d${i}`, 5, 'sigmoid')),
    dense('out', 7, 'softmax', 'glorotUniform', 10),
  ];
  const f = checkFitModel(fit(layers, 'Adagrad'));
  assert.deepEqual(codes(f), [
    'adagrad-deep@30',
    'deep-without-batchnorm@30',
    'saturating-hidden-activation@3',
    'saturating-hidden-activation@5',
  ]);
  for (const x of f) {
    assert.equal(x.source, 'static');
    assert.equal(x.file, FILE);
    assert.ok(findingSchema.safeParse(x).success, JSON.stringify(x));
  }
  const loop = f.find(x => x.code === 'saturating-hidden-activation' && x.range!.start.line === 5)!;
  assert.equal(loop.evidence.copies, 7, "the loop's 7 layers are one finding");
  assert.match(f.find(x => x.code === 'adagrad-deep')!.message, /This model has 8 hidden layers/);
  assert.deepEqual(
    checkFitModel(
      fit(
        layers.map(l => ({
          ...l,
          activation: l.name === 'out' ? 'softmax' : 'relu',
          initializer: l.name === 'out' ? 'glorotUniform' : 'heNormal',
        })),
        'Momentum',
      ),
    ).map(x => x.code),
    ['deep-without-batchnorm'],
    'a ReLU/He net is only told about batch norm',
  );
});

test('the same words as the lint rule: one judgement, fed by the source or by the real model', () => {
  const text = `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: 'glorotUniform', inputShape: [4] }));
model.add(tf.layers.dense({ units: 16, activation: 'selu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dropout({ rate: 0.2 }));
model.add(tf.layers.dense({ units: 3, activation: 'relu', kernelInitializer: 'zeros' }));
model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });`;
  const lint = analyzeText(text, FILE).findings;
  const real = checkFitModel(
    fit([
      dense('dense_Dense1', 3, 'relu'),
      dense('dense_Dense2', 4, 'selu', 'heNormal'),
      { name: 'dropout_Dropout1', className: 'Dropout', params: 0, location: at(5) },
      dense('dense_Dense3', 6, 'relu', 'Zeros', 3),
    ]),
  );
  // (the real model cannot tell a written glorotUniform from tfjs's default: the source above writes it)
  const key = (f: Finding) => `${f.code}@${f.range!.start.line}: ${f.message}`;
  assert.deepEqual(real.map(key).sort(), lint.map(key).sort());
  assert.ok(real.length >= 4, codes(real).join(' '));
});

test('initializers as the runner names them, activation layers after a linear layer, graphs, and layers without a call site', () => {
  const vs = checkFitModel(
    fit([
      dense('a', 3, 'relu', 'varianceScaling(scale=1, mode=fanAvg, distribution=uniform)'),
      dense('b', 4, 'softmax'),
    ]),
  );
  assert.deepEqual(codes(vs), ['init-activation-mismatch@3']);
  const viaLayer = checkFitModel(
    fit([
      dense('a', 3, 'linear', 'heNormal'),
      { name: 'act', className: 'Activation', activation: 'relu', params: 0, location: at(4) },
      dense('b', 5, 'softmax'),
    ]),
  );
  assert.deepEqual(codes(viaLayer), [], 'dense -> activation(relu) with He is fine');
  const graph = checkFitModel(
    fit([
      dense('a', 3, 'selu', 'leCunNormal'),
      dense('b', 4, 'selu', 'leCunNormal'),
      { name: 'cat', className: 'Concatenate', params: 0, location: at(5) },
      dense('out', 6, 'softmax'),
    ]),
  );
  assert.deepEqual(codes(graph), ['selu-setup@3'], 'SELU outside a plain dense stack');
  const noSite = checkFitModel(
    fit([dense('a', undefined, 'relu'), dense('out', undefined, 'relu', 'glorotUniform', 3)]),
  );
  assert.deepEqual(
    codes(noSite),
    ['init-activation-mismatch@30', 'output-activation-loss@30'],
    'no call site: on compile',
  );
  assert.deepEqual(
    checkFitModel({ ...fit([dense('a', undefined, 'relu')]), compileLocation: undefined, location: undefined }),
    [],
    'nowhere to point: nothing',
  );
  assert.deepEqual(
    checkFitModel(
      fit(
        [dense('a', 3, 'relu', 'heNormal'), dense('out', 4, 'linear')],
        'Adam',
        'categoricalCrossentropy, meanSquaredError',
      ),
    ).map(x => x.code),
    [],
    'several losses: the output rule stays silent',
  );
});

test('any layer summary the protocol allows: the check never throws, and every finding says where', () => {
  const name = fc.constantFrom(
    '',
    'constructor',
    'Dense',
    'Conv2D',
    'LSTM',
    'Activation',
    'ReLU',
    'BatchNormalization',
    'Dropout',
    'Concatenate',
    'Custom',
  );
  const word = fc.constantFrom(
    undefined,
    '',
    'relu',
    'selu',
    'sigmoid',
    'tanh',
    'softmax',
    'linear',
    'Zeros',
    'heNormal',
    'glorotUniform',
    'varianceScaling(scale=2, mode=fanOut, distribution=normal)',
    'toString',
  );
  const layer = fc.record({
    name: fc.string(),
    className: name,
    activation: word,
    initializer: word,
    units: fc.option(fc.integer({ min: -1, max: 64 }), { nil: undefined }),
    params: fc.nat(),
    location: fc.option(fc.record({ file: fc.constant(FILE), line: fc.integer({ min: 1, max: 99 }) }), {
      nil: undefined,
    }),
  });
  fc.assert(
    fc.property(
      fc.array(layer, { maxLength: 14 }),
      fc.constantFrom('Adagrad', 'SGD', 'Adam', ''),
      fc.constantFrom(null, 'categoricalCrossentropy', 'binaryCrossentropy', 'softmaxCrossEntropy', 'custom', 'a, b'),
      fc.boolean(),
      (layers, optimizer, loss, compiled) => {
        const e = { layers: layers as LayerSummary[], optimizer, loss, compileLocation: compiled ? at(30) : undefined };
        for (const f of checkFitModel(e)) {
          assert.ok(findingSchema.safeParse(f).success, JSON.stringify(f));
          assert.ok(f.file, `${f.code} has a file`);
          assert.ok(f.range?.start.line, `${f.code} has a line`);
        }
      },
    ),
    { numRuns: 300, seed: 12 },
  );
});

test('the engine raises them at fit start with source static (replays see them too), once per run', () => {
  const engine = new DiagnosisEngine();
  const event = {
    kind: 'fit-start',
    runId: 'r',
    seq: 0,
    t: 0,
    fitIndex: 0,
    method: 'fit',
    epochs: 1,
    stepsPerEpoch: 1,
    batchSize: 8,
    totalParams: 10,
    ...fit([dense('a', 3, 'relu', 'zeros'), dense('out', 4, 'softmax')]),
  } as RunEvent;
  const raised = engine.observe(event);
  assert.deepEqual(
    raised.map(f => `${f.source} ${f.code}@${f.range?.start.line}`),
    ['static constant-init@3'],
  );
  assert.deepEqual(
    engine.observe({ ...event, seq: 1, fitIndex: 1 } as RunEvent),
    [],
    'a second fit of the same model adds nothing',
  );
});

test("in the editor, a run's static finding lint already shows (same code and line; model-level: same code in the file) is listed once", () => {
  const f = (
    code: string,
    line: number,
    layer?: string,
    source: 'static' | 'runtime' = 'static',
    file = FILE,
  ): Finding => ({
    code,
    severity: 'warning',
    source,
    message: code,
    layer,
    file,
    range: { start: { file, line } },
    evidence: {},
    rule: 'r',
  });
  const lint = [
    f('saturating-hidden-activation', 5, 'dense (layer 2 in this file)'),
    f('deep-without-batchnorm', 2),
    f('adagrad-deep', 8),
  ];
  const run = [
    f('saturating-hidden-activation', 5, 'dense_Dense2'), // shown by lint: dropped
    f('saturating-hidden-activation', 3, 'dense_Dense1'), // lint does not show this line: kept
    f('deep-without-batchnorm', 8), // model-level: lint shows it on the model's line
    f('adagrad-deep', 8),
    f('dead-relu', 5, 'dense_Dense2', 'runtime'), // runtime findings always stay
    f('saturating-hidden-activation', 5, 'x', 'static', '/jobs/other.ts'), // another file
  ];
  const marks = new Map([[FILE, lintMarks(lint)]]);
  const kept = withoutLintDuplicates(run, file => marks.get(file));
  assert.deepEqual(
    kept.map(x => `${x.code}@${x.file}:${x.range!.start.line}`),
    [
      'saturating-hidden-activation@/jobs/model.ts:3',
      'dead-relu@/jobs/model.ts:5',
      'saturating-hidden-activation@/jobs/other.ts:5',
    ],
  );
  assert.deepEqual(
    withoutLintDuplicates(run, () => undefined),
    run,
    'a file lint shows nothing for: all stay',
  );
});

// ---- through the real runner and the CLI ----

const BIN = path.join(ROOT, 'bin', 'training-lens.js');
const JOBS = path.join(ROOT, 'test', 'fixtures', 'modelcheck');

before(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js')) || !fs.existsSync(path.join(ROOT, 'dist', 'runner.js'))) {
    execFileSync(process.execPath, ['esbuild.config.mjs'], { cwd: ROOT, stdio: 'inherit' });
  }
});

function train(job: string): Finding[] {
  const report = path.join(tempDir(), 'report');
  const r = spawnSync(process.execPath, [BIN, 'train', path.join(JOBS, job), '--backend', 'cpu', '--report', report], {
    cwd: tempDir(),
    encoding: 'utf8',
    timeout: 180_000,
  });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  return JSON.parse(fs.readFileSync(path.join(report, 'findings.json'), 'utf8')) as Finding[];
}

const staticAt = (fs: Finding[]) =>
  fs
    .filter(f => f.source === 'static')
    .map(f => {
      // findings.json's flat `line` is the range's line (scripts read it without knowing the range shape)
      assert.equal((f as Finding & { line?: number }).line, f.range!.start.line, `${f.code}: line`);
      return `${f.code}@${path.basename(f.file!)}:${f.range!.start.line}`;
    })
    .sort();

test('a model from JSON (tf.models.modelFromJSON): no layer call sites, the findings go on compile', () => {
  const file = path.join(JOBS, 'from-json.train.ts');
  const lint = analyzeText(fs.readFileSync(file, 'utf8'), file).findings.map(f => f.code);
  assert.ok(
    !lint.includes('adagrad-deep') && !lint.includes('saturating-hidden-activation'),
    `the parser cannot see the layers: ${lint}`,
  );
  const findings = train('from-json.train.ts');
  assert.deepEqual(staticAt(findings), [
    'adagrad-deep@from-json.train.ts:10',
    'deep-without-batchnorm@from-json.train.ts:10',
    'saturating-hidden-activation@from-json.train.ts:10',
  ]);
  assert.equal(
    findings.find(f => f.code === 'saturating-hidden-activation')!.evidence.layers,
    'h1, h2, h3, h4, h5, h6, h7',
  );
  for (const f of findings) assert.ok(findingSchema.safeParse(f).success, JSON.stringify(f));
});

test("a loop whose bound is computed at run time: the loop body's line", () => {
  const file = path.join(JOBS, 'computed-depth.train.ts');
  const lint = analyzeText(fs.readFileSync(file, 'utf8'), file).findings.map(f => f.code);
  assert.ok(!lint.includes('adagrad-deep'), `lint counts the loop once (a lower bound): ${lint}`);
  assert.deepEqual(staticAt(train('computed-depth.train.ts')), [
    'adagrad-deep@computed-depth.train.ts:11',
    'deep-without-batchnorm@computed-depth.train.ts:11',
    'saturating-hidden-activation@computed-depth.train.ts:6',
    'saturating-hidden-activation@computed-depth.train.ts:8',
  ]);
});
