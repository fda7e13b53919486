/**
 * The static analyzer on mutated job sources (the lint fixtures and examples, with truncations, deletions,
 * duplications and code fragments inserted where fast-check says): analyzeText runs on every keystroke and on files
 * of untrusted workspaces, so it must never throw, and its findings must stay valid.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { analyzeText } from '../../../src/guidelines/lint';
import { findingSchema } from '../../../src/protocol/events';
import type { FuzzTargetSpec } from './spec';

const ROOT = path.join(__dirname, '..', '..', '..');
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
  'tf.layers.dense({',
  'activation:',
  "'relu'",
  "'selu'",
  'kernelInitializer:',
  "'heNormal'",
  'model.add(',
  '.compile({ optimizer: ',
  'tf.train.adagrad(',
  'learningRate: ',
  'const ',
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
  '1e309',
  'NaN',
  'units: ',
  'rate: ',
  'tf.sequential({ layers: [',
  'for (;;) ',
  '${',
  'await ',
  'new ',
  '__proto__',
  'constructor',
  'toString',
  'hparams({ lr: 1e-3 }, { lr: [1e-6, 1e-2] })',
  '\u2028',
  '\uFEFF',
];

const op = fc.record({
  kind: fc.nat(5),
  at: fc.nat(),
  len: fc.nat(80),
  from: fc.nat(),
  fragment: fc.constantFrom(...FRAGMENTS),
  ch: fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }),
});

function apply(
  text: string,
  o: { kind: number; at: number; len: number; from: number; fragment: string; ch: string },
): string {
  const at = o.at % (text.length + 1);
  switch (o.kind) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + text.slice(at + 1 + o.len);
    case 2:
      return text.slice(0, at) + o.fragment + text.slice(at);
    case 3:
      return text.slice(0, at) + text.slice(at, at + o.len) + text.slice(at);
    case 4: {
      const b = o.from % (text.length + 1);
      return text.slice(0, at) + text.slice(b, b + 1) + text.slice(at + 1);
    }
    default:
      return text.slice(0, at) + o.ch + text.slice(at);
  }
}

const spec: FuzzTargetSpec<{
  file: number;
  ops: Array<{ kind: number; at: number; len: number; from: number; fragment: string; ch: string }>;
}> = {
  arbitrary: fc.record({ file: fc.nat(FILES.length - 1), ops: fc.array(op, { minLength: 1, maxLength: 3 }) }),
  check({ file, ops }) {
    const text = ops.reduce(apply, TEXTS[file]);
    const { findings } = analyzeText(text, FILES[file]);
    for (const f of findings) {
      const r = findingSchema.safeParse(f);
      if (!r.success) throw new Error(`invalid finding ${JSON.stringify(f)}: ${r.error.issues[0].message}`);
    }
  },
};
export default spec;
