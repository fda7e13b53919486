/**
 * Export of several runs at once, checked against real trained runs: two cpu runs of the custom-log fixture (seeds
 * 1 and 2) are exported through the CLI command as CSV and JSON; the CSV, read back with a real CSV parser, holds
 * every batch loss, every epoch value, the learning rate, the gradient norms, the custom scalars and every
 * histogram bin exactly as the run log has them, and the JSON the same. Bad run arguments give clear errors.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { runJob, ROOT, tempDir } from './helpers';
import { readRunLog, EVENTS_FILE } from '../../src/runs/store';
import { exportCommand } from '../../src/cli/export';
import { csvText, CSV_HEADER } from '../../src/runs/export';
import type { RunEvent } from '../../src/protocol';

const JOB = path.join(ROOT, 'test', 'fixtures', 'toolkit', 'custom-log.train.ts');
let runsDir = '';
const runs: { dir: string; runId: string; events: RunEvent[] }[] = [];

before(async () => {
  runsDir = path.join(tempDir('tl-export-'), '.training-lens', 'runs');
  for (const seed of [1, 2]) {
    const { handle, end } = await runJob(JOB, { backend: 'cpu', runsDir, hparams: { lr: 0.05, seed } });
    assert.equal(end.status, 'ok', `fixture run (seed ${seed}) failed: ${end.error?.message}`);
    const log = readRunLog(path.join(handle.runDir, EVENTS_FILE));
    runs.push({ dir: handle.runDir, runId: handle.runId, events: log.events });
  }
});

function exportTo(args: string[]): { code: number; err: string[]; out: string } {
  const err: string[] = [];
  let out = '';
  const code = exportCommand(args, { out: t => (out += t), err: l => err.push(l) });
  return { code, err, out };
}

type Row = Record<(typeof CSV_HEADER)[number], string>;

test('CSV export of two runs: every scalar and histogram bin of the run logs, readable by a CSV parser', () => {
  const file = path.join(tempDir(), 'runs.csv');
  const r = exportTo([runs[0].dir, runs[1].runId, '--runs-dir', runsDir, '-o', file]);
  assert.equal(r.code, 0, r.err.join('\n'));
  assert.match(r.err.join('\n'), /Exported 2 runs \(\d+ series\) to .*runs\.csv as CSV/);
  const rows = parse(fs.readFileSync(file, 'utf8'), { columns: true }) as Row[];
  assert.deepEqual(Object.keys(rows[0]), CSV_HEADER, 'the header row');
  for (const run of runs) {
    const mine = rows.filter(x => x.run_id === run.runId);
    assert.ok(mine.length > 0, `${run.runId}: rows present (the second given by run id)`);
    const scalar = (tag: string) => mine.filter(x => x.tag === tag && x.kind === 'scalar');
    const batches = run.events.filter(e => e.kind === 'batch');
    const loss = scalar('batch/loss');
    assert.equal(loss.length, batches.length, 'one batch/loss row per batch');
    batches.forEach((b, i) => {
      assert.ok(b.kind === 'batch');
      assert.equal(Number(loss[i].step), b.step);
      assert.equal(Number(loss[i].value), b.loss, `batch/loss at step ${b.step}`);
      assert.equal(Number(loss[i].seconds), b.t / 1000);
    });
    assert.deepEqual(
      scalar('lr').map(x => Number(x.value)),
      batches.map(() => 0.05),
      'the learning rate per step',
    );
    const epochs = run.events.filter(e => e.kind === 'epoch');
    assert.deepEqual(
      scalar('epoch/loss').map(x => Number(x.value)),
      epochs.map(e => (e.kind === 'epoch' ? e.logs.loss : NaN)),
      'epoch/loss per epoch',
    );
    const norms = run.events.filter(e => e.kind === 'grad-norms');
    assert.ok(norms.length > 0, 'the run has gradient norms');
    for (const [layer, v] of Object.entries(norms[0].kind === 'grad-norms' ? norms[0].layers : {}))
      assert.equal(Number(scalar(`grad_norm/${layer}`)[0].value), v, `grad_norm/${layer}`);
    const custom = run.events.filter(e => e.kind === 'custom-scalar' && e.name === 'loss x 2');
    assert.deepEqual(
      scalar('custom/loss x 2').map(x => Number(x.value)),
      custom.map(e => (e.kind === 'custom-scalar' ? e.value : NaN)),
      'the custom scalar',
    );
    assert.equal(scalar('custom/not finite')[0].value, '', 'a non-finite value is an empty cell');
    for (const h of run.events) {
      if (h.kind !== 'histogram' && h.kind !== 'custom-histogram') continue;
      const tag = h.kind === 'custom-histogram' ? `custom_hist/${h.name}` : `${h.of}_hist/${h.variable ?? h.layer}`;
      const bins = mine.filter(x => x.tag === tag && x.kind === 'histogram' && Number(x.step) === h.step);
      assert.deepEqual(
        bins.map(x => [Number(x.bin_low), Number(x.bin_high), Number(x.value)]),
        h.counts.map((c, i) => [h.edges[i], h.edges[i + 1], c]),
        `${tag} at step ${h.step}: one row per bin`,
      );
    }
    assert.ok(
      mine.some(x => x.tag === 'custom_hist/first kernel'),
      'the custom histogram is exported',
    );
  }
});

test('JSON export: the same series per run, with the hyper-parameters', () => {
  const file = path.join(tempDir(), 'runs.json');
  const r = exportTo([...runs.map(x => x.dir), '-o', file]);
  assert.equal(r.code, 0, r.err.join('\n'));
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(doc.format, 'training-lens-export');
  assert.equal(doc.runs.length, 2);
  runs.forEach((run, k) => {
    const out = doc.runs[k];
    assert.equal(out.runId, run.runId);
    assert.deepEqual(out.hparams, { lr: 0.05, seed: k + 1 });
    const batches = run.events.filter(e => e.kind === 'batch');
    assert.deepEqual(
      out.scalars['batch/loss'].value,
      batches.map(b => (b.kind === 'batch' ? b.loss : NaN)),
    );
    assert.deepEqual(out.scalars['custom/not finite'].value, [null]);
    const preds = run.events.find(e => e.kind === 'custom-histogram' && e.name === 'predictions');
    assert.ok(preds?.kind === 'custom-histogram');
    assert.deepEqual(out.histograms['custom_hist/predictions'], [
      { step: preds.step, seconds: preds.t / 1000, edges: preds.edges, counts: preds.counts, nonFinite: 0 },
    ]);
  });
  const stdout = exportTo([runs[0].dir, '--format', 'json']);
  assert.equal(JSON.parse(stdout.out).runs[0].runId, runs[0].runId, 'without -o: to standard output');
});

test('export errors: an unknown run names it, a bad format is a usage error', () => {
  const r = exportTo(['no-such-run', '--runs-dir', runsDir]);
  assert.equal(r.code, 1);
  assert.match(r.err[0], /no-such-run: no such run folder, and no run with this id in/);
  assert.throws(() => exportTo([runs[0].dir, '--format', 'xlsx']), /--format must be csv or json \(got xlsx\)/);
  assert.throws(() => exportTo([]), /export needs at least one run/);
});

test('CSV text cells: quoted when needed, formulas made literal', () => {
  assert.equal(csvText('a,b'), '"a,b"');
  assert.equal(csvText('say "hi"'), '"say ""hi"""');
  assert.equal(csvText('=HYPERLINK("x")'), '"\'=HYPERLINK(""x"")"');
  assert.equal(csvText('-1+1'), "'-1+1");
  assert.equal(csvText('plain'), 'plain');
});
