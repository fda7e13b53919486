/**
 * Causes over symptoms on real training (wasm, through the runner): every job in test/fixtures/diagnosis-tune raises
 * exactly the findings its expected.json lists (code, layer, line, severity) and its silent twin raises none.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runJob, ROOT, type Finished } from './helpers';

const DIR = path.join(ROOT, 'test', 'fixtures', 'diagnosis-tune');
interface Spec {
  job: string;
  shows: string;
  expected: string[];
}
const specs = (JSON.parse(fs.readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as { jobs: Spec[] }).jobs;

let running = 0;
const queue: Array<() => void> = [];
const results = new Map<string, Promise<Finished>>();
function run(job: string): Promise<Finished> {
  let p = results.get(job);
  if (!p) {
    p = new Promise<void>(resolve => {
      if (running < 2) {
        running++;
        resolve();
      } else
        queue.push(() => {
          running++;
          resolve();
        });
    })
      .then(() => runJob(path.join(DIR, job), { backend: 'wasm' }))
      .finally(() => {
        running--;
        queue.shift()?.();
      });
    results.set(job, p);
  }
  return p;
}

describe('diagnosis reproduction jobs (real runner, wasm)', { skip: process.env.TL_DIAGNOSIS_FIXTURES === '0' }, () => {
  before(() => {
    specs.forEach(s => run(s.job));
  });
  for (const spec of specs) {
    test(`${spec.job}: ${spec.expected.length ? spec.expected.join(', ') : 'silent'} (${spec.shows})`, async () => {
      const { events, end, problems } = await run(spec.job);
      assert.deepEqual(problems, [], 'events valid');
      assert.equal(end.status, 'ok', end.error?.message);
      // runtime findings (the guideline check of the model at fit start adds static ones: guidelines-modelcheck.test.ts)
      const found = events.flatMap(e => (e.kind === 'finding' && e.finding.source === 'runtime' ? [e.finding] : []));
      const got = found
        .map(f => `${f.code}${f.layer ? '@' + f.layer : ''}:${f.range?.start.line} ${f.severity}`)
        .sort();
      assert.deepEqual(
        got,
        [...spec.expected].sort(),
        found.map(f => `${f.code} ${f.layer ?? ''}: ${f.message}`).join('\n'),
      );
      for (const f of found) assert.equal(f.file, path.join(DIR, spec.job), `${f.code} points at the job file`);
    });
  }
});
