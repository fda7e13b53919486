/** `training-lens lint <files...> [--format json]`: the same findings headless; exit 1 on any error finding. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lintCommand } from '../../src/guidelines/lintFiles';
import { analyzeText } from '../../src/guidelines/lint';
import { findingSchema } from '../../src/protocol/events';

const ROOT = path.join(__dirname, '..', '..');
const LINT = path.join(ROOT, 'test', 'fixtures', 'lint');

function run(args: string[]) {
  const out: string[] = [],
    err: string[] = [];
  const code = lintCommand(args, { out: l => out.push(l), err: l => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('text format: file:line:col severity code message, and exit 1 on an error finding', () => {
  const file = path.join(LINT, 'constant-init.bad.ts');
  const r = run([file]);
  assert.equal(r.code, 1);
  const lines = r.out.split('\n');
  assert.equal(lines.length, 3);
  assert.match(
    lines[0],
    new RegExp(
      `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:6:91 error constant-init The kernel starts as all zeros`,
    ),
  );
  assert.match(r.err, /1 file: 3 error\(s\), 0 warning\(s\), 0 info/);
});

test('exit 0 when there are only warnings; folders are walked', () => {
  const r = run([path.join(LINT, 'dropout-rate.bad.ts'), path.join(LINT, 'fixes')]);
  assert.equal(r.code, 1, 'fixes/constant-init.before.ts has errors');
  assert.equal(run([path.join(LINT, 'dropout-rate.bad.ts')]).code, 0);
  assert.equal(run([path.join(LINT, 'selu-setup.good.ts')]).out, '');
});

test('--format json prints the findings array, the same as the editor gets', () => {
  const file = path.join(LINT, 'output-activation-loss.bad.ts');
  const r = run([file, '--format', 'json']);
  assert.equal(r.code, 1);
  const findings = JSON.parse(r.out) as unknown[];
  assert.ok(Array.isArray(findings), 'a JSON array');
  assert.ok(findings.length > 0, 'the bad fixture has findings');
  for (const f of findings)
    assert.ok(findingSchema.safeParse(f).success, `a valid finding: ${JSON.stringify(f).slice(0, 200)}`);
  assert.deepEqual(findings, JSON.parse(JSON.stringify(analyzeText(fs.readFileSync(file, 'utf8'), file).findings)));
});

test('usage errors exit 2', () => {
  assert.equal(run([]).code, 2);
  assert.equal(run(['--format', 'xml', 'a.ts']).code, 2);
  assert.equal(run([path.join(os.tmpdir(), 'does-not-exist.ts')]).code, 2);
});

test('through the CLI entry point (src/cli/main.ts lint)', () => {
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(ROOT, 'src', 'cli', 'main.ts'),
      'lint',
      path.join(LINT, 'constant-init.bad.ts'),
      '--format=json',
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(r.status, 1, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { code: string }[]).filter(f => f.code === 'constant-init').length, 3);
  const ok = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'main.ts'), 'lint', path.join(LINT, 'lr-range.good.ts')],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(ok.status, 0, ok.stderr + ok.stdout);
});
