/**
 * The run store as untrusted input (a cloned repository can commit `.training-lens/`): links, FIFOs, folders and
 * prototype names where a run log should be; renames and deletes confined to the runs folder; one bad run shown as
 * damaged without hiding the others. The reads that used to hang or exhaust memory run in a child process with a
 * time limit, so a regression fails the test instead of stalling the suite.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { ROOT, tempDir } from './helpers';
import { parseEvent } from '../../src/protocol';
import { listRuns, readRunLog, renameRun, deleteRun, parseRunLog, EVENTS_FILE, META_FILE } from '../../src/runs/store';
import { RunLister } from '../../src/runs/listing';
import { hparams } from '../../src/toolkit/hparams';
import { readSweepRecord } from '../../src/sweep/record';

const T0 = Date.parse('2026-11-23T17:00:00Z');
const line = (o: object) => JSON.stringify(o) + '\n';
const start = (runId: string, minute = 0) =>
  line({
    runId,
    seq: 0,
    t: 0,
    kind: 'run-start',
    jobFile: '/w/job.train.ts',
    backend: 'cpu',
    startedAt: new Date(T0 + minute * 60_000).toISOString(),
  });
const batch = (runId: string, step: number, loss: number) =>
  line({ runId, seq: step + 1, t: step, kind: 'batch', step, epoch: 0, batch: step, loss, metrics: {}, lr: 0.01 });
const end = (runId: string, steps: number) =>
  line({ runId, seq: 999, t: 999, kind: 'run-end', status: 'ok', steps, durationMs: 999 });

/** a workspace with `.training-lens/runs` and one sound run in it */
function workspace(): { root: string; runsDir: string; good: string } {
  const root = tempDir('tl-store-');
  const runsDir = path.join(root, '.training-lens', 'runs');
  const good = path.join(runsDir, 'good');
  fs.mkdirSync(good, { recursive: true });
  fs.writeFileSync(
    path.join(good, EVENTS_FILE),
    start('good') + batch('good', 0, 2) + batch('good', 1, 1.5) + end('good', 2),
  );
  return { root, runsDir, good };
}

function addRun(runsDir: string, name: string, log: string | ((file: string) => void)): string {
  const dir = path.join(runsDir, name);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, EVENTS_FILE);
  if (typeof log === 'string') fs.writeFileSync(file, log);
  else log(file);
  return dir;
}

/** Runs `code` (with `lib` = src/runs/store) in a child under a time and memory limit. */
function inChild(
  code: string,
  timeout = 20_000,
): { status: number | null; stdout: string; stderr: string; timedOut: boolean } {
  const r = spawnSync(
    process.execPath,
    [
      '--max-old-space-size=256',
      '--import',
      'tsx',
      '-e',
      `const lib = require(${JSON.stringify(path.join(ROOT, 'src', 'runs', 'store.ts'))}); ${code}`,
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout,
      killSignal: 'SIGKILL',
    },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, timedOut: r.signal === 'SIGKILL' };
}

test(
  'a log linked to /dev/zero or a FIFO in its place neither hangs nor exhausts the listing; the run is damaged',
  { skip: process.platform === 'win32' },
  () => {
    const { runsDir } = workspace();
    addRun(runsDir, 'zero', file => fs.symlinkSync('/dev/zero', file));
    addRun(runsDir, 'fifo', file => execFileSync('mkfifo', [file]));
    const r = inChild(
      `console.log(JSON.stringify(lib.listRuns(${JSON.stringify(runsDir)}).map(x => [x.runId, x.status, x.problem ?? ''])));`,
    );
    assert.ok(!r.timedOut, 'the listing finished within 20 s (a FIFO used to block it forever)');
    assert.equal(r.status, 0, `the listing did not crash: ${r.stderr.slice(0, 500)}`);
    const rows = JSON.parse(r.stdout) as string[][];
    assert.deepEqual(
      rows.map(x => [x[0], x[1]]).sort(),
      [
        ['fifo', 'damaged'],
        ['good', 'ok'],
        ['zero', 'damaged'],
      ],
      'the sound run is still listed, the others are damaged',
    );
    assert.match(rows.find(x => x[0] === 'zero')![2], /symbolic link, not a regular file/);
    assert.match(rows.find(x => x[0] === 'fifo')![2], /FIFO/);
    const read = inChild(
      `try { lib.readRunLog(${JSON.stringify(path.join(runsDir, 'zero', EVENTS_FILE))}); console.log('read'); } catch (e) { console.log(e.message); }`,
    );
    assert.ok(
      !read.timedOut && read.status === 0,
      `opening the linked log in the dashboard neither hangs nor crashes: ${read.stderr.slice(0, 300)}`,
    );
    assert.match(read.stdout, /events\.ndjson: a symbolic link, not a regular file/);
  },
);

