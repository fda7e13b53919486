/**
 * One parse per job version: a run's many findings about one job share one parse of it, and an edit (saved or
 * not) is parsed again, so the fixes are written against the text as it is now, never a stale copy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './helpers';
import { withRuntimeFixes } from '../../src/detectors/fixes';
import { jobSketches, SketchCache } from '../../src/analysis/sketchCache';
import type { Finding } from '../../src/protocol';

const JOB = path.join(ROOT, 'bench', 'diagnosis', 'jobs', 'dead-relu.train.ts');

const finding = (code: string, line: number, layer?: string): Finding => ({
  code,
  severity: 'warning',
  source: 'runtime',
  message: code,
  layer,
  file: JOB,
  range: { start: { file: JOB, line } },
  evidence: {},
  rule: 'test',
});

test("a run's findings about one job parse it once; an edited text is parsed again and its fixes follow the edit", () => {
  const original = fs.readFileSync(JOB, 'utf8');
  const findings = [
    finding('dead-relu', 11, 'relu1'),
    finding('dead-relu', 12, 'relu2'),
    finding('exploding-gradient', 14),
    finding('oscillating-loss', 14),
    // placed on fit( only: located by its layer name from the same parse
    { ...finding('dead-relu', 15, 'relu2'), evidence: { placedAt: 'fit' } },
  ];
  jobSketches.clear();
  const before = jobSketches.parses;
  const fixed = withRuntimeFixes(findings, () => original, JOB);
  assert.equal(jobSketches.parses - before, 1, 'five findings about one unchanged job: one parse');
  assert.ok(
    fixed.every(f => f.fixes?.length),
    `every finding got a fix: ${fixed.map(f => `${f.code}:${f.fixes?.length ?? 0}`).join(' ')}`,
  );
  assert.equal(fixed[4].range?.start.line, 12, 'the finding placed on fit( is moved to relu2 (line 12)');

  withRuntimeFixes(findings, () => original, JOB);
  assert.equal(jobSketches.parses - before, 1, 'the same findings again, same text: no new parse');

  // an unsaved edit above the model: one new parse, and the fix edits land on the shifted lines
  const edited = `// a new first line\n${original}`;
  const lrFix = (text: string) =>
    withRuntimeFixes([finding('exploding-gradient', 14)], () => text, JOB)[0].fixes?.[0]?.edits[0];
  const [was, now] = [lrFix(original), lrFix(edited)];
  assert.equal(jobSketches.parses - before, 2, 'the edited text was parsed once more');
  assert.ok(was, 'the learning-rate fix exists before the edit');
  assert.ok(now, 'the learning-rate fix exists after the edit');
  assert.equal(now.start.line, was.start.line + 1, 'the fix edits the line where the compile call is now');
});

test('the cache keeps a bounded number of files, the least recently used going first', () => {
  const cache = new SketchCache(2);
  const text = (n: number) =>
    `import * as tf from '@tensorflow/tfjs';\nconst d${n} = tf.layers.dense({ units: ${n} });\n`;
  const a = cache.get('/a.ts', text(1));
  cache.get('/b.ts', text(2));
  assert.equal(cache.get('/a.ts', text(1)), a, 'a hit returns the same sketch');
  cache.get('/c.ts', text(3)); // evicts /b.ts, the least recently used
  const parsed = cache.parses;
  cache.get('/a.ts', text(1));
  assert.equal(cache.parses, parsed, '/a.ts was kept');
  cache.get('/b.ts', text(2));
  assert.equal(cache.parses, parsed + 1, '/b.ts was evicted and is parsed again');
});
