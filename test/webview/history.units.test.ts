/** The replay's column encoding (src/protocol/history.ts): lossless, checked cheaply, and the store reads it as events. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHostMessage, type RunEvent } from '../../src/protocol';
import { decodeHistory, encodeHistory } from '../../src/protocol/history';
import { DashboardStore } from '../../webview/dashboardState';
import { fixtureLog } from './harness';

const runId = 'r';
const base = (seq: number): { runId: string; seq: number; t: number } => ({ runId, seq, t: seq * 10 });

/** Every shape the columns must keep apart: null vs absent metrics/lr/momentum, clip or not, histograms with and without a variable. */
const tricky: RunEvent[] = [
  {
    ...base(0),
    kind: 'run-start',
    jobFile: '/w/j.ts',
    backend: 'cpu',
    backendNotes: [],
    startedAt: '2026-12-01T00:00:00Z',
    argv: {},
  },
  { ...base(1), kind: 'batch', step: 0, epoch: 0, batch: 0, loss: 1.5, metrics: { acc: 0.1 }, lr: 0.01, momentum: 0.9 },
  {
    ...base(2),
    kind: 'batch',
    step: 1,
    epoch: 0,
    batch: 1,
    loss: null,
    metrics: { acc: null, auc: 0.5 },
    lr: null,
    momentum: null,
  },
  { ...base(3), kind: 'batch', step: 2, epoch: 0, batch: 2, loss: 1.2, metrics: {}, lr: 0.02 },
  {
    ...base(4),
    kind: 'grad-norms',
    step: 2,
    variables: { 'd/kernel': 0.5, 'd/bias': null },
    layers: { d: 0.5 },
    clip: { mode: 'norm', threshold: 1, preNorm: 3, postNorm: 1 },
  },
  { ...base(5), kind: 'grad-norms', step: 3, variables: {}, layers: { d: null, e: 2 } },
  {
    ...base(6),
    kind: 'grad-norms',
    step: 4,
    variables: {},
    layers: { d: 1 },
    clip: { mode: 'value', threshold: 0.5, preNorm: null, postNorm: 0.7 },
  },
  {
    ...base(7),
    kind: 'histogram',
    step: 4,
    of: 'grad',
    layer: 'd',
    variable: 'd/kernel',
    edges: [0, 1, 2],
    counts: [3, 4],
    nonFinite: 1,
  },
  { ...base(8), kind: 'histogram', step: 4, of: 'activation', layer: 'd', edges: [-1, 1], counts: [9], nonFinite: 0 },
  { ...base(9), kind: 'epoch', epoch: 0, step: 4, logs: { loss: 1.1, val_loss: null } },
];

