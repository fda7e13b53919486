/**
 * Every static rule against its fixtures: `<code>.bad*.ts` marks each line where a finding must start with
 * `// expect: <code>`; `<code>.good*.ts` must not produce that code at all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeText } from '../../src/guidelines/lint';
import { STATIC_CODES } from '../../src/guidelines/settings';
import { findingSchema } from '../../src/protocol/events';

const DIR = path.join(__dirname, '..', 'fixtures', 'lint');
const fixtures = fs
  .readdirSync(DIR)
  .filter(f => /\.(bad|good)(\.[\w-]+)?\.ts$/.test(f))
  .sort();

function expectedLines(text: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  text.split('\n').forEach((line, i) => {
    const m = /\/\/ expect: ([\w\s,-]+)$/.exec(line);
    if (!m) return;
    for (const code of m[1]
      .split(',')
      .map(s => s.trim())
      .filter(Boolean)) {
      out.set(code, [...(out.get(code) ?? []), i + 1]);
    }
  });
  return out;
}

test('every static code has a positive and a negative fixture', () => {
  for (const code of STATIC_CODES) {
    assert.ok(
      fixtures.some(f => f.startsWith(code + '.bad')),
      `missing ${code}.bad.ts`,
    );
    assert.ok(
      fixtures.some(f => f.startsWith(code + '.good')),
      `missing ${code}.good.ts`,
    );
  }
});

for (const file of fixtures) {
  const code = file.split('.')[0];
  const text = fs.readFileSync(path.join(DIR, file), 'utf8');
  const { findings } = analyzeText(text, path.join(DIR, file));
  if (file.includes('.bad')) {
    test(`${file}: ${code} exactly on the marked lines`, () => {
      const expected = expectedLines(text);
      assert.ok(expected.get(code)?.length, 'a positive fixture marks at least one line');
      for (const [c, lines] of expected) {
        const actual = findings
          .filter(f => f.code === c)
          .map(f => f.range!.start.line)
          .sort((a, b) => a - b);
        assert.deepEqual(
          actual,
          lines,
          `${c}: ${JSON.stringify(findings.filter(f => f.code === c).map(f => [f.range!.start.line, f.message]))}`,
        );
      }
    });
  } else {
    test(`${file}: no ${code}`, () => {
      const hits = findings.filter(f => f.code === code);
      assert.deepEqual(
        hits.map(f => `${f.range!.start.line}: ${f.message}`),
        [],
      );
    });
  }
  test(`${file}: findings follow the schema, say why and name their source`, () => {
    for (const f of findings) {
      assert.equal(findingSchema.safeParse(f).success, true, JSON.stringify(f));
      assert.equal(f.source, 'static');
      assert.ok((STATIC_CODES as readonly string[]).includes(f.code), f.code);
      assert.ok(f.rule.length > 10, 'rule names a source');
      const cited = /\[([^\]]+)\]$/.exec(f.message);
      assert.ok(cited, `${f.code}: the message ends with its source in brackets: ${f.message}`);
      for (const source of cited[1].split('; '))
        assert.ok(f.rule.includes(source), `${f.code}: the message cites "${source}", which its rule does not list`);
      const why = f.message.slice(0, cited.index).trim();
      assert.ok(why.length > 80, `${f.code}: the message explains why before citing: ${why}`);
    }
  });
}
