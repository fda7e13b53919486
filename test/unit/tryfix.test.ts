/**
 * "Try the fix": a runtime finding gets a concrete edit of the job's source; training the patched copy (in memory,
 * the file untouched) shows whether it helped. Proven on real fixtures through the real runner.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runJob, ROOT } from './helpers';
import { runtimeFixes } from '../../src/detectors/fixes';
import { applyEdits } from '../../src/guidelines/edits';
import { parseSource } from '../../src/analysis/parse';
import type { Finding } from '../../src/protocol';

const DIAG = path.join(ROOT, 'bench', 'diagnosis', 'jobs');

function findingsOf(events: Awaited<ReturnType<typeof runJob>>['events']): Finding[] {
  return events.flatMap(e => (e.kind === 'finding' ? [e.finding] : []));
}

function parses(text: string, file: string): boolean {
  return (parseSource(text, file) as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length === 0;
}

test('dead ReLUs: the fix lowers the too-high learning rate; the patched run learns and no layer dies', async () => {
  const job = path.join(DIAG, 'dead-relu.train.ts');
  const original = fs.readFileSync(job, 'utf8');
  const first = await runJob(job, { backend: 'wasm' });
  const dead = findingsOf(first.events).find(f => f.code === 'dead-relu');
  assert.ok(dead, 'the fixture shows dead ReLUs');
  const fixes = runtimeFixes(dead, original, job);
  assert.ok(fixes.length >= 1);
  // lr 0.3 with momentum is above the usual range: lowering it comes first, the activation swap second
  assert.equal(fixes[0].title, 'Lower the learning rate 0.3 → 0.03');
  assert.equal(fixes[1]?.title, 'Use elu with heNormal in the 2 ReLU layers');
  const valAcc = (r: typeof first) => {
    const epochs = r.events.filter(e => e.kind === 'epoch');
    const last = epochs[epochs.length - 1];
    return last?.kind === 'epoch' ? (last.logs.val_acc ?? 0) : 0;
  };
  const patched = applyEdits(original, fixes[0].edits);
  assert.ok(parses(patched, job), 'the patched job still parses');
  assert.match(patched, /tf\.train\.momentum\(0\.03, 0\.9\)/);
  const lower = await runJob(job, {
    backend: 'wasm',
    variant: { files: { [job]: patched }, of: first.handle.runId, title: fixes[0].title },
  });
  assert.equal(lower.end.status, 'ok');
  assert.ok(
    lower.events.some(e => e.kind === 'dead-units'),
    'the dead-ReLU probe still watches the ReLUs',
  );
  assert.deepEqual(
    findingsOf(lower.events)
      .filter(f => f.code === 'dead-relu')
      .map(f => f.layer),
    [],
    'no dead layer at lr 0.03',
  );
  assert.ok(valAcc(lower) > valAcc(first) + 0.2, `val_acc ${valAcc(first).toFixed(3)} -> ${valAcc(lower).toFixed(3)}`);
  const elu = applyEdits(original, fixes[1].edits);
  assert.ok(parses(elu, job));
  assert.equal((elu.match(/activation: 'elu'/g) ?? []).length, 2, 'both ReLU layers switched');
  assert.equal((elu.match(/kernelInitializer: 'heNormal'/g) ?? []).length, 2);
  assert.equal(fs.readFileSync(job, 'utf8'), original, 'the job file is never modified');
});

test('a tiny learning rate: the fix raises the literal ×10', () => {
  const job = path.join(DIAG, 'tiny-lr.train.ts');
  const text = fs.readFileSync(job, 'utf8');
  const compileLine = text.split('\n').findIndex(l => l.includes('.compile(')) + 1;
  const finding: Finding = {
    code: 'loss-not-decreasing',
    severity: 'warning',
    source: 'runtime',
    message: 'flat',
    file: job,
    range: { start: { file: job, line: compileLine } },
    evidence: {},
    rule: 'test',
  };
  const [fix] = runtimeFixes(finding, text, job);
  assert.ok(fix, 'a learning-rate fix');
  assert.match(fix.title, /Raise the learning rate 1e-06 → 1e-05|Raise the learning rate 0\.000001 → 0\.00001/);
  const patched = applyEdits(text, fix.edits);
  assert.ok(parses(patched, job));
  assert.notEqual(patched, text);
});

test('no fix is invented when the code does not state the value in place', () => {
  const text =
    "import * as tf from '@tensorflow/tfjs';\nconst lr = Number(process.env.LR);\nconst m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });\nm.compile({ optimizer: tf.train.sgd(lr), loss: 'meanSquaredError' });\n";
  const finding: Finding = {
    code: 'loss-not-decreasing',
    severity: 'warning',
    source: 'runtime',
    message: 'flat',
    file: '/x.ts',
    range: { start: { file: '/x.ts', line: 4 } },
    evidence: {},
    rule: 'test',
  };
  assert.deepEqual(runtimeFixes(finding, text, '/x.ts'), []);
});

test('a layer without a recorded call site is located from the source: by name, or by its generated name', async () => {
  const { locateLayer } = await import('../../src/detectors/fixes');
  const text = [
    "import * as tf from '@tensorflow/tfjs';",
    'const model = tf.sequential({ layers: [',
    "  tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu' }),",
    "  tf.layers.dense({ units: 8, activation: 'relu', name: 'hidden' }),",
    "  tf.layers.dense({ units: 2, activation: 'softmax' }),",
    ']});',
  ].join('\n');
  assert.equal(locateLayer(text, '/j.ts', 'hidden')?.start.line, 4);
  assert.equal(locateLayer(text, '/j.ts', 'dense_Dense1')?.start.line, 3);
  assert.equal(
    locateLayer(text, '/j.ts', 'dense_Dense2')?.start.line,
    5,
    'the named layer does not take a generated number',
  );
  assert.equal(locateLayer(text, '/j.ts', 'conv2d_Conv2D1'), undefined);
});
