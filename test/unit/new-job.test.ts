/**
 * `training-lens new` as a user types it in an empty folder: for every template, the job and its sample data are
 * written, the job trains with `training-lens train` (the real runner, cpu), it type-checks with the TypeScript
 * compiler against the types-only tfjs and toolkit that `new` put in node_modules (no npm install, no tsconfig:
 * VS Code's inferred project), and the guideline lint finds nothing to say about it. Also: the user's own CSV,
 * a real tfjs install left alone, and a copy from an older extension refreshed.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { ROOT, tempDir } from './helpers';
import { TEMPLATE_IDS } from '../../src/templates';
import { tfjsTypesState, installTfjsTypes, TFJS_TYPES_STAMP } from '../../src/toolkit/tfjsTypes';

const BIN = path.join(ROOT, 'bin', 'training-lens.js');
const VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;

before(() => {
  const built = ['cli.js', 'runner.js', 'tfjs-types', 'toolkit-types'].every(f =>
    fs.existsSync(path.join(ROOT, 'dist', f)),
  );
  if (!built) execFileSync(process.execPath, ['esbuild.config.mjs'], { cwd: ROOT, stdio: 'inherit' });
});

function cli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** TypeScript errors in the job file (and global ones), as VS Code's inferred project for a file without tsconfig. */
function typeErrors(file: string, resolution: 'Node10' | 'Bundler' = 'Bundler'): string[] {
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.ESNext,
    target: ts.ScriptTarget.ES2020,
    strict: true,
    noEmit: true,
    allowSyntheticDefaultImports: true,
    moduleResolution: ts.ModuleResolutionKind[resolution],
  });
  return ts
    .getPreEmitDiagnostics(program)
    .filter(d => !d.file || path.resolve(d.file.fileName) === path.resolve(file))
    .map(d => {
      const line = d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1 : 0;
      return `${path.basename(d.file?.fileName ?? '(global)')}:${line} TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
}

function summary(report: string): { status: string; epochs: number; findings: { code: string; severity: string }[] } {
  return JSON.parse(fs.readFileSync(path.join(report, 'summary.json'), 'utf8'));
}

for (const template of TEMPLATE_IDS) {
  test(`new --template ${template} in an empty folder: writes job + sample, trains, type-checks with no install`, () => {
    const dir = tempDir(`tl-new-${template}-`);
    const made = cli(['new', 'job.train.ts', '--template', template], dir);
    assert.equal(made.code, 0, `training-lens new failed:\n${made.out}`);
    const job = path.join(dir, 'job.train.ts');
    assert.ok(fs.existsSync(job), 'the job file is written');
    const data = fs.readdirSync(path.join(dir, 'data'));
    assert.ok(data.length > 0, `sample data next to the job: ${data.join(', ')}`);
    assert.match(fs.readFileSync(job, 'utf8'), /'data\/[a-z]+(\.csv)?'/, 'the job reads its data by a relative path');
    const tfjs = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules/@tensorflow/tfjs/package.json'), 'utf8'));
    assert.equal(tfjs.main, undefined, 'the tfjs copy is types only (no main)');
    assert.equal(tfjsTypesState(dir, VERSION), 'types-current', 'the stamp names this version');
    assert.ok(!fs.existsSync(path.join(dir, 'package.json')), 'no package.json is created');

    const report = path.join(dir, 'report');
    const trained = cli(['train', 'job.train.ts', '--backend', 'cpu', '--epochs', '2', '--report', report], dir);
    assert.equal(trained.code, 0, `training-lens train failed:\n${trained.out}`);
    const s = summary(report);
    assert.equal(s.status, 'ok', `the run ended ok:\n${trained.out}`);
    assert.ok(s.epochs >= 1, `it trained epochs: ${s.epochs}`);
    const errors = s.findings.filter(f => f.severity === 'error');
    assert.deepEqual(errors, [], 'no error findings on a template run');

    assert.deepEqual(typeErrors(job), [], 'the written job type-checks (Bundler resolution)');
    assert.deepEqual(typeErrors(job, 'Node10'), [], 'the written job type-checks (Node10 resolution)');
    // the types are real: a misuse is an error
    const bad = path.join(dir, 'bad.train.ts');
    fs.writeFileSync(bad, "import * as tf from '@tensorflow/tfjs';\nconst n: number = tf.zeros([1]);\nexport { n };\n");
    assert.match(typeErrors(bad).join('\n'), /bad\.train\.ts:2 TS2322/, 'a Tensor is not a number');

    const lint = cli(['lint', 'job.train.ts', '--format', 'json'], dir);
    const findings = JSON.parse(lint.out.slice(lint.out.indexOf('['), lint.out.lastIndexOf(']') + 1) || '[]');
    assert.deepEqual(findings, [], `the guideline lint has nothing to say:\n${lint.out}`);
  });
}

test('new --data <your CSV>: predicts its last column; the data path is relative; a real tfjs install is kept', () => {
  const dir = tempDir('tl-new-data-');
  fs.mkdirSync(path.join(dir, 'input'));
  const rows = ['x1;x2;x3;quality'];
  for (let i = 0; i < 90; i++) rows.push([i % 7, (i * 3) % 11, (i * 5) % 13, ['low', 'mid', 'high'][i % 3]].join(';'));
  fs.writeFileSync(path.join(dir, 'input', 'wine.csv'), rows.join('\n') + '\n');
  const real = path.join(dir, 'node_modules', '@tensorflow', 'tfjs');
  fs.mkdirSync(real, { recursive: true });
  const manifest = JSON.stringify({ name: '@tensorflow/tfjs', version: '4.0.0', main: 'dist/tf.node.js' });
  fs.writeFileSync(path.join(real, 'package.json'), manifest);

  const made = cli(['new', 'jobs/wine.train.ts', '--template', 'csv-classifier', '--data', 'input/wine.csv'], dir);
  assert.equal(made.code, 0, made.out);
  const source = fs.readFileSync(path.join(dir, 'jobs', 'wine.train.ts'), 'utf8');
  assert.match(
    source,
    /loadCsv\('\.\.\/input\/wine\.csv', \{ label: 'quality', delimiter: ';'/,
    'label = the last column',
  );
  assert.equal(fs.readFileSync(path.join(real, 'package.json'), 'utf8'), manifest, 'the installed tfjs untouched');
  assert.match(made.out, /using your installed @tensorflow\/tfjs/);
  assert.ok(!fs.existsSync(path.join(dir, 'data')), 'no sample generated when data is given');
  const trained = cli(['train', 'jobs/wine.train.ts', '--backend', 'cpu', '--epochs', '1'], dir);
  assert.equal(trained.code, 0, `the job trains on the user's semicolon-separated CSV:\n${trained.out}`);
  assert.match(trained.out, /loadCsv \.\.\/input\/wine\.csv: 90 rows, 3 features, 3 classes/);
});

