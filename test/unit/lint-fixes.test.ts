/**
 * Every quick fix against before/after fixtures (test/fixtures/lint/fixes/<code>.before.ts / .after.ts): applying
 * the fixes gives the after text, re-linting finds none of that code left, and the result still parses and
 * type-checks against the real tfjs typings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { analyzeText } from '../../src/guidelines/lint';
import { applyEdits } from '../../src/guidelines/edits';
import { isPreferredFix } from '../../src/guidelines/rules';

const ROOT = path.join(__dirname, '..', '..');
const DIR = path.join(ROOT, 'test', 'fixtures', 'lint', 'fixes');
const befores = fs
  .readdirSync(DIR)
  .filter(f => f.endsWith('.before.ts'))
  .sort();

const REQUIRED_FIXES = [
  'init-activation-mismatch',
  'alpha-dropout-with-selu',
  'adagrad-deep',
  'output-activation-loss',
  'deep-without-batchnorm',
];

function syntaxErrors(text: string, fileName: string): string[] {
  const out = ts.transpileModule(text, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  return (out.diagnostics ?? []).map(d => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

test('the fixes the issue asks for all have before/after fixtures', () => {
  for (const code of REQUIRED_FIXES) assert.ok(befores.includes(`${code}.before.ts`), code);
});

for (const file of befores) {
  const code = file.split('.')[0];
  const beforePath = path.join(DIR, file);
  const afterPath = beforePath.replace('.before.ts', '.after.ts');
  const before = fs.readFileSync(beforePath, 'utf8');

  test(`${code}: fixes turn the before fixture into the after fixture`, () => {
    const findings = analyzeText(before, beforePath).findings.filter(f => f.code === code);
    assert.ok(findings.length > 0, 'the before fixture has findings');
    for (const f of findings) assert.ok(f.fixes?.length, `finding on line ${f.range!.start.line} has a fix`);
    const fixed = applyEdits(
      before,
      findings.flatMap(f => f.fixes![0].edits),
    );
    assert.equal(fixed, fs.readFileSync(afterPath, 'utf8'));
    assert.deepEqual(
      analyzeText(fixed, afterPath)
        .findings.filter(f => f.code === code)
        .map(f => f.message),
      [],
    );
    assert.deepEqual(syntaxErrors(fixed, afterPath), []);
  });

  test(`${code}: each fix alone removes exactly its finding`, () => {
    const findings = analyzeText(before, beforePath).findings.filter(f => f.code === code);
    for (const f of findings) {
      for (const fix of f.fixes!) {
        const fixed = applyEdits(before, fix.edits);
        const left = analyzeText(fixed, beforePath).findings.filter(g => g.code === code);
        assert.equal(left.length, findings.length - 1, `"${fix.title}" on line ${f.range!.start.line}`);
        assert.deepEqual(syntaxErrors(fixed, beforePath), [], fix.title);
        for (const e of fix.edits) assert.equal(e.file, beforePath);
      }
    }
  });
}

test('preferred fixes: the single obvious one; design choices are not preferred', () => {
  const text = fs.readFileSync(path.join(DIR, 'saturating-hidden-activation.before.ts'), 'utf8');
  const sat = analyzeText(text, 'x.ts').findings.find(f => f.code === 'saturating-hidden-activation')!;
  assert.equal(isPreferredFix(sat, 0), false, 'changing the activation is a design choice');
  const init = analyzeText(fs.readFileSync(path.join(DIR, 'init-activation-mismatch.before.ts'), 'utf8'), 'x.ts')
    .findings[0];
  assert.equal(isPreferredFix(init, 0), true);
  const ada = analyzeText(fs.readFileSync(path.join(DIR, 'adagrad-deep.before.ts'), 'utf8'), 'x.ts').findings.find(
    f => f.code === 'adagrad-deep',
  )!;
  assert.equal(ada.fixes!.length, 2, 'momentum (the default configuration) and RMSProp');
  assert.equal(isPreferredFix(ada, 0), true);
  assert.equal(isPreferredFix(ada, 1), false);
});

test('the after fixtures type-check against the tfjs typings (strict)', () => {
  const afters = fs
    .readdirSync(DIR)
    .filter(f => f.endsWith('.after.ts'))
    .map(f => path.join(DIR, f));
  const program = ts.createProgram(afters, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
    types: [],
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  });
  const diags = ts
    .getPreEmitDiagnostics(program)
    .map(d => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  assert.deepEqual(diags, []);
});

test('fix edits on demand: the editor lints without them and builds them for the current version when asked', async () => {
  const { DocumentAnalyses } = await import('../../src/guidelines/lint');
  const { DEFAULT_LINT_SETTINGS } = await import('../../src/guidelines/settings');
  for (const file of befores) {
    const text = fs.readFileSync(path.join(DIR, file), 'utf8');
    const full = analyzeText(text, file).findings;
    const lean = analyzeText(text, file, DEFAULT_LINT_SETTINGS, { fixes: false }).findings;
    assert.deepEqual(
      lean,
      full.map(f => ({ ...f, fixes: undefined })),
      file,
    );
    const cache = new DocumentAnalyses({ fixes: false });
    assert.deepEqual(cache.get('d', 1, () => text, file, DEFAULT_LINT_SETTINGS).findings, lean);
    assert.deepEqual(cache.withFixes('d'), full, file);
    assert.equal(cache.withFixes('d'), cache.withFixes('d'), 'built once per version');
  }
});
