/**
 * The analyzer runs on every keystroke, so half-typed code is its normal input: it must never throw. 1,000 seeded
 * mutations (truncations, deletions, insertions of code fragments, duplications) of the lint fixtures and examples
 * go through parse -> sketch -> rules -> lenses -> hovers -> fix edits; the incremental reparse must agree with a
 * fresh parse on every one of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeSourceFile, DocumentAnalyses } from '../../src/guidelines/lint';
import { parseSource } from '../../src/analysis/parse';
import { lensesFor } from '../../src/guidelines/lenses';
import { hoverAt } from '../../src/guidelines/hovers';
import { applyEdits } from '../../src/guidelines/edits';
import { DEFAULT_LINT_SETTINGS } from '../../src/guidelines/settings';
import { findingSchema } from '../../src/protocol/events';

const ROOT = path.join(__dirname, '..', '..');
function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap(d =>
      d.isDirectory() ? sources(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : [],
    );
}
const FILES = [
  ...sources(path.join(ROOT, 'test', 'fixtures', 'lint')),
  ...sources(path.join(ROOT, 'examples')).filter(f => !f.includes(`${path.sep}data${path.sep}`)),
].sort();
const TEXTS = FILES.map(f => fs.readFileSync(f, 'utf8'));

/** mulberry32: small, seeded, reproducible */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = [
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  ',',
  "'",
  '"',
  '`',
  '...',
  '.apply(',
  'tf.layers.dense({',
  'activation:',
  "'relu'",
  'kernelInitializer:',
  'model.add(',
  '.compile({ optimizer: ',
  'tf.train.adagrad(',
  'const ',
  'let x = ',
  'x = ',
  '=>',
  '?',
  ':',
  ';',
  '\n',
  '/*',
  '*/',
  '//',
  '<',
  '>',
  'as ',
  '!',
  '0.',
  '-',
  '1e',
  'units: ',
  'rate: ',
  'tf.sequential({ layers: [',
  'tf.model({ inputs: x, outputs: ',
  'for (;;) ',
  'if (a) ',
  '${',
  'await ',
  'new ',
];

function mutate(text: string, r: () => number): string {
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * (text.length + 1));
    switch (Math.floor(r() * 6)) {
      case 0:
        text = text.slice(0, at);
        break; // truncation (typing at the end of a file)
      case 1:
        text = text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 40));
        break;
      case 2:
        text = text.slice(0, at) + FRAGMENTS[Math.floor(r() * FRAGMENTS.length)] + text.slice(at);
        break;
      case 3: {
        const len = Math.floor(r() * 80);
        text = text.slice(0, at) + text.slice(at, at + len) + text.slice(at);
        break;
      }
      case 4: {
        const b = Math.floor(r() * text.length);
        text = text.slice(0, at) + text.slice(b, b + 1) + text.slice(at + 1);
        break;
      }
      case 5:
        text = text.slice(0, at) + String.fromCharCode(32 + Math.floor(r() * 95)) + text.slice(at);
        break;
    }
  }
  return text;
}

test('the fixtures used as seeds are there', () => {
  assert.ok(FILES.length >= 30, `${FILES.length} seed files`);
});

test('1,000 mutated or truncated variants never throw, and findings stay valid', () => {
  const r = rng(20261123);
  const incremental = new DocumentAnalyses();
  let findings = 0,
    fixesApplied = 0;
  for (let i = 0; i < 1000; i++) {
    const k = i % TEXTS.length;
    const text = mutate(TEXTS[k], r);
    const name = `variant-${i}.ts`;
    let step = 'parse';
    try {
      const sf = parseSource(text, name);
      step = 'analyze';
      const { sketch, findings: fs1 } = analyzeSourceFile(sf);
      step = 'lenses';
      lensesFor(sketch!);
      step = 'hovers';
      for (let h = 0; h < 5; h++) hoverAt(sketch!, Math.floor(r() * (text.length + 1)));
      step = 'findings';
      for (const f of fs1) {
        assert.ok(findingSchema.safeParse(f).success, JSON.stringify(f));
        for (const fix of f.fixes ?? []) {
          applyEdits(text, fix.edits);
          fixesApplied++;
        }
      }
      findings += fs1.length;
      step = 'incremental';
      // one document per seed file, edited variant after variant: the incremental reparse must match a fresh parse
      const inc = incremental.get(`doc-${k}`, i, () => text, `doc-${k}.ts`, DEFAULT_LINT_SETTINGS);
      const fresh = analyzeSourceFile(parseSource(text, `doc-${k}.ts`));
      assert.deepEqual(inc.findings, fresh.findings, `incremental reparse differs on variant ${i}`);
    } catch (e) {
      assert.fail(
        `variant ${i} (of ${path.basename(FILES[k])}) threw in ${step}: ${(e as Error).stack}\n--- text ---\n${text}`,
      );
    }
  }
  assert.ok(findings > 500, `the variants still produce findings (${findings})`);
  assert.ok(fixesApplied > 100, `fix edits exercised (${fixesApplied})`);
});
