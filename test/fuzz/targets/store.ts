/**
 * The run store on random folder trees, as a cloned repository could commit them: run folders (or links in their
 * place) whose events.ndjson and run.json are logs of mixed valid and broken lines, empty, folders, FIFOs, links to
 * /dev/zero, to files and folders outside, or dangling. The synchronous and asynchronous listings, describe, read,
 * rename and delete must not throw anything but their documented errors, must not hang, and must never change
 * anything outside the runs folder.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import {
  listRuns,
  describeRun,
  readRunLog,
  renameRun,
  deleteRun,
  EVENTS_FILE,
  META_FILE,
} from '../../../src/runs/store';
import { RunLister } from '../../../src/runs/listing';
import { UnsafeFileError } from '../../../src/runs/safeFile';
import { expectDocumented, type FuzzTargetSpec } from './spec';

const STATUSES = new Set(['running', 'ok', 'error', 'cancelled', 'interrupted', 'damaged']);
const line = (o: object) => JSON.stringify(o);
const LINES = [
  line({
    runId: 'r',
    seq: 0,
    t: 0,
    kind: 'run-start',
    jobFile: '/w/job.train.ts',
    backend: 'cpu',
    startedAt: '2026-11-23T17:00:00.000Z',
  }),
  line({ runId: 'r', seq: 1, t: 1, kind: 'batch', step: 0, epoch: 0, batch: 0, loss: 1.5, metrics: {}, lr: 0.01 }),
  line({
    runId: 'r',
    seq: 2,
    t: 2,
    kind: 'run-end',
    status: 'error',
    steps: 1,
    durationMs: 2,
    error: { message: 'boom [x](command:y)' },
  }),
  line({ runId: 'r', seq: 1, t: 1, kind: 'constructor' }),
  line({ kind: '__proto__' }),
  '{"kind":"toString"',
  'not json',
  '',
  '{}',
  '[]',
  'null',
];
const content = fc.oneof(
  fc
    .array(fc.oneof(fc.constantFrom(...LINES), fc.string({ maxLength: 40 })), { maxLength: 6 })
    .chain(ls => fc.boolean().map(nl => ls.join('\n') + (nl ? '\n' : ''))),
  fc.string({ unit: 'binary', maxLength: 200 }),
);
const FILE_KINDS = [
  'absent',
  'text',
  'text',
  'text',
  'empty',
  'folder',
  'fifo',
  'zero',
  'outside-file',
  'outside-dir',
  'dangling',
] as const;
const entry = fc.record({
  name: fc.oneof(
    fc.constantFrom('a', 'b', 'run 1', '..x', '__proto__', 'constructor', '.hidden'),
    fc.stringMatching(/^[\w.-]{1,12}$/).filter(n => n !== '.' && n !== '..'),
  ),
  folder: fc.constantFrom('dir', 'dir', 'dir', 'link-outside-dir', 'link-runs', 'file', 'dangling'),
  events: fc.constantFrom(...FILE_KINDS),
  eventsText: content,
  meta: fc.constantFrom(...FILE_KINDS),
  metaText: fc.oneof(
    fc.jsonValue({ maxDepth: 2 }).map(v => JSON.stringify(v) ?? ''),
    fc.constant('{"name":"n"}'),
    fc.constant('{"__proto__":{"name":"p"}}'),
  ),
  rename: fc.oneof(fc.constant(''), fc.string({ maxLength: 20 })),
});

let root = '';
let fifo = '';
let outside = '';
let n = 0;
const SENTINEL = 'do not touch\n';

function place(file: string, kind: (typeof FILE_KINDS)[number], text: string): void {
  switch (kind) {
    case 'absent':
      return;
    case 'text':
      fs.writeFileSync(file, text);
      return;
    case 'empty':
      fs.writeFileSync(file, '');
      return;
    case 'folder':
      fs.mkdirSync(file);
      return;
    case 'fifo':
      if (fifo) fs.linkSync(fifo, file);
      return;
    case 'zero':
      fs.symlinkSync('/dev/zero', file);
      return;
    case 'outside-file':
      fs.symlinkSync(path.join(outside, 'file.txt'), file);
      return;
    case 'outside-dir':
      fs.symlinkSync(path.join(outside, 'run'), file);
      return;
    case 'dangling':
      fs.symlinkSync(path.join(outside, 'nowhere'), file);
      return;
  }
}

function outsideIntact(): void {
  if (fs.readFileSync(path.join(outside, 'file.txt'), 'utf8') !== SENTINEL)
    throw new Error('a file outside the runs folder was changed');
  if (fs.readFileSync(path.join(outside, 'run', EVENTS_FILE), 'utf8') !== LINES[0] + '\n')
    throw new Error('a run outside the runs folder was changed');
  if (fs.existsSync(path.join(outside, 'run', META_FILE))) throw new Error('a rename wrote outside the runs folder');
}

const documented = (m: string) =>
  /is not a Training Lens run folder|symbolic link|not a regular file|does not exist|not a folder|Training Lens reads/.test(
    m,
  );

type Entry = {
  name: string;
  folder: string;
  events: (typeof FILE_KINDS)[number];
  eventsText: string;
  meta: (typeof FILE_KINDS)[number];
  metaText: string;
  rename: string;
};
const spec: FuzzTargetSpec<Entry[]> = {
  arbitrary: fc.uniqueArray(entry, { maxLength: 5, selector: e => e.name }),
  setup() {
    // tmpfs when there is one: thousands of small trees are created and removed
    root = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'tl-fuzz-store-'));
    outside = path.join(root, 'outside');
    fs.mkdirSync(path.join(outside, 'run'), { recursive: true });
    fs.writeFileSync(path.join(outside, 'file.txt'), SENTINEL);
    fs.writeFileSync(path.join(outside, 'run', EVENTS_FILE), LINES[0] + '\n');
    fifo = path.join(root, 'fifo');
    if (process.platform !== 'win32') execFileSync('mkfifo', [fifo]);
  },
  teardown() {
    fs.rmSync(root, { recursive: true, force: true });
  },
  async check(entries) {
    const runsDir = path.join(root, `ws${n++}`, '.training-lens', 'runs');
    fs.mkdirSync(runsDir, { recursive: true });
    try {
      for (const e of entries) {
        const dir = path.join(runsDir, e.name);
        if (e.folder === 'link-outside-dir') {
          fs.symlinkSync(path.join(outside, 'run'), dir);
          continue;
        }
        if (e.folder === 'link-runs') {
          fs.symlinkSync(runsDir, dir);
          continue;
        }
        if (e.folder === 'dangling') {
          fs.symlinkSync(path.join(outside, 'nowhere'), dir);
          continue;
        }
        if (e.folder === 'file') {
          fs.writeFileSync(dir, e.eventsText);
          continue;
        }
        fs.mkdirSync(dir);
        place(path.join(dir, EVENTS_FILE), e.events, e.eventsText);
        place(path.join(dir, META_FILE), e.meta, e.metaText);
      }
      const sync = listRuns(runsDir);
      const async = await new RunLister().list(runsDir);
      if (JSON.stringify(sync.map(r => [r.runId, r.status])) !== JSON.stringify(async.map(r => [r.runId, r.status]))) {
        throw new Error(
          `the listings disagree: ${JSON.stringify(sync.map(r => [r.runId, r.status]))} vs ${JSON.stringify(async.map(r => [r.runId, r.status]))}`,
        );
      }
      for (const r of sync) {
        if (!STATUSES.has(r.status)) throw new Error(`status ${r.status}`);
        if (r.status === 'damaged' && !r.problem) throw new Error('a damaged run must say why');
        describeRun(r.dir);
        try {
          readRunLog(path.join(r.dir, EVENTS_FILE));
        } catch (e) {
          if (
            !(e instanceof UnsafeFileError) &&
            !['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '')
          )
            throw e;
        }
      }
      for (const r of sync) {
        const e = entries.find(x => x.name === r.runId)!;
        try {
          renameRun(r.dir, e.rename, runsDir);
        } catch (err) {
          expectDocumented(err, documented, 'renameRun');
        }
        try {
          deleteRun(r.dir, runsDir);
        } catch (err) {
          expectDocumented(err, documented, 'deleteRun');
        }
      }
      outsideIntact();
      if (!fs.existsSync(runsDir)) throw new Error('a delete removed the runs folder itself');
    } finally {
      fs.rmSync(path.dirname(path.dirname(runsDir)), { recursive: true, force: true });
    }
  },
};
export default spec;