test(
  'the asynchronous listing (Runs view) isolates the same bad runs',
  { skip: process.platform === 'win32' },
  async () => {
    const { runsDir } = workspace();
    addRun(runsDir, 'zero', file => fs.symlinkSync('/dev/zero', file));
    addRun(runsDir, 'fifo', file => execFileSync('mkfifo', [file]));
    addRun(runsDir, 'dir', file => fs.mkdirSync(file));
    fs.symlinkSync('/', path.join(runsDir, 'linked-folder'));
    const records = await new RunLister().list(runsDir);
    assert.deepEqual(records.map(r => [r.runId, r.status]).sort(), [
      ['dir', 'damaged'],
      ['fifo', 'damaged'],
      ['good', 'ok'],
      ['linked-folder', 'damaged'],
      ['zero', 'damaged'],
    ]);
    assert.match(records.find(r => r.runId === 'dir')!.problem!, /a folder, not a regular file/);
    assert.match(records.find(r => r.runId === 'linked-folder')!.problem!, /symbolic link/);
  },
);

test('event kinds that are Object.prototype names are rejected, not looked up', () => {
  for (const kind of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
    const r = parseEvent(JSON.stringify({ runId: 'r', seq: 0, t: 0, kind }));
    assert.deepEqual(r, { ok: false, reason: `unknown event kind ${JSON.stringify(kind)}` }, `kind ${kind}`);
  }
  const log = parseRunLog(
    start('r') + '{"kind":"constructor"}\n' + '{"kind":"__proto__","runId":"r","seq":1,"t":0}\n' + end('r', 0),
  );
  assert.deepEqual(
    log.problems.map(p => p.line),
    [2, 3],
    'the bad lines are skipped with their line numbers',
  );
  assert.equal(log.events.length, 2);
});

test('one run whose log holds prototype kinds, or is a folder, does not break the list or `report`', () => {
  const { runsDir } = workspace();
  addRun(
    runsDir,
    'proto',
    '{"kind":"toString"}\n' +
      start('proto', 5) +
      '{"kind":"constructor","runId":"proto","seq":1,"t":1}\n' +
      end('proto', 0),
  );
  addRun(runsDir, 'folder', file => fs.mkdirSync(file));
  const runs = listRuns(runsDir);
  assert.deepEqual(runs.map(r => [r.runId, r.status]).sort(), [
    ['folder', 'damaged'],
    ['good', 'ok'],
    ['proto', 'ok'],
  ]);
  const cli = (dir: string) =>
    spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `require(${JSON.stringify(path.join(ROOT, 'src', 'cli', 'main.ts'))}).main(['report', ${JSON.stringify(dir)}]).then(c => { process.exitCode = c; })`,
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
  const proto = cli(path.join(runsDir, 'proto'));
  assert.equal(proto.status, 0, `report on a log with prototype kinds: ${proto.stderr}`);
  assert.match(proto.stderr, /events\.ndjson:3: skipped: unknown event kind "constructor"/);
  const folder = cli(path.join(runsDir, 'folder'));
  assert.equal(folder.status, 1, 'report on a folder in place of the log fails cleanly');
  assert.match(folder.stderr, /^training-lens report: .*events\.ndjson: a folder, not a regular file/m);
  assert.doesNotMatch(folder.stderr, /\n\s+at /, 'no stack trace');
});

test('empty logs and logs without run-start are shown as damaged and can be deleted', () => {
  const { runsDir } = workspace();
  const empty = addRun(runsDir, 'empty', '');
  const noStart = addRun(runsDir, 'no-start', batch('x', 0, 1) + end('x', 1));
  const runs = listRuns(runsDir);
  assert.deepEqual(
    runs
      .filter(r => r.status === 'damaged')
      .map(r => [r.runId, r.problem])
      .sort(),
    [
      ['empty', 'empty log'],
      ['no-start', 'no run-start event in the log'],
    ],
  );
  deleteRun(empty, runsDir);
  deleteRun(noStart);
  assert.deepEqual(
    listRuns(runsDir).map(r => r.runId),
    ['good'],
  );
});

