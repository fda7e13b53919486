/**
 * Process faults, with real processes: the host killed outright while the job blocks its thread, process.exit()
 * inside a job, a patched job too big for an environment variable, a runner that runs out of memory.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runJob, tempDir, kinds, ROOT, JOBS } from './helpers';
import { readRunLog, listRuns } from '../../src/runs/store';
import { RUNNER_PID_FILE } from '../../src/runner/config';
import { runnerEntry } from '../../src/runner/entry';
import { selectBackend } from '../../src/runner/backend';
import { wasmAbortMessage } from '../../src/runner/failures';
import { summarizeRun } from '../../src/runs/summary';

const BIN = path.join(ROOT, 'bin', 'training-lens.js');

before(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js')) || !fs.existsSync(path.join(ROOT, 'dist', 'runner.js'))) {
    execFileSync(process.execPath, ['esbuild.config.mjs'], { cwd: ROOT, stdio: 'inherit' });
  }
});

function job(source: string, name = 'job.train.ts'): string {
  const file = path.join(tempDir('tl-rel-'), name);
  fs.writeFileSync(file, source);
  return file;
}

/** alive and not a zombie (a re-parented child's zombie lingers until init reaps it) */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

const TRAIN = `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3], activation: 'relu' }), tf.layers.dense({ units: 1 })] });
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
`;

