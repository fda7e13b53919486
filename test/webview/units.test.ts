/** Pure parts of the dashboard (no browser): HTML/CSP, store, theme, formatting. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventBody, RunEvent, RunInfo } from '../../src/protocol';
import { dashboardCsp, makeNonce, renderWebviewHtml } from '../../src/webviewPage/html';
import { DashboardStore, displayStatus, insertSorted, type Point } from '../../webview/dashboardState';
import { buildTheme, mixColors, withAlpha } from '../../webview/theme';
import { styleDataset, type DatasetRef, type LineDataset } from '../../webview/chart-options';
import { formatInt, formatNumber, logTickLabel } from '../../webview/format';

describe('renderWebviewHtml', () => {
  const opts = {
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    nonce: makeNonce(),
    scriptUri: 'https://x.vscode-cdn.net/ext/dist/webview.js',
    styleUri: 'https://x.vscode-cdn.net/ext/dist/webview.css',
  };

  it('makes 32-character nonces from a CSPRNG', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const n = makeNonce();
      assert.match(n, /^[A-Za-z0-9_-]{32}$/);
      seen.add(n);
    }
    assert.equal(seen.size, 200);
  });

  it('has the strict CSP, the nonce on the only script, nothing else remote', () => {
    const html = renderWebviewHtml(opts);
    const csp = `default-src 'none'; script-src 'nonce-${opts.nonce}'; style-src ${opts.cspSource} 'nonce-${opts.nonce}'; img-src ${opts.cspSource} data:; font-src ${opts.cspSource};`;
    assert.equal(dashboardCsp(opts.cspSource, opts.nonce), csp);
    assert.ok(
      html.includes(`<meta http-equiv="Content-Security-Policy" content="${csp.replace(/'/g, '&#39;')}">`),
      html,
    );
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map(m => m[0]);
    assert.deepEqual(scripts, [`<script nonce="${opts.nonce}" src="${opts.scriptUri}">`]);
    assert.ok(html.includes(`<link rel="stylesheet" href="${opts.styleUri}">`));
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(m => m[1]);
    assert.deepEqual(urls.sort(), [opts.scriptUri, opts.styleUri].sort());
    assert.doesNotMatch(html, /style="/, 'no inline style attributes (blocked by the CSP)');
    assert.match(html, /Waiting for the first batch/);
  });

  it('escapes the title and rejects unsafe nonces / sources', () => {
    const html = renderWebviewHtml({ ...opts, title: '<img src=x onerror=alert(1)> "q"' });
    assert.ok(html.includes('<title>&lt;img src=x onerror=alert(1)&gt; &quot;q&quot;</title>'));
    assert.throws(() => renderWebviewHtml({ ...opts, nonce: "abc' 'unsafe-inline" }));
    assert.throws(() => renderWebviewHtml({ ...opts, cspSource: 'https://a; script-src *' }));
    // code-server's webview.cspSource is a source list
    assert.match(
      renderWebviewHtml({ ...opts, cspSource: "'self' https://*.vscode-cdn.net" }).replace(/&#39;/g, "'"),
      /style-src 'self' https:\/\/\*\.vscode-cdn\.net 'nonce-/,
    );
  });
});

const runId = 'r1';
let seq = 0;
function ev(e: EventBody, id = runId): RunEvent {
  return { ...e, runId: id, seq: seq++, t: seq } as RunEvent;
}
const info = (id: string, status: RunInfo['status'] = 'running'): RunInfo => ({
  runId: id,
  jobFile: `/w/${id}.ts`,
  label: id,
  startedAt: '',
  status,
});

describe('DashboardStore', () => {
  it('accumulates batches, epochs, grad norms and dead units into series', () => {
    seq = 0;
    const s = new DashboardStore();
    s.reset([info(runId)]);
    const events: RunEvent[] = [
      ev({ kind: 'run-start', jobFile: '/w/job.ts', backend: 'cpu', backendNotes: [], startedAt: '', argv: {} }),
      ev({ kind: 'batch', step: 0, epoch: 0, batch: 0, loss: 2, metrics: { acc: 0.1 }, lr: 0.01 }),
      ev({ kind: 'grad-norms', step: 0, variables: {}, layers: { a: 1, b: null, c: 0 } }),
      ev({ kind: 'batch', step: 1, epoch: 0, batch: 1, loss: null, metrics: { acc: 0.2 }, lr: null }),
      ev({
        kind: 'epoch',
        epoch: 0,
        step: 1,
        logs: { loss: 1.5, val_loss: 1.7, acc: 0.15, val_acc: 0.12 },
        endLoss: { loss: 1.45, samples: 512 },
      }),
      ev({ kind: 'dead-units', step: 1, window: 2, layers: [{ layer: 'a', dead: 4, total: 16 }] }),
      ev({ kind: 'histogram', step: 1, of: 'grad', layer: 'a', edges: [0, 1], counts: [3], nonFinite: 0 }),
      ev({ kind: 'run-end', status: 'ok', steps: 2, durationMs: 10 }),
    ];
    assert.deepEqual(s.appendEvents(runId, events), { accepted: events.length, skipped: 0 });
    const run = s.runs.get(runId)!;
    assert.deepEqual(s.chartIds(), ['loss', 'metric:acc', 'lr', 'grad-norms', 'dead-relu']);
    const loss = run.charts.get('loss')!;
    assert.deepEqual(
      loss.series.map(x => [x.key, x.role, x.points.length]),
      [
        ['batch:loss', 'batch', 1],
        ['epoch:loss', 'epoch', 1],
        ['epoch:val_loss', 'val', 1],
        ['epoch:end_loss', 'epoch', 1],
      ],
    );
    assert.deepEqual(loss.series[3].points, [{ x: 1, y: 1.45 }], 'the training loss at the epoch-end weights');
    assert.equal(loss.nonFinite, 1);
    assert.deepEqual(
      run.charts.get('metric:acc')!.series.map(x => x.key),
      ['batch:acc', 'epoch:acc', 'epoch:val_acc'],
    );
    assert.equal(run.charts.get('lr')!.series[0].points.length, 1, 'null lr skipped');
    const grad = run.charts.get('grad-norms')!;
    assert.deepEqual(
      grad.series.map(x => [x.name, x.points.length]),
      [
        ['a', 1],
        ['b', 0],
        ['c', 0],
      ],
    );
    assert.equal(grad.nonFinite, 1, 'null counted; zero skipped silently');
    assert.deepEqual(run.charts.get('dead-relu')!.series[0].points, [{ x: 1, y: 0.25 }]);
    assert.equal(displayStatus(run), 'ok');
    // duplicates (replay overlapping live updates) are skipped
    assert.deepEqual(s.appendEvents(runId, events.slice(-3)), { accepted: 0, skipped: 3 });
  });

  it('keeps points sorted by x', () => {
    const pts: Point[] = [];
    for (const x of [1, 2, 5, 3, 4, 0, 5]) insertSorted(pts, { x, y: x });
    assert.deepEqual(
      pts.map(p => p.x),
      [0, 1, 2, 3, 4, 5, 5],
    );
  });

  it('resets, adds unknown runs, takes status from run-info until a run-end', () => {
    seq = 0;
    const s = new DashboardStore();
    s.reset([info('a'), info('b')]);
    const g = s.generation;
    assert.equal(s.primary()?.info.runId, 'a');
    assert.equal(s.runIndex('b'), 1);
    s.setRunInfo(info('b', 'cancelled'));
    assert.equal(displayStatus(s.runs.get('b')!), 'cancelled');
    assert.equal(s.generation, g, 'status change does not rebuild charts');
    s.appendEvents('c', [ev({ kind: 'batch', step: 0, epoch: 0, batch: 0, loss: 1, metrics: {}, lr: null }, 'c')]);
    assert.equal(s.runs.size, 3);
    assert.ok(s.generation > g);
    assert.ok(s.hasData());
    s.reset([]);
    assert.equal(s.runs.size, 0);
    assert.equal(s.hasData(), false);
  });
});

describe('theme and format helpers', () => {
  it('the end-of-epoch training loss is told from the epoch loss on the loss chart: its own colour, dotted', () => {
    const theme = buildTheme('dark', () => '');
    const styled = (key: string) => {
      const ref = {
        ds: { data: [] } as unknown as LineDataset,
        series: { key, name: key, role: 'epoch', points: [] },
        runIndex: 0,
        seriesIndex: 0,
      } as unknown as DatasetRef;
      styleDataset(ref, theme, 0, false, 'loss', 1);
      return [ref.ds.borderColor, ref.ds.borderDash];
    };
    const [epochColor, epochDash] = styled('epoch:loss');
    const [endColor, endDash] = styled('epoch:end_loss');
    assert.notEqual(endColor, epochColor);
    assert.deepEqual([epochDash, endDash], [[], [2, 3]]);
  });

  it('falls back when VS Code variables are empty', () => {
    const dark = buildTheme('dark', () => '');
    assert.equal(dark.palette.length, 6);
    assert.ok(dark.palette.every(c => /^#[0-9a-f]{6}$/i.test(c)));
    assert.equal(dark.fontSize, 13);
    const light = buildTheme('light', n =>
      n === '--vscode-charts-blue' ? ' #123456 ' : n === '--vscode-font-size' ? '14px' : '',
    );
    assert.equal(light.palette[0], '#123456');
    assert.equal(light.fontSize, 14);
    assert.notEqual(light.background, dark.background);
  });

  it('keeps high contrast grid lines apart from series drawn in the contrast colour', () => {
    // Light High Contrast: contrastBorder (the widget border) #0f4a85 is also its charts.orange
    const vars: Record<string, string> = {
      '--vscode-editorWidget-border': '#0f4a85',
      '--vscode-charts-orange': '#0f4a85',
      '--vscode-editor-background': '#ffffff',
    };
    const hc = buildTheme('high-contrast-light', n => vars[n] ?? '');
    assert.equal(hc.palette[1], '#0f4a85');
    assert.equal(hc.grid, 'rgba(15, 74, 133, 0.4)');
    // other themes keep the border as is
    assert.equal(buildTheme('light', n => vars[n] ?? '').grid, '#0f4a85');
  });

  it('handles colours', () => {
    assert.equal(withAlpha('#3794ff', 0.5), 'rgba(55, 148, 255, 0.5)');
    assert.equal(withAlpha('#fff', 1), 'rgba(255, 255, 255, 1)');
    assert.equal(withAlpha('rgba(1, 2, 3, 0.9)', 0.2), 'rgba(1, 2, 3, 0.2)');
    assert.equal(withAlpha('red', 0.2), 'red');
    assert.equal(mixColors('#000000', '#ffffff', 0.5), 'rgb(128, 128, 128)');
    assert.equal(mixColors('red', '#fff', 0.5), undefined);
  });

  it('formats numbers', () => {
    assert.equal(formatNumber(0.123456, 4), '0.1235');
    assert.equal(formatNumber(0.0001, 2), '1e-4');
    assert.equal(formatNumber(null), '–');
    assert.equal(formatNumber(2, 4), '2');
    assert.equal(formatInt(111146), '111,146');
  });
});

describe('logTickLabel', () => {
  // the ticks chart.js makes on a log axis: 1..9 × 10^k over the range
  const ticksOver = (lo: number, hi: number) => {
    const out: Array<{ value: number }> = [];
    for (let e = lo; e < hi; e++) for (let m = 1; m <= 9; m++) out.push({ value: m * 10 ** e });
    out.push({ value: 10 ** hi });
    return out;
  };
  const labels = (ticks: Array<{ value: number }>) => ticks.map(t => logTickLabel(t.value, ticks)).filter(Boolean);

  it('labels 1-2-5 on a short axis, powers of ten on a long one, every other power on a very long one', () => {
    assert.deepEqual(labels(ticksOver(-1, 1)), ['0.1', '0.2', '0.5', '1', '2', '5', '10']);
    assert.deepEqual(labels(ticksOver(-7, 2)), [
      '1e-7',
      '1e-6',
      '1e-5',
      '1e-4',
      '0.001',
      '0.01',
      '0.1',
      '1',
      '10',
      '100',
    ]);
    assert.deepEqual(labels(ticksOver(-12, 0)), ['1e-12', '1e-10', '1e-8', '1e-6', '1e-4', '0.01', '1']);
    for (const [lo, hi] of [
      [-1, 1],
      [-3, 0],
      [-7, 2],
      [-12, 0],
      [-20, 4],
    ]) {
      assert.ok(labels(ticksOver(lo, hi)).length <= 10, `at most 10 labels over ${lo}..${hi}`);
    }
  });

  it('labels every tick when chart.js made few, nothing at or below zero', () => {
    const few = [{ value: 0.3 }, { value: 0.4 }, { value: 0.6 }];
    assert.deepEqual(
      few.map(t => logTickLabel(t.value, few)),
      ['0.3', '0.4', '0.6'],
    );
    assert.equal(logTickLabel(0, few), '');
  });
});
