/**
 * Run notes and tags (notes.json as untrusted input), the Runs view filter (TensorBoard-style regex), and the
 * grouping of runs that differ only in seed with the mean ± std band the dashboard draws over them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from './helpers';
import { listRuns, describeRun, EVENTS_FILE } from '../../src/runs/store';
import { RunLister } from '../../src/runs/listing';
import {
  NOTES_FILE,
  NOTES_MAX_BYTES,
  parseTagList,
  readNotesSync,
  writeNotes,
  NOTE_MAX_CHARS,
} from '../../src/runs/notes';
import { compileRunFilter } from '../../src/runs/filter';
import { meanStdBand, seedGroupKey, seedGroups } from '../../src/protocol/seeds';
import type { RunRecord } from '../../src/runs/layout';

function runFolder(runsDir: string, id: string, jobFile = '/w/mnist.train.ts'): string {
  const dir = path.join(runsDir, id);
  fs.mkdirSync(dir, { recursive: true });
  const start = {
    kind: 'run-start',
    runId: id,
    seq: 0,
    t: 0,
    jobFile,
    backend: 'cpu',
    startedAt: '2026-12-01T10:00:00.000Z',
  };
  const end = { kind: 'run-end', runId: id, seq: 1, t: 5, status: 'ok', steps: 0, durationMs: 5 };
  fs.writeFileSync(path.join(dir, EVENTS_FILE), JSON.stringify(start) + '\n' + JSON.stringify(end) + '\n');
  return dir;
}

test('notes and tags: written, listed, normalized; removing both removes the file', async () => {
  const runsDir = path.join(tempDir(), '.training-lens', 'runs');
  const dir = runFolder(runsDir, 'r1');
  const saved = writeNotes(dir, { note: '  baseline, lr from the sweep  ', tags: ['baseline', ' Adam ', 'adam', ''] });
  assert.deepEqual(saved, { note: 'baseline, lr from the sweep', tags: ['baseline', 'Adam'] }, 'trimmed, deduplicated');
  const listed = listRuns(runsDir)[0];
  assert.equal(listed.note, 'baseline, lr from the sweep', 'the synchronous listing shows the note');
  assert.deepEqual(listed.tags, ['baseline', 'Adam']);
  const async = (await new RunLister().list(runsDir))[0];
  assert.deepEqual([async.note, async.tags], [listed.note, listed.tags], 'the Runs view listing shows them too');
  writeNotes(dir, { note: '', tags: [] });
  assert.equal(fs.existsSync(path.join(dir, NOTES_FILE)), false, 'nothing left: no file');
  assert.equal(describeRun(dir)?.note, undefined);
  assert.deepEqual(parseTagList('a, b ,,c'), ['a', 'b', 'c']);
  assert.throws(() => parseTagList('x'.repeat(41)), /a tag is over 40 characters/);
});

test('a bad notes.json names itself and why; the run still lists', () => {
  const runsDir = path.join(tempDir(), '.training-lens', 'runs');
  const dir = runFolder(runsDir, 'r1');
  const file = path.join(dir, NOTES_FILE);
  const cases: [string, RegExp][] = [
    ['{"note": "unclosed', /notes\.json: invalid JSON/],
    ['[1, 2]', /notes\.json: .*expected object/i],
    ['{"note": 3}', /notes\.json: note: .*expected string/i],
    [JSON.stringify({ note: 'x'.repeat(NOTE_MAX_CHARS + 1) }), /notes\.json: note: the note is over 4000 characters/],
    [JSON.stringify({ tags: Array.from({ length: 33 }, (_, i) => `t${i}`) }), /notes\.json: tags: more than 32 tags/],
    [JSON.stringify({ tags: ['a\u0007b'] }), /tags\.0: a tag holds a comma or a control character/],
    [JSON.stringify({ note: 'ok', extra: 1 }), /notes\.json: .*extra/i],
    ['{"note":"' + 'x'.repeat(NOTES_MAX_BYTES) + '"}', /notes\.json: 64\.0 KB, over the 64\.0 KB Training Lens reads/],
  ];
  for (const [text, why] of cases) {
    fs.writeFileSync(file, text);
    const r = readNotesSync(dir);
    assert.deepEqual(r.notes, {}, `${text.slice(0, 30)}: no notes taken`);
    assert.match(r.problem ?? '', why, `${text.slice(0, 30)}: the problem says why`);
    assert.ok(r.problem!.includes(file), 'the problem names the file');
    const listed = listRuns(runsDir);
    assert.equal(listed[0].status, 'ok', 'the run still lists');
    assert.match(listed[0].notesProblem ?? '', why);
  }
  fs.rmSync(file);
  fs.symlinkSync('/dev/zero', file);
  assert.match(readNotesSync(dir).problem ?? '', /symbolic link, not a regular file/, 'a link is not followed');
  writeNotes(dir, { note: 'replaces the link' });
  assert.equal(fs.lstatSync(file).isSymbolicLink(), false, 'writing replaces the link, never writes through it');
  assert.equal(readNotesSync(dir).notes.note, 'replaces the link');
  assert.throws(() => writeNotes(path.join(tempDir(), 'elsewhere'), { note: 'x' }), /not a Training Lens run folder/);
});

const rec = (over: Partial<RunRecord>): RunRecord => ({
  runId: '2026-12-01T10-00-00-000Z-mnist-abcd',
  dir: '/w/.training-lens/runs/x',
  jobFile: '/w/jobs/mnist.train.ts',
  startedAt: '2026-12-01T10:00:00.000Z',
  status: 'ok',
  steps: 10,
  ...over,
});

test('the filter: case-insensitive regex over label, job file, tags and note; invalid regex is a message', () => {
  const match = (src: string, r: RunRecord) => {
    const f = compileRunFilter(src);
    assert.ok(f.ok, `${src} compiles`);
    return f.matches(r);
  };
  assert.equal(match('', rec({})), true, 'empty matches all');
  assert.equal(match('MNIST', rec({})), true, 'job file, any case');
  assert.equal(match('^baseline$', rec({ name: 'baseline' })), true, 'the name the user gave');
  assert.equal(match('^baseline$', rec({})), false);
  assert.equal(match('adam|sgd', rec({ tags: ['SGD'] })), true, 'a tag');
  assert.equal(match('from the sweep', rec({ note: 'lr from the sweep' })), true, 'the note');
  assert.equal(match('cifar', rec({ note: 'mnist' })), false);
  const bad = compileRunFilter('(unclosed');
  assert.equal(bad.ok, false);
  assert.ok(
    !bad.ok && /Invalid regular expression: .*\(unclosed.*Unterminated group/.test(bad.error),
    !bad.ok ? bad.error : '',
  );
});

test('seed groups: same job and hyper-parameters but the seed; mean ± sample std over the common steps', () => {
  const key = (job: string, h?: Record<string, number | string | boolean>) => seedGroupKey(job, h);
  assert.equal(key('/a.ts', { lr: 0.1, seed: 1 }), key('/a.ts', { seed: 2, lr: 0.1 }), 'seed and key order ignored');
  assert.equal(key('/a.ts', { lr: 0.1, randomSeed: 1 }), key('/a.ts', { lr: 0.1 }), 'an absent seed is a seed too');
  assert.notEqual(key('/a.ts', { lr: 0.1, seed: 1 }), key('/a.ts', { lr: 0.2, seed: 1 }), 'other hparams differ');
  assert.notEqual(key('/a.ts', { seed: 1 }), key('/b.ts', { seed: 1 }), 'other job');
  assert.equal(key('/a.ts'), key('/a.ts', {}), 'no hparams: plain runs of one job are replicas');
  const runs = [
    { id: 'a', k: key('/a.ts', { lr: 1, seed: 1 }) },
    { id: 'b', k: key('/b.ts') },
    { id: 'c', k: key('/a.ts', { lr: 1, seed: 2 }) },
    { id: 'd', k: key('/a.ts', { lr: 1, seed: 3 }) },
  ];
  assert.deepEqual(
    seedGroups(runs, r => r.k).map(g => g.map(r => r.id)),
    [['a', 'c', 'd']],
    'one group of three; a single run is no group',
  );
  const band = meanStdBand([
    [
      { x: 0, y: 1 },
      { x: 1, y: 2 },
      { x: 2, y: 5 },
    ],
    [
      { x: 0, y: 3 },
      { x: 1, y: 4 },
    ],
    [
      { x: 0, y: 5 },
      { x: 1, y: 9 },
      { x: 2, y: 1 },
    ],
  ]);
  assert.deepEqual(
    band.map(p => p.x),
    [0, 1],
    'only the steps every run has',
  );
  assert.equal(band[0].mean, 3);
  assert.equal(band[0].std, 2, 'sample std of 1, 3, 5');
  assert.equal(band[1].mean, 5);
  assert.ok(Math.abs(band[1].std - Math.sqrt(13)) < 1e-12, 'sample std of 2, 4, 9');
});