test('kill -9 of the CLI while the job busy-loops: the runner dies within 2 s and the log ends with run-end', async t => {
  const jobFile = job(`console.log('spinning');\nwhile (true) { /* blocks the runner's thread */ }\n`);
  const cwd = path.dirname(jobFile);
  const cli = spawn(process.execPath, [BIN, 'train', jobFile, '--backend', 'cpu'], { cwd, stdio: 'ignore' });
  const runsDir = path.join(cwd, '.training-lens', 'runs');
  try {
    const runDir = await until(
      'the run folder',
      () => (fs.existsSync(runsDir) ? fs.readdirSync(runsDir).find(d => !d.startsWith('.')) : undefined),
      30_000,
    );
    const logFile = path.join(runsDir, runDir, 'events.ndjson');
    await until(
      'the job to spin',
      () => fs.existsSync(logFile) && fs.readFileSync(logFile, 'utf8').includes('"spinning"'),
      30_000,
    );
    const childPid = Number(fs.readFileSync(path.join(runsDir, runDir, RUNNER_PID_FILE), 'utf8'));
    assert.ok(alive(childPid), 'the runner is running the busy loop');
    const killedAt = Date.now();
    process.kill(cli.pid!, 'SIGKILL');
    await until('the runner to die', () => !alive(childPid), 5000);
    const took = Date.now() - killedAt;
    assert.ok(took <= 2000, `runner outlived its host by ${took} ms`);
    t.diagnostic(`runner gone ${took} ms after its host was killed`);
    const log = readRunLog(logFile);
    assert.deepEqual(log.problems, [], 'no torn line');
    const end = log.events.at(-1);
    assert.ok(end?.kind === 'run-end', 'the log ends with a run-end');
    assert.equal(end.status, 'error', 'the run-end says error');
    assert.match(end.error!.message, /interrupted: host exited/);
    assert.equal(log.events.filter(e => e.kind === 'run-end').length, 1);
  } finally {
    try {
      process.kill(cli.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

test('process.exit(2) inside fit ends the job there: nothing after it runs, the run-end records the code', async () => {
  const marker = path.join(tempDir('tl-rel-'), 'after-exit.txt');
  const jobFile = job(`${TRAIN}import * as fs from 'node:fs';
await model.fit(tf.ones([32, 3]), tf.ones([32, 1]), { epochs: 5, batchSize: 4, callbacks: { onBatchEnd: async (batch) => {
  if (batch === 2) {
    try { process.exit(2); } catch { /* a job's catch must not swallow the exit */ }
    fs.writeFileSync(${JSON.stringify(marker)}, 'ran after exit');
  }
} } });
fs.writeFileSync(${JSON.stringify(marker)}, 'training went on');
`);
  const { events, end, problems, handle } = await runJob(jobFile, { backend: 'cpu' });
  assert.equal(end.status, 'error');
  assert.match(end.error!.message, /The job called process\.exit\(2\)/);
  assert.equal(end.error!.location?.file, jobFile);
  assert.equal(end.error!.location?.line, 7, 'the line of the exit call');
  assert.equal(fs.existsSync(marker), false, 'code after process.exit ran');
  assert.deepEqual(problems, [], 'no "event out of place" after the end');
  // the job's callback runs before the runner's: batches 0 and 1 were recorded, batch 2 exited
  assert.equal(kinds(events)['batch'], 2, 'training stopped at the batch that exited');
  assert.deepEqual(readRunLog(handle.logFile).events, events);
});

test('try the fix on a 300 kB job: the patched source reaches the runner (no E2BIG) and the run is listed', async () => {
  const file = path.join(JOBS, 'tiny.train.ts');
  const original = fs.readFileSync(file, 'utf8');
  const padding = `// ${'x'.repeat(99)}\n`.repeat(3000); // 300 kB of comments
  const patched = original.replace("units: 16, activation: 'relu'", "units: 16, activation: 'elu'") + padding;
  assert.ok(patched.length > 300_000);
  const runsDir = tempDir();
  const { events, end } = await runJob('tiny.train.ts', {
    backend: 'cpu',
    epochs: 1,
    runsDir,
    variant: { files: { [file]: patched }, title: 'big patch' },
  });
  assert.equal(end.status, 'ok', end.error?.message);
  assert.deepEqual(
    listRuns(runsDir).map(r => [r.variant, r.status]),
    [['big patch', 'ok']],
    'the Runs list shows it',
  );
  const fit = events.find(e => e.kind === 'fit-start');
  assert.ok(fit?.kind === 'fit-start', 'a fit-start event');
  assert.equal(fit.layers[0].activation, 'elu', 'the patched source trained');
});

test('a runner that runs out of JavaScript heap ends with "Out of memory" at the fit line, not native frames', async () => {
  const jobFile = job(`${TRAIN}const hoard: number[][] = [];
await model.fit(tf.ones([32, 3]), tf.ones([32, 1]), { epochs: 1000, batchSize: 4, callbacks: { onBatchEnd: async () => {
  for (let i = 0; i < 20; i++) hoard.push(new Array(100_000).fill(Math.random()));
} } });
`);
  const { end, handle } = await runJob(jobFile, {
    backend: 'cpu',
    execArgv: [...runnerEntry(path.join(ROOT, 'src', 'runner')).execArgv, '--max-old-space-size=200'],
  });
  assert.equal(end.status, 'error');
  assert.match(
    end.error!.message,
    /^Out of memory: the training process reached its JavaScript heap limit \(V8: .*heap out of memory\)/,
  );
  assert.doesNotMatch(end.error!.message, /0x[0-9a-f]{6,}/, 'no native stack frames');
  assert.equal(end.error!.location?.line, 5, 'the fit call of the job');
  assert.equal(readRunLog(handle.logFile).events.at(-1)?.kind, 'run-end');
});

test('SIGTERM to the CLI while the job blocks: the run is stopped within 2 s, cancelled, exit code 130', async () => {
  const jobFile = job(`console.log('spinning');\nwhile (true) { /* blocks the runner's thread */ }\n`);
  const cwd = path.dirname(jobFile);
  const cli = spawn(process.execPath, [BIN, 'train', jobFile, '--backend', 'cpu'], { cwd, stdio: 'ignore' });
  const exited = new Promise<number | null>(r => cli.on('exit', c => r(c)));
  const runsDir = path.join(cwd, '.training-lens', 'runs');
  const runDir = await until(
    'the run folder',
    () => (fs.existsSync(runsDir) ? fs.readdirSync(runsDir).find(d => !d.startsWith('.')) : undefined),
    30_000,
  );
  const logFile = path.join(runsDir, runDir, 'events.ndjson');
  await until(
    'the job to spin',
    () => fs.existsSync(logFile) && fs.readFileSync(logFile, 'utf8').includes('"spinning"'),
    30_000,
  );
  const childPid = Number(fs.readFileSync(path.join(runsDir, runDir, RUNNER_PID_FILE), 'utf8'));
  const t0 = Date.now();
  cli.kill('SIGTERM');
  assert.equal(await exited, 130, 'exit code of a stopped run');
  assert.ok(Date.now() - t0 <= 3000, `stopping took ${Date.now() - t0} ms`);
  assert.equal(alive(childPid), false, 'the runner is gone');
  const end = readRunLog(logFile).events.at(-1);
  assert.ok(end?.kind === 'run-end', 'the log ends with a run-end');
  assert.equal(end.status, 'cancelled', 'the run-end says cancelled');
});

test('a fit stopped mid-epoch counts only the epochs it finished', async t => {
  // long.train.ts: 16 steps per epoch; stopped around step 20 (the stop lands a few steps later, as the runner reads it)
  const { events, end } = await runJob('long.train.ts', {
    backend: 'cpu',
    onEvent: (e, h) => {
      if (e.kind === 'batch' && e.step === 20) h.stop();
    },
  });
  assert.equal(end.status, 'cancelled');
  const batches = events.filter(e => e.kind === 'batch').length;
  const finished = Math.floor(batches / 16);
  if (batches % 16 === 0)
    t.diagnostic(`the stop landed on an epoch boundary (${batches} steps): no partial epoch this time`);
  assert.equal(events.filter(e => e.kind === 'epoch').length, finished, `epoch events after ${batches} steps`);
  assert.equal(summarizeRun(events)?.epochs, finished, 'epochs in the summary');
});

test("the wasm backend's Aborted() is reported as out of memory with its heap size", async () => {
  const { tf, name } = await selectBackend({ preference: 'wasm' });
  assert.equal(name, 'wasm');
  const message = wasmAbortMessage(new Error('Aborted(). Build with -sASSERTIONS for more info.'), 'wasm', tf);
  assert.match(
    message ?? '',
    /^Out of memory in the wasm backend \(Aborted\(\)\): its memory could not grow any further \(\d+ MB in use; WebAssembly allows 4 GB at most\)/,
  );
  assert.equal(
    wasmAbortMessage(new Error('RuntimeError: memory access out of bounds'), 'wasm', tf),
    undefined,
    'a small heap: not taken for OOM',
  );
  assert.equal(wasmAbortMessage(new Error('Aborted()'), 'cpu', undefined), undefined, 'only on wasm');
});

test('a runner that dies while a process it started holds its pipes still ends promptly', async () => {
  const jobFile = job(`import { spawn } from 'node:child_process';
const sleeper = spawn('sleep', ['30'], { stdio: 'inherit' });
console.log('sleeper ' + sleeper.pid);
process.kill(process.pid, 'SIGKILL');
`);
  const t0 = Date.now();
  const { end, events } = await runJob(jobFile, { backend: 'cpu' });
  const took = Date.now() - t0;
  const sleeper = events.find(e => e.kind === 'log' && e.text.startsWith('sleeper '));
  if (sleeper?.kind === 'log')
    try {
      process.kill(Number(sleeper.text.split(' ')[1]), 'SIGKILL');
    } catch {
      /* gone */
    }
  assert.ok(sleeper, 'the output before the kill arrived');
  assert.equal(end.status, 'error');
  assert.match(end.error!.message, /exited unexpectedly \(signal SIGKILL\)/);
  assert.ok(took < 15_000, `the run ended ${took} ms after it started, not when the sleeper exits (30 s)`);
});

test('a runner that cannot be started (spawn E2BIG) ends its run with the reason, and the run is listed', async () => {
  const runsDir = tempDir();
  const { end } = await runJob('tiny.train.ts', { backend: 'cpu', runsDir, env: { HUGE: 'x'.repeat(200_000) } });
  assert.equal(end.status, 'error');
  assert.match(end.error!.message, /^The training process could not be started: spawn E2BIG/);
  assert.deepEqual(
    listRuns(runsDir).map(r => [r.status, r.error?.message]),
    [['error', end.error!.message]],
  );
});
