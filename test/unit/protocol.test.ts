import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEvent, validateEvent, parseHostMessage, parseWebviewMessage } from '../../src/protocol';

const base = { runId: 'r1', seq: 3, t: 12 };

test('valid events of every kind parse', () => {
  const events = [
    {
      ...base,
      kind: 'run-start',
      jobFile: '/w/job.ts',
      backend: 'wasm',
      backendNotes: [],
      startedAt: '2026-11-23T00:00:00.000Z',
    },
    {
      ...base,
      kind: 'fit-start',
      fitIndex: 0,
      method: 'fit',
      epochs: 2,
      stepsPerEpoch: 5,
      batchSize: 32,
      optimizer: 'Adam',
      loss: 'mse',
      layers: [{ name: 'd', className: 'Dense', params: 10 }],
      totalParams: 10,
    },
    { ...base, kind: 'batch', step: 0, epoch: 0, batch: 0, loss: 0.5, metrics: { acc: 0.1 }, lr: 0.001 },
    { ...base, kind: 'batch', step: 1, epoch: 0, batch: 1, loss: null, metrics: {}, lr: null },
    { ...base, kind: 'epoch', epoch: 0, step: 4, logs: { loss: 0.4, val_loss: null } },
    { ...base, kind: 'grad-norms', step: 0, variables: { 'd/kernel': 1 }, layers: { d: 1 } },
    { ...base, kind: 'histogram', step: 0, of: 'grad', layer: 'd', edges: [0, 1, 2], counts: [3, 4], nonFinite: 0 },
    { ...base, kind: 'dead-units', step: 19, window: 20, layers: [{ layer: 'd', dead: 2, total: 8 }] },
    { ...base, kind: 'log', level: 'info', stream: 'stdout', text: 'hi' },
    {
      ...base,
      kind: 'finding',
      finding: {
        code: 'dead-relu',
        severity: 'warning',
        source: 'runtime',
        message: 'm',
        evidence: { fraction: 0.8 },
        rule: 'DeepDiagnosis',
      },
    },
    {
      ...base,
      kind: 'run-end',
      status: 'error',
      error: { message: 'x', location: { file: '/w/job.ts', line: 3 } },
      steps: 0,
      durationMs: 5,
    },
  ];
  for (const e of events) {
    const r = parseEvent(JSON.stringify(e));
    assert.ok(r.ok, `${e.kind}: ${!r.ok && r.reason}`);
  }
});

test('bad lines are rejected with a reason that names the problem', () => {
  const cases: Array<[string, RegExp]> = [
    ['{not json', /invalid JSON/],
    ['[1,2]', /not a JSON object/],
    [JSON.stringify({ ...base, kind: 'weird' }), /unknown event kind "weird"/],
    [JSON.stringify({ ...base, kind: 'batch', step: 0, epoch: 0, batch: 0, metrics: {}, lr: null }), /batch: loss/],
    [
      JSON.stringify({ ...base, kind: 'batch', step: -1, epoch: 0, batch: 0, loss: 1, metrics: {}, lr: null }),
      /batch: step/,
    ],
    [
      JSON.stringify({ ...base, kind: 'batch', step: 0, epoch: 0, batch: 0, loss: 'high', metrics: {}, lr: null }),
      /batch: loss/,
    ],
    [JSON.stringify({ ...base, runId: '', kind: 'log', level: 'info', stream: 'stdout', text: '' }), /log: runId/],
    [
      JSON.stringify({
        ...base,
        kind: 'histogram',
        step: 0,
        of: 'grad',
        layer: 'd',
        edges: [0, 1],
        counts: [3, 4],
        nonFinite: 0,
      }),
      /one more entry/,
    ],
    [JSON.stringify({ ...base, kind: 'run-end', status: 'exploded', steps: 0, durationMs: 0 }), /run-end: status/],
  ];
  for (const [line, reason] of cases) {
    const r = parseEvent(line);
    assert.equal(r.ok, false, line);
    if (!r.ok) assert.match(r.reason, reason, line);
  }
});

test('validateEvent refuses non-objects', () => {
  assert.equal(validateEvent(null).ok, false);
  assert.equal(validateEvent('batch').ok, false);
});

test('webview and host messages are validated both ways', () => {
  assert.ok(parseWebviewMessage({ type: 'ready' }).ok);
  assert.ok(parseWebviewMessage({ type: 'open-source', file: '/a.ts', line: 3 }).ok);
  assert.equal(parseWebviewMessage({ type: 'open-source', file: '/a.ts', line: 0 }).ok, false);
  assert.equal(parseWebviewMessage({ type: 'run-shell', cmd: 'rm -rf /' }).ok, false);
  assert.ok(parseHostMessage({ type: 'reset', runs: [] }).ok);
  const bad = parseHostMessage({ type: 'events', runId: 'r', events: [{ kind: 'batch' }] });
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.match(bad.reason, /events/);
});