test('rename never writes through a linked run.json', { skip: process.platform === 'win32' }, () => {
  const { root, good, runsDir } = workspace();
  const victim = path.join(root, 'victim.txt');
  fs.writeFileSync(victim, 'precious\n');
  fs.symlinkSync(victim, path.join(good, META_FILE));
  renameRun(good, 'baseline', runsDir);
  assert.equal(fs.readFileSync(victim, 'utf8'), 'precious\n', 'the link target is untouched');
  assert.ok(fs.lstatSync(path.join(good, META_FILE)).isFile(), 'run.json is now a regular file of the run');
  assert.equal(listRuns(runsDir)[0].name, 'baseline');
  fs.rmSync(path.join(good, META_FILE));
  fs.symlinkSync(victim, path.join(good, META_FILE));
  renameRun(good, '', runsDir);
  assert.ok(fs.existsSync(victim), 'removing the name removes the link, not its target');
  assert.ok(!fs.existsSync(path.join(good, META_FILE)));
});

test(
  'a run.json that is a link, a FIFO or junk gives no name and no hang',
  { skip: process.platform === 'win32' },
  () => {
    const { good, runsDir } = workspace();
    execFileSync('mkfifo', [path.join(good, META_FILE)]);
    const r = inChild(
      `console.log(JSON.stringify(lib.listRuns(${JSON.stringify(runsDir)}).map(x => x.name ?? null)));`,
    );
    assert.ok(!r.timedOut, 'a FIFO run.json does not block the listing');
    assert.deepEqual(JSON.parse(r.stdout), [null]);
    fs.rmSync(path.join(good, META_FILE));
    fs.writeFileSync(path.join(good, META_FILE), '{"__proto__": {"name": "x"}, "constructor": 1}');
    assert.equal(listRuns(runsDir)[0].name, undefined, 'an inherited name is no name');
  },
);

test('delete is confined to the runs folder after resolving links', { skip: process.platform === 'win32' }, () => {
  const { root, runsDir } = workspace();
  // a folder outside, looking like a run, reached through a link committed in the runs folder
  const outside = path.join(root, 'outside-run');
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, EVENTS_FILE), start('o'));
  fs.symlinkSync(outside, path.join(runsDir, 'linked'));
  deleteRun(path.join(runsDir, 'linked'), runsDir);
  assert.ok(fs.existsSync(path.join(outside, EVENTS_FILE)), 'the link target survives');
  assert.ok(!fs.existsSync(path.join(runsDir, 'linked')), 'the link itself is gone');
  // another folder that happens to be called `runs` is not this workspace's runs folder
  const other = path.join(root, 'elsewhere', 'runs', 'r1');
  fs.mkdirSync(other, { recursive: true });
  fs.writeFileSync(path.join(other, EVENTS_FILE), start('r1'));
  assert.throws(() => deleteRun(other, runsDir), /not a Training Lens run folder \(not directly inside/);
  assert.ok(fs.existsSync(other));
  assert.throws(
    () => deleteRun(path.join(runsDir, '..', '..', 'elsewhere'), runsDir),
    /not a Training Lens run folder/,
  );
  // a `.training-lens` that is a link: nothing under it is deleted or renamed
  const ws2 = tempDir('tl-store-');
  fs.symlinkSync(path.join(root, '.training-lens'), path.join(ws2, '.training-lens'));
  const viaLink = path.join(ws2, '.training-lens', 'runs', 'good');
  assert.throws(() => deleteRun(viaLink), /symbolic link/);
  assert.throws(() => renameRun(viaLink, 'x'), /symbolic link/);
  assert.ok(fs.existsSync(path.join(runsDir, 'good', EVENTS_FILE)));
  // a link inside a run folder is removed with the folder, its target stays
  const keep = path.join(root, 'keep.txt');
  fs.writeFileSync(keep, 'keep');
  fs.symlinkSync(keep, path.join(runsDir, 'good', 'model.json'));
  deleteRun(path.join(runsDir, 'good'), runsDir);
  assert.equal(fs.readFileSync(keep, 'utf8'), 'keep');
});

