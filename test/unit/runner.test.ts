/** The runner end to end: a real child process trains real jobs; the event log is checked as a user relies on it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runJob, kinds, JOBS, tempDir } from './helpers';
import { readRunLog, listRuns, parseRunLog } from '../../src/runs/store';
import { summarizeRun } from '../../src/runs/summary';
import type { RunEvent } from '../../src/protocol';

function assertWellFormed(events: RunEvent[], logFile: string): void {
  assert.equal(events[0].kind, 'run-start');
  assert.equal(events.at(-1)!.kind, 'run-end');
  assert.equal(events.filter(e => e.kind === 'run-end').length, 1);
  events.forEach((e, i) => assert.equal(e.seq, i, 'seq counts up from 0 without gaps'));
  for (let i = 1; i < events.length; i++) assert.ok(events[i].t >= events[i - 1].t, 't never goes back');
  // The log on disk is exactly what was streamed, and it replays to the same summary.
  const log = readRunLog(logFile);
  assert.deepEqual(log.problems, []);
  assert.deepEqual(log.events, events);
  assert.deepEqual(summarizeRun(log.events), summarizeRun(events));
}

for (const backend of ['cpu', 'wasm'] as const) {
  test(`a tiny job trains on ${backend}; the log is well-formed and replays`, async () => {
    // every step's gradients (the default spaces them on short steps: probe-schedule.test.ts)
    const { events, end, handle, problems } = await runJob('tiny.train.ts', { backend, probes: { everyStep: true } });
    assert.deepEqual(problems, []);
    assert.equal(end.status, 'ok', end.error?.message);
    assertWellFormed(events, handle.logFile);
    const start = events[0];
    assert.equal(start.kind, 'run-start', 'the log starts with run-start');
    assert.equal(start.kind === 'run-start' && start.backend, backend, 'the backend asked for');
    const k = kinds(events);
    assert.equal(k['batch'], 3 * 6, '3 epochs × ceil(192/32) steps');
    assert.equal(k['epoch'], 3);
    assert.equal(k['grad-norms'], 18);
    assert.ok(k['dead-units'] >= 1, `dead-unit readings: ${k['dead-units']}`);
    const fit = events.find(e => e.kind === 'fit-start');
    assert.ok(fit?.kind === 'fit-start');
    assert.deepEqual(
      fit.layers.map(l => [l.className, l.activation, l.units, l.initializer]),
      [
        ['Dense', 'relu', 16, 'heNormal'],
        ['Dense', 'relu', 8, 'heNormal'],
        ['Dense', 'softmax', 3, 'glorotUniform'],
      ],
    );
    assert.deepEqual(
      fit.layers.map(l => l.guideline),
      [
        { ok: true, text: 'relu → He ✓' },
        { ok: true, text: 'relu → He ✓' },
        { ok: true, text: 'softmax → Glorot (Xavier) ✓' },
      ],
      'the initializer table checked on the model as it trains',
    );
    assert.equal(fit.compileLocation?.line, 17, 'compile call site');
    const stats = events.filter(e => e.kind === 'activation-stats');
    assert.ok(stats.length >= 1, 'activation statistics were taken');
    const s0 = stats[0];
    assert.ok(s0.kind === 'activation-stats');
    assert.ok(s0.input, 'the input batch is described');
    assert.ok(s0.input.min! < 0, `input min ${s0.input.min} (the job's data is centred)`);
    assert.equal(s0.layers.length, 3, 'one entry per layer');
    assert.equal(fit.location?.file, path.join(JOBS, 'tiny.train.ts'));
    assert.equal(fit.location?.line, 19);
    assert.deepEqual(
      fit.layers.map(l => l.location?.line),
      [12, 13, 14],
      'each layer knows the line that built it',
    );
    const norms = events.filter(e => e.kind === 'grad-norms');
    for (const n of norms) {
      assert.ok(n.kind === 'grad-norms');
      assert.equal(Object.keys(n.layers).length, 3, `step ${n.step}: one norm per layer`);
      for (const [layer, v] of Object.entries(n.layers)) assert.ok(v! > 0, `step ${n.step}: ${layer} norm ${v} > 0`);
    }
    const log = events.find(e => e.kind === 'log' && e.stream === 'stdout');
    assert.ok(log?.kind === 'log', 'job output becomes log events');
    assert.equal(log.text, 'training on 256 samples', 'the line the job printed');
    const epochs = events.filter(e => e.kind === 'epoch');
    const last = epochs.at(-1);
    assert.ok(last?.kind === 'epoch', 'epochs were logged');
    assert.ok(last.logs.loss! < 1.0, `it actually learns: final loss ${last.logs.loss}`);
    assert.ok(last.logs.val_loss! < 0.9, `and generalizes: final val_loss ${last.logs.val_loss}`);
  });
}

test('fitDataset and local imports work; --epochs overrides the job', async () => {
  const { events, end } = await runJob('dataset.train.ts', { backend: 'cpu', epochs: 3 });
  assert.equal(end.status, 'ok', end.error?.message);
  assert.equal(kinds(events)['epoch'], 3);
  assert.equal(kinds(events)['batch'], 3 * 6);
  const fit = events.find(e => e.kind === 'fit-start');
  assert.ok(fit?.kind === 'fit-start', 'a fit-start event');
  assert.equal(fit.method, 'fitDataset', 'fit-start names the method');
  assert.equal(fit.epochs, 3, 'fit-start names the epochs');
});

test("a job's own tfjs callbacks (BaseCallback instances) work alongside the runner's", async () => {
  const { events, end } = await runJob('callbacks.train.ts', { backend: 'cpu' });
  assert.equal(end.status, 'ok', end.error?.message);
  const epochs = events.filter(e => e.kind === 'epoch').length;
  assert.ok(epochs > 1 && epochs < 40 + 1, `tfjs earlyStopping stopped the first fit early (${epochs} epochs in all)`);
  const log = events.find(
    e => e.kind === 'log' && /early stopping after (\d+) epochs; plain callback saw 1 epoch/.test(e.text),
  );
  assert.ok(log, 'the job finished both fits with its own callbacks called');
});

test('a CNN trains on wasm: the conv gradients Training Lens adds mean no move to cpu', async () => {
  const { events, end } = await runJob('conv.train.ts', { backend: 'wasm' });
  assert.equal(end.status, 'ok', end.error?.message);
  const note = events.find(
    e => e.kind === 'log' && e.stream === 'runner' && /switching to the cpu backend/.test(e.text),
  );
  assert.equal(note, undefined, 'no move to cpu is announced');
  const fit = events.find(e => e.kind === 'fit-start');
  assert.ok(
    fit?.kind === 'fit-start' && fit.backend === 'wasm',
    `fit ran on ${fit?.kind === 'fit-start' ? fit.backend : '?'}`,
  );
  assert.equal(kinds(events)['batch'], 4);
});

test('a model wasm cannot train (a kernel it lacks) moves to cpu and still trains', async () => {
  const { events, end } = await runJob('wasm-missing-kernel.train.ts', { backend: 'wasm' });
  assert.equal(end.status, 'ok', end.error?.message);
  const note = events.find(e => e.kind === 'log' && e.stream === 'runner');
  assert.ok(note?.kind === 'log', 'the runner logged a note');
  assert.match(note.text, /Einsum.*cpu/, 'the switch is said');
  const fit = events.find(e => e.kind === 'fit-start');
  assert.ok(fit?.kind === 'fit-start', 'a fit-start event');
  assert.equal(fit.backend, 'cpu', 'the fit ran on cpu');
  assert.equal(kinds(events)['batch'], 4);
});

test("a job that throws ends in error at the user's TS line", async () => {
  const { events, end } = await runJob('throws.train.ts', { backend: 'cpu' });
  assert.equal(end.status, 'error');
  assert.match(end.error!.message, /bad shape on purpose/);
  assert.deepEqual(
    { file: end.error!.location!.file, line: end.error!.location!.line },
    { file: path.join(JOBS, 'throws.train.ts'), line: 7 },
  );
  assert.match(end.error!.stack!, /throws\.train\.ts:7:9/);
  assert.equal(events.at(-1), end);
});

test('an error tfjs raises inside fit points at the fit call', async () => {
  const { end } = await runJob('bad-input.train.ts', { backend: 'cpu' });
  assert.equal(end.status, 'error');
  assert.match(end.error!.message, /expected .*shape \[3\]/);
  assert.deepEqual(
    { file: end.error!.location?.file, line: end.error!.location?.line },
    { file: path.join(JOBS, 'bad-input.train.ts'), line: 6 },
  );
});

test('a syntax error names the file, line and column', async () => {
  const { end } = await runJob('syntax-error.train.ts', { backend: 'cpu' });
  assert.equal(end.status, 'error');
  assert.match(end.error!.message, /syntax-error\.train\.ts:4:61: Expected "\)" but found ";"/);
  assert.equal(end.error!.location!.line, 4);
});

test('a non-finite loss stops training with an error at the fit call', async () => {
  const { events, end } = await runJob('nan-loss.train.ts', { backend: 'cpu' });
  assert.equal(end.status, 'error');
  assert.match(end.error!.message, /Loss became (NaN|Infinity) at step \d+/);
  assert.equal(end.error!.location!.line, 8);
  assert.match(end.error!.stack!, /nan-loss\.train\.ts:8/);
  const batches = events.filter(e => e.kind === 'batch');
  assert.ok(batches.length < 20 * 8, 'training stopped early');
  assert.equal(
    batches.at(-1)?.kind === 'batch' && batches.at(-1)!.kind === 'batch'
      ? (batches.at(-1) as { loss: number | null }).loss
      : 0,
    null,
  );
});

test('stop cancels a run within 2 s and the log says cancelled', async () => {
  let stoppedAt = 0;
  const { end, events, handle } = await runJob('long.train.ts', {
    backend: 'cpu',
    onEvent: (e, h) => {
      if (e.kind === 'batch' && e.step === 10) {
        stoppedAt = Date.now();
        h.stop();
      }
    },
  });
  const took = Date.now() - stoppedAt;
  assert.equal(end.status, 'cancelled');
  assert.ok(took < 2000, `stop took ${took} ms`);
  assert.deepEqual(readRunLog(handle.logFile).problems, []);
  assert.equal(events.at(-1)?.kind, 'run-end');
});

test('a killed runner still leaves a complete, readable log', async () => {
  const { end, handle } = await runJob('long.train.ts', {
    backend: 'cpu',
    onEvent: (e, h) => {
      if (e.kind === 'batch' && e.step === 5) process.kill(findChildPid(h.logFile), 'SIGKILL');
    },
  });
  assert.equal(end.status, 'error');
  assert.match(end.error!.message, /exited unexpectedly \(signal SIGKILL\)/);
  const log = readRunLog(handle.logFile);
  assert.deepEqual(log.problems, []);
  assert.equal(log.events.at(-1)?.kind, 'run-end');
});

/** The runner child of a run: the one whose environment names the run's log folder. */
function findChildPid(logFile: string): number {
  const runId = path.basename(path.dirname(logFile));
  for (const pid of fs.readdirSync('/proc').filter(p => /^\d+$/.test(p))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/environ`, 'utf8').includes(runId)) return Number(pid);
    } catch {
      /* gone or not ours */
    }
  }
  throw new Error('runner child not found');
}

test('a corrupt log is read as far as it is sound', () => {
  const good = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'runs', 'corrupt', 'events.ndjson'), 'utf8');
  const log = parseRunLog(good);
  assert.ok(log.events.length > 3);
  assert.deepEqual(
    log.problems.map(p => p.line),
    [3, 5, 7],
  );
  assert.match(log.problems[0].reason, /invalid JSON/);
  assert.match(log.problems[1].reason, /unknown event kind/);
  assert.match(log.problems[2].reason, /truncated last line/);
  const summary = summarizeRun(log.events, log.problems.length);
  assert.equal(summary?.status, 'interrupted');
});

test('listRuns finds saved runs newest first', async () => {
  const runsDir = tempDir();
  await runJob('throws.train.ts', { backend: 'cpu', runsDir });
  await runJob('tiny.train.ts', { backend: 'cpu', runsDir, epochs: 1 });
  fs.mkdirSync(path.join(runsDir, 'not-a-run'));
  const runs = listRuns(runsDir);
  assert.deepEqual(
    runs.map(r => [path.basename(r.jobFile), r.status]),
    [
      ['tiny.train.ts', 'ok'],
      ['throws.train.ts', 'error'],
    ],
  );
  assert.equal(runs[0].steps, 6);
});

test('a job that calls process.exit(0) ends ok with every event kept', async () => {
  const { events, end } = await runJob('exits.train.ts', { backend: 'cpu' });
  assert.equal(end.status, 'ok', end.error?.message);
  assert.equal(kinds(events)['batch'], 4);
  assert.ok(
    events.some(e => e.kind === 'log' && e.text === 'done, exiting'),
    "the job's last line was logged",
  );
});

test('a variant trains patched source in memory; the job file is untouched and stacks still name it', async () => {
  const file = path.join(JOBS, 'tiny.train.ts');
  const original = fs.readFileSync(file, 'utf8');
  const patched = original.replace("units: 16, activation: 'relu'", "units: 16, activation: 'elu'");
  assert.notEqual(patched, original);
  const { events, end, handle } = await runJob('tiny.train.ts', {
    backend: 'cpu',
    epochs: 1,
    variant: { files: { [file]: patched }, of: 'run-0', title: 'Use elu in dense 1' },
  });
  assert.equal(end.status, 'ok', end.error?.message);
  const start = events[0];
  assert.ok(
    start.kind === 'run-start' && start.variant?.of === 'run-0' && start.variant.title === 'Use elu in dense 1',
  );
  const fit = events.find(e => e.kind === 'fit-start');
  assert.ok(fit?.kind === 'fit-start');
  assert.deepEqual(
    fit.layers.map(l => l.activation),
    ['elu', 'relu', 'softmax'],
  );
  assert.equal(fit.layers[0].location?.file, file, 'source-mapped to the job file');
  assert.equal(fs.readFileSync(file, 'utf8'), original);
  assert.equal(fs.readFileSync(path.join(handle.runDir, 'patched-tiny.train.ts'), 'utf8'), patched);
});

test('runs can be named and deleted; delete refuses anything but a run folder', async () => {
  const { renameRun, deleteRun } = await import('../../src/runs/store');
  const runsDir = path.join(tempDir(), '.training-lens', 'runs');
  const { handle } = await runJob('throws.train.ts', { backend: 'cpu', runsDir });
  renameRun(handle.runDir, '  baseline  ');
  assert.equal(listRuns(runsDir)[0].name, 'baseline');
  renameRun(handle.runDir, '');
  assert.equal(listRuns(runsDir)[0].name, undefined);
  assert.throws(() => deleteRun(runsDir), /not a Training Lens run folder/);
  assert.throws(() => deleteRun(path.dirname(runsDir)), /not a Training Lens run folder/);
  deleteRun(handle.runDir);
  assert.deepEqual(listRuns(runsDir), []);
  assert.ok(fs.existsSync(runsDir), 'only the run folder goes');
});
