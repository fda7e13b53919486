/**
 * Output faults, with real processes: a job that prints 200k lines and a 50 MB line (nothing may be lost), and a
 * disk that fills up under the run log (a real 1 MB tmpfs when mount is permitted, else an injected ENOSPC).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runJob, tempDir, ROOT } from './helpers';
import { readRunLog } from '../../src/runs/store';

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

test('200,000 lines and one 50 MB line: every line arrives, in order, and the run ends ok', async t => {
  const jobFile = job(`for (let i = 0; i < 200_000; i++) console.log('line ' + i);
console.log('y'.repeat(50_000_000));
console.log('last line');
`);
  const t0 = Date.now();
  const { events, end, handle, problems } = await runJob(jobFile, { backend: 'cpu' });
  t.diagnostic(
    `${events.length} events in ${((Date.now() - t0) / 1000).toFixed(1)} s, log ${(fs.statSync(handle.logFile).size / 2 ** 20).toFixed(1)} MB`,
  );
  assert.equal(end.status, 'ok', end.error?.message);
  assert.deepEqual(problems, []);
  const lines = events.flatMap(e => (e.kind === 'log' && e.stream === 'stdout' ? [e.text] : []));
  assert.equal(lines.length, 200_002, 'lines received');
  for (let i = 0; i < 200_000; i++)
    if (lines[i] !== `line ${i}`) assert.fail(`line ${i} is ${JSON.stringify(lines[i].slice(0, 40))}`);
  assert.equal(lines[200_000].length, 50_000_000, 'the 50 MB line is whole');
  assert.equal(lines[200_001], 'last line');
  const log = readRunLog(handle.logFile);
  assert.deepEqual(log.problems, []);
  assert.equal(log.events.length, events.length, 'the log holds every event');
  assert.equal(log.events.at(-1)?.kind, 'run-end');
});

/** A 1 MB tmpfs (root in a container may mount); undefined when mounting is not permitted. */
function smallDisk(): { dir: string; release(): void } | undefined {
  const dir = tempDir('tl-disk-');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  return { dir, release: () => spawnSync('umount', ['-l', dir]) };
}

const CHATTY = `for (let i = 0; i < 100_000; i++) console.log('chatter line ' + i + ' ' + 'z'.repeat(60));\n`;

test('a disk that fills up: the run ends with "disk full: <log>", no torn line, the CLI exits 1 saying so', async t => {
  const disk = smallDisk();
  t.diagnostic(disk ? 'disk full on a real 1 MB tmpfs' : 'mount not permitted: ENOSPC injected into the log writer');
  try {
    const runsDir = disk ? path.join(disk.dir, 'runs') : tempDir();
    let written = 0;
    // fallback: the file system's behaviour on a full disk, a short write and then ENOSPC, after 1 MB (plus what
    // the writer's reserve file gives back when it is removed)
    const logIo = disk
      ? undefined
      : ({
          writeSync: (fd: number, buf: Uint8Array, off?: number, len?: number) => {
            const reserved = fs.existsSync(fs.readlinkSync(`/proc/self/fd/${fd}`) + '.reserve');
            const room = 1_000_000 + (reserved ? 0 : 8192) - written;
            if (room <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
            const n = fs.writeSync(fd, buf, off, Math.min(len ?? buf.length, room));
            written += n;
            return n;
          },
        } as unknown as typeof fs);
    const jobFile = job(CHATTY);
    const t0 = Date.now();
    const { events, end, handle } = await runJob(jobFile, { backend: 'cpu', runsDir, logIo });
    assert.equal(end.status, 'error');
    assert.equal(end.error!.message, `disk full: ${handle.logFile}`);
    assert.ok(Date.now() - t0 < 30_000, 'the run stopped instead of training on unrecorded');
    const log = readRunLog(handle.logFile);
    assert.deepEqual(log.problems, [], 'no torn line');
    assert.deepEqual(log.events, events, 'the log is what the listeners saw, up to where the disk filled');
    assert.ok(log.events.length > 1000, 'the log kept everything written before the disk filled');
    const last = log.events.at(-1);
    assert.ok(
      last?.kind === 'run-end' && last.error?.message === end.error!.message,
      'the log itself ends with the disk-full run-end',
    );
    assert.deepEqual(
      fs.readdirSync(handle.runDir).filter(f => f.includes('reserve')),
      [],
      'the reserve is released',
    );
    t.diagnostic(
      `disk full after ${log.events.length} events (${fs.statSync(handle.logFile).size} bytes), stopped in ${Date.now() - t0} ms`,
    );

    if (disk) {
      // the CLI on the same full disk (free it first: the previous run filled it)
      fs.rmSync(runsDir, { recursive: true, force: true });
      const r = spawnSync(process.execPath, [BIN, 'train', jobFile, '--backend', 'cpu', '--runs-dir', runsDir], {
        encoding: 'utf8',
        timeout: 60_000,
        maxBuffer: 64 << 20,
      });
      assert.equal(r.status, 1, r.stderr.slice(-2000));
      assert.match(r.stdout, /error: disk full: .*events\.ndjson/);
      const runDir = fs.readdirSync(runsDir).find(d => !d.startsWith('.'))!;
      assert.deepEqual(readRunLog(path.join(runsDir, runDir, 'events.ndjson')).problems, [], 'no torn line (CLI)');
    }
  } finally {
    disk?.release();
  }
});