test('a run without run-end is running while its log grows, interrupted once it has not for a while', async () => {
  const { runsDir } = workspace();
  const dir = addRun(runsDir, 'live', start('live', 9) + batch('live', 0, 3) + batch('live', 1, 2.5));
  const lister = new RunLister();
  let [first] = await lister.list(runsDir);
  assert.deepEqual([first.runId, first.status, first.steps, first.finalLoss], ['live', 'running', 2, 2.5]);
  const old = new Date(Date.now() - 10 * 60_000);
  fs.utimesSync(path.join(dir, EVENTS_FILE), old, old);
  [first] = await lister.list(runsDir);
  assert.equal(first.status, 'interrupted', 'no run-end and no growth for 10 minutes: its process is gone');
  assert.equal(listRuns(runsDir)[0].status, 'interrupted', 'the synchronous listing agrees');
});

test("run.json naming the writer's pid decides: alive is running, gone is interrupted at once; rename keeps it", async () => {
  const { runsDir } = workspace();
  const live = addRun(runsDir, 'live', start('live', 9) + batch('live', 0, 3));
  const gone = addRun(runsDir, 'gone', start('gone', 8) + batch('gone', 0, 3));
  const elsewhere = addRun(runsDir, 'elsewhere', start('elsewhere', 7));
  const exited = spawnSync(process.execPath, ['-e', '0']).pid!;
  fs.writeFileSync(path.join(live, META_FILE), JSON.stringify({ pid: process.pid, host: os.hostname() }));
  fs.writeFileSync(path.join(gone, META_FILE), JSON.stringify({ pid: exited, host: os.hostname() }));
  fs.writeFileSync(path.join(elsewhere, META_FILE), JSON.stringify({ pid: exited, host: 'another-machine' }));
  const old = new Date(Date.now() - 10 * 60_000);
  fs.utimesSync(path.join(live, EVENTS_FILE), old, old);
  const status = async () => Object.fromEntries((await new RunLister().list(runsDir)).map(r => [r.runId, r.status]));
  assert.deepEqual(
    await status(),
    { live: 'running', gone: 'interrupted', elsewhere: 'running', good: 'ok' },
    'a live writer keeps a quiet log running; a dead one makes a fresh log interrupted; a pid from another host is not checked',
  );
  renameRun(live, 'mine', runsDir);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(live, META_FILE), 'utf8')), {
    name: 'mine',
    pid: process.pid,
    host: os.hostname(),
  });
  renameRun(live, '', runsDir);
  assert.deepEqual(
    JSON.parse(fs.readFileSync(path.join(live, META_FILE), 'utf8')),
    { pid: process.pid, host: os.hostname() },
    'removing the name keeps the pid',
  );
  assert.equal((await new RunLister().list(runsDir)).find(r => r.runId === 'live')?.name, undefined);
});

test('the listing reads only what changed: unchanged logs are not reopened, a grown log is read at its end', async () => {
  const { runsDir } = workspace();
  const dir = addRun(runsDir, 'live', start('live', 9) + batch('live', 0, 3));
  const lister = new RunLister();
  await lister.list(runsDir);
  assert.equal(lister.lastOpened, 2);
  await lister.list(runsDir);
  assert.equal(lister.lastOpened, 0, 'nothing changed: no log opened');
  fs.appendFileSync(path.join(dir, EVENTS_FILE), batch('live', 1, 2) + '{"runId":"live","seq":9,"t":9,"kind":"ba');
  const [live] = await lister.list(runsDir);
  assert.equal(lister.lastOpened, 1, 'only the grown log');
  assert.deepEqual([live.steps, live.finalLoss], [2, 2], 'the new batch counts, the half-written line does not');
  fs.appendFileSync(path.join(dir, EVENTS_FILE), 'tch"}\n' + end('live', 2));
  const [done] = await lister.list(runsDir);
  assert.deepEqual([done.status, done.steps], ['ok', 2]);
});

test('hparams() ignores nothing and swaps no prototype for keys named after Object.prototype', () => {
  const env = (o: string) => ({ TRAINING_LENS_HPARAMS: o });
  for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    assert.throws(
      () => hparams({ lr: 0.1 }, undefined, env(`{${JSON.stringify(key)}: {"polluted": 1}}`)),
      new RegExp(`the sweep sets '${key.replace(/_/g, '_')}', which is not one of the defaults`),
      key,
    );
  }
  const hp = hparams({ lr: 0.1 }, undefined, env('{"lr": 0.5}'));
  assert.equal(Object.getPrototypeOf(hp), Object.prototype);
  assert.equal((hp as Record<string, unknown>).polluted, undefined);
  assert.throws(
    () => hparams({ lr: 0.1 }, { toString: [1, 2] } as never, {}),
    /the search space names 'toString', which has no default/,
  );
});

