/** Pure parts of the TensorBoard-grade dashboard features (no browser): smoothing, CSV, histogram layout, x axes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SmoothedSeries, smoothValues } from '../../webview/smoothing';
import { chartCsv, safeFileName } from '../../webview/export';
import { binRows, heatmapLayout, paintHeatmap, valueRange } from '../../webview/heatmap';
import { DashboardStore, stepMapper, type Point } from '../../webview/dashboardState';
import type { EventBody, RunEvent } from '../../src/protocol';

const close = (a: number[], b: number[], eps = 1e-12): void => {
  assert.equal(a.length, b.length);
  a.forEach((v, i) => {
    if (Number.isNaN(b[i])) assert.ok(Number.isNaN(v), `[${i}] NaN`);
    else assert.ok(Math.abs(v - b[i]) <= eps * Math.max(1, Math.abs(b[i])), `[${i}] ${v} vs ${b[i]}`);
  });
};

describe('TensorBoard smoothing', () => {
  it('matches the scalars plugin (debiased EMA) on known inputs', () => {
    // hand-computed with TensorBoard's resmoothDataset: last = last*w + (1-w)*x; y = last / (1 - w^n)
    close(smoothValues([1, 2, 3, 4], 0.6), [1, 1.625, 1.824 / 0.784, 2.6944 / 0.8704]);
    close(smoothValues([1, 2, 3, 4], 0.6), [1, 1.625, 2.326530612244898, 3.0955882352941178], 1e-12);
    // non-finite values pass through and do not count towards n
    close(smoothValues([1, NaN, 3], 0.5), [1, NaN, 1.75 / 0.75]);
    // a constant series is returned as is; weight 0 is the identity
    assert.deepEqual(smoothValues([5, 5, 5], 0.9), [5, 5, 5]);
    assert.deepEqual(smoothValues([3, 1, 2], 0), [3, 1, 2]);
    // the first value is never biased towards 0
    assert.equal(smoothValues([10], 0.999)[0], 10);
    // weights are clamped to TensorBoard's slider range
    close(smoothValues([1, 2], 1), smoothValues([1, 2], 0.999));
  });

  it('smooths a growing series incrementally, same as from scratch', () => {
    const pts: Point[] = [];
    const s = new SmoothedSeries(0.8);
    let x = 0;
    for (let round = 0; round < 5; round++) {
      for (let k = 0; k < 37; k++, x++) pts.push({ x, y: Math.sin(x / 3) + (x % 7) / 10 });
      assert.equal(s.sync(pts), true);
      close(
        s.out.map(p => p.y),
        smoothValues(
          pts.map(p => p.y),
          0.8,
        ),
        1e-9,
      );
    }
    assert.equal(s.sync(pts), false, 'nothing new');
    // an out-of-order insert (before the processed end) recomputes
    pts.splice(3, 0, { x: 2.5, y: 100 });
    s.sync(pts);
    close(
      s.out.map(p => p.y),
      smoothValues(
        pts.map(p => p.y),
        0.8,
      ),
      1e-9,
    );
    // x mapping
    const m = new SmoothedSeries(0, st => st * 2);
    m.sync([
      { x: 1, y: 1 },
      { x: 2, y: 5 },
    ]);
    assert.deepEqual(m.out, [
      { x: 2, y: 1 },
      { x: 4, y: 5 },
    ]);
  });
});

describe('CSV export', () => {
  it('writes a step,value column pair per series, rows to the longest series', () => {
    const csv = chartCsv([
      {
        name: 'loss (batch)',
        points: [
          { x: 0, y: 2.5 },
          { x: 1, y: 2.25 },
          { x: 2, y: 2 },
        ],
      },
      { name: 'val_loss', points: [{ x: 2, y: 2.4 }] },
      { name: 'a,"b"', points: [] },
    ]);
    assert.equal(
      csv,
      [
        'loss (batch) step,loss (batch) value,val_loss step,val_loss value,"a,""b"" step","a,""b"" value"',
        '0,2.5,2,2.4,,',
        '1,2.25,,,,',
        '2,2,,,,',
        '',
      ].join('\n'),
    );
    assert.equal(safeFileName('Metric: acc'), 'Metric_acc');
  });
});

describe('histogram heatmap layout', () => {
  const samples = [
    { step: 0, edges: [-1, 0, 1], counts: [10, 0], nonFinite: 0 },
    { step: 50, edges: [0, 1, 2, 3], counts: [0, 5, 1], nonFinite: 2 },
  ];

  it('maps samples to equal columns and bins to value rows', () => {
    const l = heatmapLayout(samples, 10);
    assert.deepEqual([l.yMin, l.yMax], [-1, 3]);
    assert.deepEqual([...l.columns], [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    // height 40 over values -1..3: 10 rows per unit, row 0 = value 3
    assert.deepEqual(binRows(samples[0].edges, 0, -1, 3, 40), [30, 40]); // -1..0
    assert.deepEqual(binRows(samples[0].edges, 1, -1, 3, 40), [20, 30]); // 0..1
    assert.deepEqual(binRows(samples[1].edges, 2, -1, 3, 40), [0, 10]); // 2..3
    assert.deepEqual(valueRange([{ step: 0, edges: [2, 2], counts: [1], nonFinite: 0 }]), { yMin: 1.5, yMax: 2.5 });
    assert.deepEqual(valueRange([]), { yMin: -0.5, yMax: 0.5 });
  });

  it('paints the counted bins in the colour, empty bins in the background', () => {
    const w = 10,
      h = 40;
    const img = { width: w, height: h, data: new Uint8ClampedArray(w * h * 4) } as unknown as ImageData;
    paintHeatmap(img, samples, [0, 0, 255], [0, 0, 0]);
    const at = (x: number, y: number): number[] => [...img.data.slice((y * w + x) * 4, (y * w + x) * 4 + 4)];
    assert.deepEqual(at(2, 35), [0, 0, 255, 255], 'sample 0, bin -1..0 (the largest): full colour');
    assert.deepEqual(at(2, 25), [0, 0, 0, 255], 'sample 0, bin 0..1 (count 0): background');
    assert.deepEqual(at(7, 15), [0, 0, 255, 255], 'sample 1, bin 1..2 (the largest)');
    assert.deepEqual(at(7, 5), [0, 0, Math.round(255 * Math.sqrt(1 / 5)), 255], 'sample 1, bin 2..3: sqrt share');
    assert.deepEqual(at(7, 25), [0, 0, 0, 255], 'sample 1, bin 0..1 (count 0)');
    assert.deepEqual(at(7, 35), [0, 0, 0, 255], 'sample 1 has no bin below 0');
  });
});

describe('store: histograms, ratio line, x axes', () => {
  let seq = 0;
  const ev = (e: EventBody): RunEvent => ({ ...e, runId: 'r', seq: seq++, t: seq * 1000 }) as RunEvent;

  it('keeps histograms per layer/variable, the first/last ratio and the step timeline', () => {
    const s = new DashboardStore();
    s.reset([{ runId: 'r', jobFile: '/w/j.ts', label: 'r', startedAt: '', status: 'running' }]);
    s.appendEvents('r', [
      ev({
        kind: 'fit-start',
        fitIndex: 0,
        method: 'fit',
        epochs: 2,
        stepsPerEpoch: 4,
        batchSize: 8,
        optimizer: 'sgd',
        loss: 'mse',
        layers: [],
        totalParams: 0,
      }),
      ...[0, 1, 2, 3, 4, 5].map(step =>
        ev({ kind: 'batch', step, epoch: Math.floor(step / 4), batch: step % 4, loss: 1, metrics: {}, lr: null }),
      ),
      ev({ kind: 'grad-norms', step: 5, variables: {}, layers: { a: 2, b: 1, c: 0.5 } }),
      ev({ kind: 'grad-norms', step: 6, variables: {}, layers: { a: null, b: 1, c: 0.5 } }),
      ev({
        kind: 'histogram',
        step: 50,
        of: 'grad',
        layer: 'a',
        variable: 'a/kernel',
        edges: [0, 1],
        counts: [3],
        nonFinite: 1,
      }),
      ev({
        kind: 'histogram',
        step: 0,
        of: 'grad',
        layer: 'a',
        variable: 'a/kernel',
        edges: [0, 1],
        counts: [2],
        nonFinite: 0,
      }),
      ev({ kind: 'histogram', step: 0, of: 'activation', layer: 'a', edges: [0, 1], counts: [2], nonFinite: 0 }),
    ]);
    const run = s.runs.get('r')!;
    assert.ok(s.chartIds().includes('grad-ratio'));
    const ratio = run.charts.get('grad-ratio')!;
    assert.deepEqual(ratio.series[0].points, [{ x: 5, y: 4 }]);
    assert.equal(ratio.nonFinite, 1);
    const h = run.histograms.get('grad:a/a/kernel')!;
    assert.deepEqual(
      h.samples.map(x => x.step),
      [0, 50],
      'sorted by step',
    );
    assert.equal(h.nonFinite, 1);
    assert.ok(run.histograms.has('activation:a'));
    const epoch = stepMapper(run.timeline, 'epoch');
    assert.equal(epoch(2), 0.5);
    assert.equal(epoch(4), 1);
    assert.equal(epoch(4.5), 1.125);
    assert.equal(epoch(9), 1.25, 'past the last batch: the last known epoch');
    const time = stepMapper(run.timeline, 'time');
    assert.equal(time(0) + 1, time(1), 'one second per batch event here');
    assert.equal(stepMapper(run.timeline, 'step')(7), 7);
  });
});

describe('min-max level of detail', () => {
  it('keeps every extreme, the last point, and a bounded size, incrementally', async () => {
    const { MinMaxLod } = await import('../../webview/smoothing');
    const pts: Point[] = [];
    const lod = new MinMaxLod(50);
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    for (let x = 0; x < 20000; x++) {
      pts.push({ x, y: x === 7777 ? 100 : x === 15000 ? -100 : rnd() });
      if (x % 997 === 0 || x === 19999) {
        lod.sync(pts);
        const out = lod.out;
        assert.ok(out.length <= 4 * 50 + 3, `bounded: ${out.length}`);
        for (let i = 1; i < out.length; i++) assert.ok(out[i].x > out[i - 1].x, 'sorted, no duplicates');
        assert.equal(out[out.length - 1], pts[pts.length - 1], 'ends at the latest point');
        const maxY = Math.max(...pts.map(p => p.y));
        const minY = Math.min(...pts.map(p => p.y));
        assert.equal(Math.max(...out.map(p => p.y)), maxY, 'global max kept');
        assert.equal(Math.min(...out.map(p => p.y)), minY, 'global min kept');
      }
    }
    // every bucket's extremes: a fresh LOD over the same points gives the same output
    const fresh = new MinMaxLod(50);
    fresh.sync(pts);
    assert.deepEqual(
      fresh.out.map(p => p.x),
      lod.out.map(p => p.x),
    );
  });
});
