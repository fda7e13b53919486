/**
 * Editor types of 'training-lens': the package generated from the toolkit's source (scripts/toolkit-types.mjs),
 * installed the way "Add Toolkit Types" installs it, makes a job file that imports the toolkit typecheck with the
 * TypeScript compiler API — with no tsconfig (VS Code's inferred project: node10 or bundler resolution) and with a
 * NodeNext tsconfig that includes only src/ — and the types are real: misuse is an error.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { ROOT, tempDir } from './helpers';
import { installToolkitTypes, TYPES_PACKAGE_DIR } from '../../src/toolkit/typesPackage';

const GOOD = `import * as tf from '@tensorflow/tfjs';
import { nadam, clip, hparams, schedules, earlyStopping, mcPredict, l2, maxNorm, log, logHistogram } from 'training-lens';
import toolkit from 'training-lens';

const hp = hparams({ lr: 1e-3, weightDecay: 1e-6, units: 64 }, { lr: [1e-6, 1e-2], weightDecay: [1e-8, 1e-4] });
const units: number = hp.units;
const model = tf.sequential({ layers: [
  tf.layers.dense({ inputShape: [4], units, activation: 'relu', kernelRegularizer: l2({ l2: hp.weightDecay }), kernelConstraint: maxNorm({ maxValue: 2 }) }),
  tf.layers.dropout({ rate: 0.2 }),
  tf.layers.dense({ units: 3, activation: 'softmax' }),
] });
model.compile({ optimizer: nadam(hp.lr, { clipNorm: 1 }), loss: 'categoricalCrossentropy' });
const other: tf.Optimizer = clip(tf.train.adam(0.01), { clipValue: 0.5 });
const lr: number = toolkit.adam({ learningRate: 0.01 }).getConfig().learningRate as number;
export async function train(xs: tf.Tensor, ys: tf.Tensor) {
  await model.fit(xs, ys, { epochs: 10, callbacks: [schedules.oneCycle({ maxLr: 0.01, steps: 100 }), earlyStopping({ patience: 3 })] });
  const { mean, std } = mcPredict(model, xs, { samples: 20 });
  log('mean prediction', mean.mean(), 3);
  logHistogram('std', std);
  return [mean, std, other, lr];
}
`;

// each line must be an error, each for its own reason
const BAD = `import { nadam, hparams, mcPredict, schedules, log } from 'training-lens';
nadam('fast');
hparams({ lr: 1e-3 }).lr.toUpperCase();
mcPredict();
schedules.oneCycle({ steps: 100 });
nadam({ clipNorm: '1' });
log('acc', 'high');
`;
const BAD_LINES = [2, 3, 4, 5, 6, 7];

let typesDir = '';
before(async () => {
  typesDir = path.join(tempDir('tl-types-'), 'toolkit-types');
  const { writeToolkitTypes } = (await import(path.join(ROOT, 'scripts', 'toolkit-types.mjs') as string)) as {
    writeToolkitTypes(out: string): string[];
  };
  writeToolkitTypes(typesDir);
});

/** A workspace with @tensorflow/tfjs installed (linked) and the toolkit types added as the command adds them. */
function workspace(): string {
  const dir = tempDir('tl-ws-');
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(path.join(ROOT, 'node_modules', '@tensorflow'), path.join(dir, 'node_modules', '@tensorflow'), 'dir');
  const installed = installToolkitTypes(typesDir, dir);
  assert.equal(installed.dir, path.join(dir, TYPES_PACKAGE_DIR));
  return dir;
}

function errorsByFile(program: ts.Program): Map<string, ts.Diagnostic[]> {
  const out = new Map<string, ts.Diagnostic[]>();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const key = d.file ? path.basename(d.file.fileName) : '(global)';
    out.set(key, [...(out.get(key) ?? []), d]);
  }
  return out;
}

const show = (ds: ts.Diagnostic[] = []) =>
  ds
    .map(
      d =>
        `${d.file ? path.basename(d.file.fileName) + ':' + (d.file.getLineAndCharacterOfPosition(d.start!).line + 1) : ''} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    )
    .join('\n');

function assertTypes(program: ts.Program, good: string, bad: string): void {
  const errors = errorsByFile(program);
  assert.equal(show(errors.get(good)), '', 'the job that uses the toolkit typechecks');
  assert.equal(show(errors.get('(global)')), '');
  const badLines = (errors.get(bad) ?? []).map(d => d.file!.getLineAndCharacterOfPosition(d.start!).line + 1);
  assert.deepEqual(
    [...new Set(badLines)].sort((a, b) => a - b),
    BAD_LINES,
    `every misuse is an error:\n${show(errors.get(bad))}`,
  );
  const unresolved = [...errors.values()].flat().filter(d => d.code === 2307);
  assert.deepEqual(unresolved, [], 'training-lens resolves');
}

for (const resolution of ['Node10', 'Bundler'] as const) {
  test(`no tsconfig (inferred project, ${resolution} resolution): a job importing training-lens typechecks`, () => {
    const dir = workspace();
    fs.writeFileSync(path.join(dir, 'job.train.ts'), GOOD);
    fs.writeFileSync(path.join(dir, 'bad.train.ts'), BAD);
    // VS Code's defaults for files outside any tsconfig (js/ts.implicitProjectConfig): ESNext, ES2020, strict
    const program = ts.createProgram([path.join(dir, 'job.train.ts'), path.join(dir, 'bad.train.ts')], {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2020,
      strict: true,
      noEmit: true,
      allowSyntheticDefaultImports: true,
      moduleResolution: ts.ModuleResolutionKind[resolution],
      types: [],
    });
    assertTypes(program, 'job.train.ts', 'bad.train.ts');
  });
}

test('a NodeNext tsconfig that includes only src/: a job importing training-lens typechecks', () => {
  const dir = workspace();
  fs.mkdirSync(path.join(dir, 'src'));
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'my-models', type: 'module', private: true }),
  );
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        types: [],
      },
      include: ['src'],
    }),
  );
  fs.writeFileSync(path.join(dir, 'src', 'job.train.ts'), GOOD);
  fs.writeFileSync(path.join(dir, 'src', 'bad.train.ts'), BAD);
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path.join(dir, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: d => assert.fail(show([d])) },
  );
  assert.ok(parsed);
  assert.deepEqual(parsed.fileNames.map(f => path.basename(f)).sort(), ['bad.train.ts', 'job.train.ts']);
  assertTypes(ts.createProgram(parsed.fileNames, parsed.options), 'job.train.ts', 'bad.train.ts');
});

test('the command replaces its own older copy but never a real package named training-lens', () => {
  const dir = workspace();
  const again = installToolkitTypes(typesDir, dir);
  assert.equal(again.replaced, true);
  assert.ok(again.files.includes('index.d.ts'), `index.d.ts written again: ${again.files}`);
  assert.ok(again.files.includes('package.json'), `package.json written again: ${again.files}`);
  const other = tempDir('tl-ws-');
  fs.mkdirSync(path.join(other, TYPES_PACKAGE_DIR), { recursive: true });
  fs.writeFileSync(
    path.join(other, TYPES_PACKAGE_DIR, 'package.json'),
    JSON.stringify({ name: 'training-lens', version: '9.9.9' }),
  );
  assert.throws(() => installToolkitTypes(typesDir, other), /already holds a package that Training Lens did not write/);
  assert.throws(() => installToolkitTypes(path.join(other, 'nowhere'), other), /toolkit types were not built/);
});