describe('history columns', () => {
  it('decode(encode(events)) gives the events back, in seq order', () => {
    assert.deepEqual(decodeHistory(encodeHistory(tricky), runId), tricky);
    const { events } = fixtureLog();
    assert.deepEqual(decodeHistory(encodeHistory(events), events[0].runId), events);
  });

  it('passes the host message schema; corrupted columns are refused naming the field', () => {
    const history = encodeHistory(tricky);
    const ok = parseHostMessage({ type: 'history', runId, history });
    assert.ok(ok.ok, ok.ok ? '' : ok.reason);
    const bad = (mutate: (h: ReturnType<typeof encodeHistory>) => void): string => {
      const h = encodeHistory(tricky);
      mutate(h);
      const r = parseHostMessage({ type: 'history', runId, history: h });
      assert.ok(!r.ok, 'refused');
      return r.ok ? '' : r.reason;
    };
    assert.match(
      bad(h => {
        h.batch!.t = new Float64Array(1);
      }),
      /batch\.t: expected 3 values, got 1/,
    );
    assert.match(
      bad(h => {
        h.batch!.step[1] = 1.5;
      }),
      /batch\.step\.1: expected a non-negative integer/,
    );
    assert.match(
      bad(h => {
        (h.batch as unknown as Record<string, unknown>).seq = [1, 2, 3];
      }),
      /batch\.seq: expected Float64Array/,
    );
    assert.match(
      bad(h => {
        h.histogram!.counts[0] = -1;
      }),
      /histogram\.counts\.0: expected a non-negative number/,
    );
    assert.match(
      bad(h => {
        h.histogram!.layer[0] = 99;
      }),
      /histogram\.layer\.0: no such name/,
    );
    assert.match(
      bad(h => {
        h.gradNorms!.clipThreshold[0] = 0;
      }),
      /gradNorms\.clipThreshold\.0: expected a positive number/,
    );
    assert.match(
      bad(h => {
        h.gradNorms!.layers.v[0] = Infinity;
        h.gradNorms!.layers.s[0] = 1;
      }),
      /gradNorms\.layers\.v\.0: expected a finite number/,
    );
    assert.match(
      bad(h => {
        (h.events[0] as { kind: string }).kind = 'nope';
      }),
      /history\.events\.0/,
    );
  });

  it('the store ends up the same from columns as from events (charts, histograms, header)', () => {
    const { events } = fixtureLog();
    const id = events[0].runId;
    const info = { runId: id, jobFile: '/w/x.ts', label: 'x', startedAt: '', status: 'ok' as const };
    const a = new DashboardStore();
    a.reset([info]);
    a.appendEvents(id, events);
    const b = new DashboardStore();
    b.reset([info]);
    // in two chunks, with an overlap (duplicates are skipped as with events)
    const half = Math.floor(events.length / 2);
    b.appendHistory(id, encodeHistory(events.slice(0, half)));
    const second = b.appendHistory(id, encodeHistory(events.slice(half - 5)));
    assert.equal(second.skipped, 5);
    const ra = a.runs.get(id)!;
    const rb = b.runs.get(id)!;
    assert.deepEqual(b.chartIds(), a.chartIds());
    for (const cid of a.chartIds()) {
      const ca = ra.charts.get(cid)!;
      const cb = rb.charts.get(cid)!;
      assert.deepEqual(
        cb.series.map(s => [s.key, s.points]),
        ca.series.map(s => [s.key, s.points]),
        cid,
      );
      assert.equal(cb.nonFinite, ca.nonFinite, `${cid} non-finite count`);
    }
    assert.deepEqual([...rb.histograms.keys()], [...ra.histograms.keys()]);
    for (const [k, h] of ra.histograms) {
      assert.deepEqual(
        rb.histograms.get(k)!.samples.map(s => [s.step, Array.from(s.edges), Array.from(s.counts)]),
        h.samples.map(s => [s.step, s.edges, s.counts]),
        k,
      );
    }
    assert.deepEqual(rb.lastBatch, ra.lastBatch);
    assert.deepEqual(rb.timeline, ra.timeline);
    assert.equal(rb.events, ra.events);
  });

  it('clipping and momentum become their own series', () => {
    const s = new DashboardStore();
    s.appendHistory(runId, encodeHistory(tricky));
    const run = s.runs.get(runId)!;
    const clip = run.charts.get('grad-clip')!;
    assert.deepEqual(
      clip.series.map(x => [x.key, x.points]),
      [
        ['clip:pre', [{ x: 2, y: 3 }]],
        [
          'clip:post',
          [
            { x: 2, y: 1 },
            { x: 4, y: 0.7 },
          ],
        ],
        // a value threshold bounds elements, not the norm: only the norm threshold is drawn
        ['clip:threshold', [{ x: 2, y: 1 }]],
      ],
    );
    assert.equal(clip.nonFinite, 1, 'the null pre-clip norm is counted');
    assert.deepEqual(run.charts.get('momentum')!.series[0].points, [{ x: 0, y: 0.9 }]);
    assert.ok(
      s.chartIds().indexOf('momentum') === s.chartIds().indexOf('lr') + 1,
      'momentum right after the learning rate',
    );
    assert.ok(
      s.chartIds().indexOf('grad-clip') === s.chartIds().indexOf('grad-norms') + 1,
      'clipping right after the per-layer norms',
    );
  });
});