test('new: an unknown template, a missing data file and an existing job are clear errors', () => {
  const dir = tempDir('tl-new-bad-');
  const unknown = cli(['new', 'a.train.ts', '--template', 'gan'], dir);
  assert.equal(unknown.code, 2);
  assert.match(unknown.out, /unknown template 'gan': use one of csv-classifier, image-folder/);
  const missing = cli(['new', 'a.train.ts', '--template', 'csv-regression', '--data', 'nope.csv'], dir);
  assert.equal(missing.code, 2);
  assert.match(missing.out, /no such CSV file: .*nope\.csv/);
  const folder = cli(['new', 'a.train.ts', '--template', 'image-folder', '--data', '.'], dir);
  assert.equal(folder.code, 0, `a folder is accepted for image-folder:\n${folder.out}`);
  const again = cli(['new', 'a.train.ts', '--template', 'image-folder', '--no-types'], dir);
  assert.equal(again.code, 2);
  assert.match(again.out, /a\.train\.ts already exists/);
});

test('a types copy from another extension version is stale and gets refreshed; a real package never replaced', () => {
  const dir = tempDir('tl-types-stale-');
  const typesDir = path.join(ROOT, 'dist', 'tfjs-types');
  installTfjsTypes(typesDir, dir, '0.0.1');
  assert.equal(tfjsTypesState(dir, VERSION), 'types-stale');
  const core = path.join(dir, 'node_modules/@tensorflow/tfjs-core/package.json');
  fs.writeFileSync(core, JSON.stringify({ name: '@tensorflow/tfjs-core', version: '4.1.0', main: 'index.js' }));
  const result = installTfjsTypes(typesDir, dir, VERSION);
  assert.equal(tfjsTypesState(dir, VERSION), 'types-current');
  assert.deepEqual(result.kept, ['@tensorflow/tfjs-core'], 'the real tfjs-core is kept');
  assert.equal(JSON.parse(fs.readFileSync(core, 'utf8')).main, 'index.js');
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, TFJS_TYPES_STAMP), 'utf8')).version, VERSION);
});
