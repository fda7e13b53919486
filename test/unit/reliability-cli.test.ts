/**
 * The CLI under faults a user meets: output piped into `head`, `--backend node` where tfjs-node is not installed,
 * a `--report` folder that cannot be written, a directory given as the job, a dynamic import() that fails.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, tempDir, runJob } from './helpers';
import { readRunLog, listRuns } from '../../src/runs/store';

const BIN = path.join(ROOT, 'bin', 'training-lens.js');

before(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js')) || !fs.existsSync(path.join(ROOT, 'dist', 'runner.js'))) {
    execFileSync(process.execPath, ['esbuild.config.mjs'], { cwd: ROOT, stdio: 'inherit' });
  }
});

function job(source: string): string {
  const file = path.join(tempDir('tl-rel-'), 'job.train.ts');
  fs.writeFileSync(file, source);
  return file;
}

/** no native build from this machine's cache: the CLI must meet the offline case */
const OFFLINE_ENV = { ...process.env, XDG_CACHE_HOME: tempDir('tl-cache-'), TRAINING_LENS_NATIVE_DIR: '' };

function cli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: OFFLINE_ENV });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const runsOf = (cwd: string) => path.join(cwd, '.training-lens', 'runs');

test('`train … | head`: the reader goes away, training goes on, the run ends ok and the exit code is 0', async () => {
  const jobFile = job(`import * as tf from '@tensorflow/tfjs';
for (let i = 0; i < 2000; i++) console.log('chatter ' + i);
const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3], activation: 'relu' }), tf.layers.dense({ units: 1 })] });
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
await model.fit(tf.ones([64, 3]), tf.ones([64, 1]), { epochs: 3, batchSize: 8 });
for (let i = 0; i < 2000; i++) console.log('after ' + i);
`);
  const cwd = path.dirname(jobFile);
  const child = spawn(process.execPath, [BIN, 'train', jobFile, '--backend', 'cpu'], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: OFFLINE_ENV,
  });
  let stderr = '';
  child.stderr.on('data', d => {
    stderr += d;
  });
  child.stdout.once('data', () => child.stdout.destroy()); // what `head -1` does after its line
  const code = await new Promise<number | null>(r => child.on('exit', c => r(c)));
  assert.equal(code, 0, `exit code (stderr: ${stderr.slice(-1500)})`);
  assert.doesNotMatch(stderr, /EPIPE/);
  const [run] = listRuns(runsOf(cwd));
  assert.equal(run?.status, 'ok', 'the run trained to the end');
  assert.equal(run.steps, 3 * 8);
  const log = readRunLog(path.join(run.dir, 'events.ndjson'));
  assert.ok(
    log.events.some(e => e.kind === 'log' && e.text === 'after 1999'),
    'the job ran to its last line',
  );
});

test('--backend node without tfjs-node: a clear error naming why, exit 1, and the run is listed', () => {
  const jobFile = job(`console.log('never runs');\n`);
  const cwd = path.dirname(jobFile);
  const r = cli(['train', jobFile, '--backend', 'node'], cwd);
  assert.equal(r.code, 1, r.stderr);
  assert.doesNotMatch(r.stderr + r.stdout, /TypeError/);
  assert.match(
    r.stdout,
    /error: --backend node: the native backend \(tfjs-node\) is not available: tfjs-node: not installed/,
  );
  const runs = listRuns(runsOf(cwd));
  assert.deepEqual(
    runs.map(x => [x.status, x.backend]),
    [['error', 'none']],
    'the Runs list shows the failed run',
  );
  assert.match(runs[0].error!.message, /tfjs-node/);
});

test('--report into a folder that cannot be made fails before training; a directory as job is a usage error', () => {
  const cwd = tempDir('tl-rel-');
  const jobFile = job(`console.log('never runs');\n`);
  const blocker = path.join(cwd, 'a-file');
  fs.writeFileSync(blocker, '');
  const r = cli(['train', jobFile, '--report', path.join(blocker, 'report')], cwd);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--report .*a-file\/report: cannot write there \(ENOTDIR\)/);
  assert.equal(fs.existsSync(runsOf(cwd)), false, 'no run was started');

  const dir = cli(['train', path.dirname(jobFile)], cwd);
  assert.equal(dir.code, 2);
  assert.match(dir.stderr, /is a directory; train takes one job file/);
  assert.equal(fs.existsSync(runsOf(cwd)), false, 'no run was started');
});

test("a dynamic import() that fails names the job and its line, not the runner's bundle", async () => {
  const jobFile = job(
    `const name = './missing-module.js';\nconsole.log('loading');\nconst m = await import(name);\nconsole.log(m);\n`,
  );
  const { end } = await runJob(jobFile, { backend: 'cpu' });
  assert.equal(end.status, 'error');
  assert.doesNotMatch(end.error!.message, /job\.bundle\.mjs/);
  assert.match(end.error!.message, /missing-module\.js/);
  assert.ok(end.error!.message.includes(`imported from ${jobFile}`), end.error!.message);
  assert.deepEqual({ file: end.error!.location?.file, line: end.error!.location?.line }, { file: jobFile, line: 3 });
});
