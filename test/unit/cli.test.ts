/** The CLI as a user types it: `training-lens train|report` through the package's bin and the built bundles. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, JOBS, tempDir } from './helpers';
import { readRunLog } from '../../src/runs/store';
import { findingSchema, foldExplained, type Finding } from '../../src/protocol';

const BIN = path.join(ROOT, 'bin', 'training-lens.js');

before(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js')) || !fs.existsSync(path.join(ROOT, 'dist', 'runner.js'))) {
    execFileSync(process.execPath, ['esbuild.config.mjs'], { cwd: ROOT, stdio: 'inherit' });
  }
});

function cli(args: string[], cwd = tempDir()) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, cwd };
}

test('train --every-step reads the gradient norms on every step', () => {
  const report = path.join(tempDir(), 'report');
  const args = ['train', path.join(JOBS, 'tiny.train.ts'), '--backend', 'cpu', '--epochs', '2', '--report', report];
  const r = cli([...args, '--every-step']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const steps = (file: string) =>
    readRunLog(file)
      .events.filter(e => e.kind === 'grad-norms')
      .map(e => e.kind === 'grad-norms' && e.step);
  assert.deepEqual(steps(path.join(report, 'events.ndjson')), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
});

test('train --report writes events, findings and summary, one line per epoch', () => {
  const report = path.join(tempDir(), 'report');
  const r = cli([
    'train',
    path.join(JOBS, 'unscaled.train.ts'),
    '--backend',
    'cpu',
    '--epochs',
    '2',
    '--report',
    report,
  ]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /^epoch 1\/2 .*loss \d/m);
  assert.match(r.stdout, /^epoch 2\/2 .*val_acc \d/m);
  assert.match(r.stdout, /ok after 12 steps, 2 epochs/);
  assert.deepEqual(fs.readdirSync(report).sort(), ['events.ndjson', 'findings.json', 'summary.json']);
  // findings.json holds exactly the run's findings, each valid against the schema, with the symptoms each explains
  const findings = JSON.parse(fs.readFileSync(path.join(report, 'findings.json'), 'utf8'));
  const logged: Finding[] = [];
  for (const e of readRunLog(path.join(report, 'events.ndjson')).events) {
    if (e.kind === 'finding') logged.push(e.finding);
    else if (e.kind === 'explained') foldExplained(logged, e);
  }
  assert.deepEqual(
    findings.map((f: { fixes?: unknown }) => ({ ...f, fixes: undefined })),
    // each with its 1-based line flat beside the range
    logged.map(f => ({ ...f, fixes: undefined, ...(f.range ? { line: f.range.start.line } : {}) })),
  );
  assert.deepEqual(
    findings.map((f: { code: string; line?: number }) => [f.code, f.line]),
    [['unnormalized-input', 18]],
    'inputs in 0-255: a finding to check the line on (fit)',
  );
  assert.deepEqual(
    findings[0].explains.map((x: { code: string }) => x.code),
    ['bad-initial-loss'],
    'the far-off first loss it causes is kept under it',
  );
  assert.match(r.stdout, /^ {2}explains: bad-initial-loss in \w+ \(epoch 1\)$/m);
  for (const f of findings) assert.ok(findingSchema.safeParse(f).success, JSON.stringify(f));
  const summary = JSON.parse(fs.readFileSync(path.join(report, 'summary.json'), 'utf8'));
  assert.equal(summary.status, 'ok');
  assert.equal(summary.backend, 'cpu');
  assert.equal(summary.steps, 12);
  assert.ok(summary.final.val_loss > 0);
  // the run is also saved in the working folder's run store
  const runs = path.join(r.cwd, '.training-lens', 'runs');
  assert.deepEqual(fs.readdirSync(runs).filter(f => fs.statSync(path.join(runs, f)).isDirectory()).length, 1);
  assert.match(fs.readFileSync(path.join(runs, '.gitignore'), 'utf8'), /^\*$/m, 'run logs stay out of git');
});

test('a failing job exits 1 and names the file and line', () => {
  const r = cli(['train', path.join(JOBS, 'throws.train.ts'), '--backend', 'cpu']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /error: bad shape on purpose \(.*throws\.train\.ts:7\)/);
});

test('bad usage exits 2 with a reason', () => {
  assert.equal(cli(['train']).code, 2);
  const r = cli(['train', path.join(JOBS, 'tiny.train.ts'), '--backend', 'gpu']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--backend must be one of auto, node, wasm, cpu/);
  assert.match(cli(['train', 'nope.ts']).stderr, /no such job file: nope\.ts/);
});

test('--seed: the same seed trains the same run (data, weights, dropout, shuffling); another seed does not', () => {
  const losses = (seed: string) => {
    const report = path.join(tempDir(), 'report');
    const r = cli([
      'train',
      path.join(JOBS, 'unseeded.train.ts'),
      '--backend',
      'cpu',
      '--seed',
      seed,
      '--report',
      report,
    ]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const { events } = readRunLog(path.join(report, 'events.ndjson'));
    const start = events.find(e => e.kind === 'run-start');
    assert.equal(start?.kind === 'run-start' && start.argv.seed, Number(seed), 'run-start records the seed');
    return events.flatMap(e => (e.kind === 'batch' ? [e.loss] : []));
  };
  const first = losses('7');
  assert.equal(first.length, 12);
  assert.deepEqual(losses('7'), first);
  assert.notDeepEqual(losses('8'), first);
  const bad = cli(['train', path.join(JOBS, 'unseeded.train.ts'), '--seed', '-1']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--seed must be a whole number/);
});

test('report replays a saved run, and survives a corrupt log', () => {
  const corrupt = path.join(ROOT, 'test', 'fixtures', 'runs', 'corrupt');
  const r = cli(['report', corrupt]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /events\.ndjson:3: skipped: invalid JSON/);
  assert.match(r.stdout, /interrupted after 3 steps/);
  assert.match(r.stdout, /3 unreadable line\(s\)/);
  const json = cli(['report', corrupt, '--json']);
  assert.equal(JSON.parse(json.stdout).status, 'interrupted');
});