test(
  'a sweep record linked to /dev/zero, or too big, is refused with a message naming the file',
  { skip: process.platform === 'win32' },
  () => {
    const dir = tempDir('tl-sweeps-');
    const linked = path.join(dir, 'linked.json');
    fs.symlinkSync('/dev/zero', linked);
    assert.throws(() => readSweepRecord(linked), /linked\.json: a symbolic link, not a regular file/);
    const big = path.join(dir, 'big.json');
    fs.writeFileSync(big, Buffer.alloc(17 << 20, 0x20));
    assert.throws(() => readSweepRecord(big), /big\.json: 17\.0 MB, over the 16\.0 MB Training Lens reads/);
  },
);

test('a log over the size limit is refused with its size, not read into memory', () => {
  const { runsDir, good } = workspace();
  const file = path.join(good, EVENTS_FILE);
  fs.truncateSync(file, (256 << 20) + 1); // sparse: no disk used
  assert.throws(() => readRunLog(file), /events\.ndjson: 256\.0 MB, over the 256\.0 MB Training Lens reads/);
  assert.notEqual(listRuns(runsDir)[0].status, 'damaged', 'the list still glances at it (run-start at the head)');
});

test('a .gitignore of `*` goes only into a folder Training Lens created or owns, never over a file', async () => {
  const { prepareArtefactDir } = await import('../../src/runs/ignore');
  const project = tempDir('tl-project-');
  fs.writeFileSync(path.join(project, 'train.ts'), '');
  assert.equal(prepareArtefactDir(project), false, '`--runs-dir .`: the project folder existed and is not ours');
  assert.ok(!fs.existsSync(path.join(project, '.gitignore')), 'no .gitignore hides the project from git');
  const runs = path.join(project, '.training-lens', 'runs');
  assert.equal(prepareArtefactDir(runs), true);
  assert.equal(fs.readFileSync(path.join(runs, '.gitignore'), 'utf8'), '# Training Lens run logs\n*\n');
  assert.equal(prepareArtefactDir(runs), false, 'written once');
  const fresh = path.join(project, 'my-runs');
  assert.equal(prepareArtefactDir(fresh), true, 'a folder created for the runs is ours');
  const linked = path.join(project, '.training-lens', 'sweeps');
  fs.mkdirSync(linked);
  fs.symlinkSync(path.join(project, 'train.ts'), path.join(linked, '.gitignore'));
  assert.equal(prepareArtefactDir(linked, 'Training Lens sweep records'), false, 'a .gitignore link is left alone');
  assert.equal(fs.readFileSync(path.join(project, 'train.ts'), 'utf8'), '', 'and its target is not written');
});

test('a job that sends prototype-named event kinds on the event pipe gets them rejected; the run still ends with run-end', async () => {
  const { runJob } = await import('./helpers');
  const { end, problems, handle } = await runJob('proto-kinds.train.ts', { backend: 'cpu' });
  assert.equal(end.status, 'ok', `the run ends normally: ${end.error?.message}`);
  assert.deepEqual(
    problems.filter(p => /unknown event kind/.test(p)).length,
    3,
    `each bad message is reported: ${problems.join('; ')}`,
  );
  const log = readRunLog(handle.logFile);
  assert.equal(log.events.at(-1)?.kind, 'run-end', 'the log ends with run-end');
  assert.deepEqual(log.problems, []);
});

test(
  'a runs folder reached through a linked .training-lens is not listed; the reason names the link',
  { skip: process.platform === 'win32' },
  async () => {
    const { root } = workspace();
    const ws2 = tempDir('tl-store-');
    fs.symlinkSync(path.join(root, '.training-lens'), path.join(ws2, '.training-lens'));
    const runsDir = path.join(ws2, '.training-lens', 'runs');
    assert.throws(
      () => listRuns(runsDir),
      /\.training-lens is a symbolic link; Training Lens does not follow links in its runs folder/,
    );
    await assert.rejects(new RunLister().list(runsDir), /\.training-lens is a symbolic link/);
  },
);
