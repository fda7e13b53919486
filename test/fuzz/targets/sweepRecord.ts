/**
 * The sweep record reader: `.training-lens/sweeps/<id>.json` as anyone may leave it — the fixture record with a field
 * mutated, JSON noise, cut-off text, and in place of the file a link (to /dev/zero, to a folder), a FIFO or a
 * folder. readSweepRecord returns a valid record or throws an error that names the file; settling it never throws.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { readSweepRecord, settleInterrupted } from '../../../src/sweep/record';
import { parseSweepRecord } from '../../../src/protocol';
import { expectDocumented, type FuzzTargetSpec } from './spec';

const FIXTURE = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'sweep', 'record.json'), 'utf8'),
) as Record<string, unknown>;
let dir = '';
let fifo = '';
let n = 0;

const mutated = fc
  .record({
    key: fc.constantFrom(
      'version',
      'id',
      'status',
      'seed',
      'trials',
      'space',
      'defaults',
      'metric',
      'concurrency',
      '__proto__',
      'constructor',
    ),
    value: fc.jsonValue({ maxDepth: 3 }),
    trialKey: fc.option(
      fc.constantFrom('status', 'hparams', 'rank', 'runId', 'runDir', 'epochsDone', 'score', 'toString'),
      { nil: undefined },
    ),
    cut: fc.option(fc.nat(), { nil: undefined }),
  })
  .map(({ key, value, trialKey, cut }) => {
    const r = JSON.parse(JSON.stringify(FIXTURE)) as Record<string, unknown>;
    if (trialKey && Array.isArray(r.trials) && r.trials[0])
      Object.defineProperty(r.trials[0], trialKey, { value, enumerable: true, configurable: true, writable: true });
    else Object.defineProperty(r, key, { value, enumerable: true, configurable: true, writable: true });
    const text = JSON.stringify(r);
    return cut === undefined ? text : text.slice(0, cut % (text.length + 1));
  });

type Input = { kind: 'text'; text: string } | { kind: 'zero' | 'fifo' | 'folder' | 'dangling' | 'link-folder' };
const spec: FuzzTargetSpec<Input> = {
  arbitrary: fc.oneof(
    { weight: 6, arbitrary: mutated.map(text => ({ kind: 'text' as const, text })) },
    {
      weight: 2,
      arbitrary: fc.jsonValue({ maxDepth: 4 }).map(v => ({ kind: 'text' as const, text: JSON.stringify(v) ?? '' })),
    },
    {
      weight: 1,
      arbitrary: fc.string({ unit: 'binary', maxLength: 100 }).map(text => ({ kind: 'text' as const, text })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('zero', 'fifo', 'folder', 'dangling', 'link-folder').map(kind => ({ kind }) as Input),
    },
  ),
  setup() {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-fuzz-sweep-'));
    fifo = path.join(dir, 'fifo');
    if (process.platform !== 'win32') execFileSync('mkfifo', [fifo]);
  },
  teardown() {
    fs.rmSync(dir, { recursive: true, force: true });
  },
  check(input) {
    const file = path.join(dir, `${n++}.json`);
    switch (input.kind) {
      case 'text':
        fs.writeFileSync(file, input.text);
        break;
      case 'zero':
        fs.symlinkSync('/dev/zero', file);
        break;
      case 'fifo':
        if (fifo) fs.linkSync(fifo, file);
        else fs.writeFileSync(file, '');
        break;
      case 'folder':
        fs.mkdirSync(file);
        break;
      case 'dangling':
        fs.symlinkSync(path.join(dir, 'nowhere'), file);
        break;
      case 'link-folder':
        fs.symlinkSync(dir, file);
        break;
    }
    try {
      const record = readSweepRecord(file);
      if (!parseSweepRecord(record).ok) throw new Error('readSweepRecord returned a record that does not validate');
      settleInterrupted(record);
    } catch (e) {
      expectDocumented(e, m => m.startsWith(file), 'readSweepRecord');
    } finally {
      fs.rmSync(file, { recursive: true, force: true });
    }
  },
};
export default spec;
