/**
 * The event reader: one NDJSON line from a log or the runner child (JSON noise, valid events with a field mutated,
 * kinds named after Object.prototype, truncated lines) through parseEvent / validateEvent, whole logs through
 * parseRunLog and the Runs view's glance. Nothing may throw; a rejection carries a reason.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseEvent, validateEvent } from '../../../src/protocol';
import { parseRunLog } from '../../../src/runs/store';
import { glanceLog, runGlanceSync } from '../../../src/runs/logGlance';
import type { FuzzTargetSpec } from './spec';

const ROOT = path.join(__dirname, '..', '..', '..');
const SAMPLES = (() => {
  const lines = fs
    .readFileSync(path.join(ROOT, 'test', 'fixtures', 'runs', 'recorded', 'events.ndjson'), 'utf8')
    .split('\n')
    .filter(Boolean);
  const byKind = new Map<string, string[]>();
  for (const l of lines) {
    const k = JSON.parse(l).kind as string;
    byKind.set(k, [...(byKind.get(k) ?? []), l].slice(0, 5));
  }
  return [...byKind.values()].flat().map(l => JSON.parse(l) as Record<string, unknown>);
})();
const KINDS = [
  'run-start',
  'fit-start',
  'batch',
  'epoch',
  'grad-norms',
  'histogram',
  'dead-units',
  'activation-stats',
  'finding',
  'log',
  'run-end',
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'isPrototypeOf',
  '',
];

const mutatedEvent = fc
  .record({
    sample: fc.constantFrom(...SAMPLES),
    kind: fc.option(fc.oneof(fc.constantFrom(...KINDS), fc.string()), { nil: undefined }),
    key: fc.option(
      fc.oneof(
        fc.constantFrom(
          'runId',
          'seq',
          't',
          'step',
          'loss',
          'logs',
          'layers',
          'status',
          'metrics',
          '__proto__',
          'constructor',
        ),
        fc.string(),
      ),
      { nil: undefined },
    ),
    value: fc.jsonValue({ maxDepth: 3 }),
    drop: fc.boolean(),
    cut: fc.option(fc.nat(), { nil: undefined }),
  })
  .map(({ sample, kind, key, value, drop, cut }) => {
    const e: Record<string, unknown> = JSON.parse(JSON.stringify(sample));
    if (kind !== undefined) e.kind = kind;
    if (key !== undefined) {
      if (drop) delete e[key];
      else Object.defineProperty(e, key, { value, enumerable: true, writable: true, configurable: true });
    }
    const text = JSON.stringify(e);
    return cut === undefined ? text : text.slice(0, cut % (text.length + 1));
  });

const line = fc.oneof(
  { weight: 5, arbitrary: mutatedEvent },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map(v => JSON.stringify(v) ?? 'null') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(...KINDS).map(k => `{"kind":${JSON.stringify(k)},"runId":"r","seq":0,"t":0}`),
  },
);

const spec: FuzzTargetSpec<string[]> = {
  arbitrary: fc.array(line, { minLength: 1, maxLength: 6 }),
  check(lines) {
    for (const l of lines) {
      const r = parseEvent(l);
      if (
        r.ok
          ? typeof r.value.kind !== 'string' || !KINDS.slice(0, 11).includes(r.value.kind)
          : typeof r.reason !== 'string' || !r.reason
      )
        throw new Error(`parseEvent gave ${JSON.stringify(r)}`);
      let value: unknown;
      try {
        value = JSON.parse(l);
      } catch {
        continue;
      }
      const v = validateEvent(value);
      if (v.ok !== r.ok) throw new Error('validateEvent and parseEvent disagree');
    }
    const text = lines.join('\n') + (lines.length % 2 ? '\n' : '');
    const log = parseRunLog(text);
    if (log.events.length + log.problems.length > text.split('\n').length)
      throw new Error('parseRunLog found more lines than there are');
    const buf = Buffer.from(text);
    const glance = runGlanceSync(glanceLog(buf.length), r => buf.subarray(r.position, r.position + r.length));
    if (!glance.start && !glance.problem) throw new Error('a glance without run-start must say why');
  },
};
export default spec;
