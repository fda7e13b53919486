/**
 * The per-class results panel in headless Chromium under the production CSP: a recorded run (test/fixtures/runs/
 * per-class, a real 3-class run with one class-metrics event per epoch) replayed the way the host replays a run when
 * the dashboard reopens (history chunks), then the panel shows the latest epoch's recall bars and confusion matrix
 * with the log's numbers, another epoch when picked, and the heat of each cell from the theme's colours.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEvent, type ClassMetricsEvent, type RunEvent, type RunInfo } from '../../src/protocol';
import { encodeHistory } from '../../src/protocol/history';
import { dashboardSuite, settled, type DashboardPage } from './harness';
import { repoRoot } from './build-webview';

const LOG = path.join(repoRoot, 'test', 'fixtures', 'runs', 'per-class', 'events.ndjson');
const ARTIFACTS = path.join(repoRoot, 'test-artifacts');

function readLog(): RunEvent[] {
  return readFileSync(LOG, 'utf8')
    .split('\n')
    .filter(l => l.trim())
    .map((line, i) => {
      const r = parseEvent(line);
      if (!r.ok) throw new Error(`${LOG}:${i + 1}: ${r.reason}`);
      return r.value;
    });
}

interface Panel {
  visible: boolean;
  title: string;
  picker: string;
  bars: Array<{ cls: string; text: string; share: string }>;
  matrix: string[][];
  heat: number[][];
  diagColour: string;
  offColour: string;
}

async function readPanel(dash: DashboardPage): Promise<Panel> {
  await settled(dash.page);
  return dash.page.evaluate(() => {
    const root = document.getElementById('classes')!;
    const cells = [...document.querySelectorAll<HTMLTableRowElement>('#confusion-matrix tbody tr')].map(tr => [
      ...tr.querySelectorAll<HTMLTableCellElement>('td'),
    ]);
    const diag = cells[0]?.[0],
      off = cells[0]?.[1];
    return {
      visible: !root.hidden && root.getBoundingClientRect().height > 0,
      title: document.getElementById('classes-title')!.textContent ?? '',
      picker: (document.getElementById('classes-epoch') as HTMLSelectElement).value,
      bars: [...document.querySelectorAll<HTMLElement>('#class-recall li')].map(li => ({
        cls: li.dataset.class ?? '',
        text: li.querySelector('.class-value')?.textContent ?? '',
        share: getComputedStyle(li.querySelector('.bar-fill')!).width,
      })),
      matrix: cells.map(r => r.map(td => td.textContent ?? '')),
      heat: cells.map(r => r.map(td => Number(getComputedStyle(td, '::before').opacity))),
      diagColour: diag ? getComputedStyle(diag, '::before').backgroundColor : '',
      offColour: off ? getComputedStyle(off, '::before').backgroundColor : '',
    };
  });
}

describe('per-class results panel (headless Chromium, production CSP)', () => {
  const events = readLog();
  const metrics = events.filter((e): e is ClassMetricsEvent => e.kind === 'class-metrics');
  const start = events.find(e => e.kind === 'run-start')!;
  const info: RunInfo = {
    runId: start.runId,
    jobFile: start.kind === 'run-start' ? start.jobFile : '',
    label: 'per-class',
    startedAt: new Date(0).toISOString(),
    status: 'ok',
  };
  const suite = dashboardSuite('tl-classes-');
  let dash: DashboardPage;

  before(async () => {
    dash = await suite.open('dark');
  });

  it('uses a recorded run with per-class results', () => {
    assert.ok(metrics.length >= 3, `${LOG}: ${metrics.length} class-metrics events`);
    assert.ok(
      metrics.at(-1)!.matrix.some((r, i) => r.some((c, j) => i !== j && c > 0)),
      'the last matrix has errors off the diagonal',
    );
  });

  it('is hidden until a run has per-class results', async () => {
    await dash.host({ type: 'reset', runs: [info] });
    assert.equal((await readPanel(dash)).visible, false);
  });

  it("replayed as history, shows the latest epoch: recall per class and the confusion matrix with the log's numbers", async () => {
    const half = Math.floor(events.length / 2);
    await dash.host({ type: 'history', runId: info.runId, history: encodeHistory(events.slice(0, half)) });
    await dash.host({ type: 'history', runId: info.runId, history: encodeHistory(events.slice(half)) });
    const p = await readPanel(dash);
    const last = metrics.at(-1)!;
    assert.ok(p.visible, 'panel visible');
    assert.match(p.title, new RegExp(`validation · epoch ${last.epoch + 1}$`));
    assert.equal(p.picker, 'latest');
    assert.deepEqual(
      p.matrix,
      last.matrix.map(r => r.map(String)),
      'matrix cells are the counts of the last epoch',
    );
    last.matrix.forEach((row, i) => {
      const total = row.reduce((a, b) => a + b, 0);
      const recall = row[i] / total;
      assert.equal(p.bars[i].cls, last.classes[i]);
      assert.ok(p.bars[i].text.includes(`(${row[i]} / ${total})`), `class ${i} bar text: ${p.bars[i].text}`);
      assert.ok(
        p.bars[i].text.startsWith(`${(recall * 100).toFixed(recall === 1 ? 0 : 1)}%`),
        `class ${i} recall: ${p.bars[i].text}`,
      );
      row.forEach((c, j) =>
        assert.ok(
          Math.abs(p.heat[i][j] - Math.sqrt(c / total) * 0.8) < 0.01,
          `cell ${i},${j}: heat ${p.heat[i][j]} for share ${c / total}`,
        ),
      );
    });
    assert.equal(p.diagColour, 'rgb(137, 209, 133)', "correct predictions: the theme's --vscode-charts-green");
    assert.equal(p.offColour, 'rgb(241, 76, 76)', "errors: the theme's --vscode-charts-red");
    assert.deepEqual(await dash.cspViolations(), [], 'no CSP violation');
    assert.deepEqual(dash.pageErrors, []);
    mkdirSync(ARTIFACTS, { recursive: true });
    await dash.page.locator('#classes').screenshot({ path: path.join(ARTIFACTS, 'webview-classes.png') });
  });

  it('takes its colours from a light theme too', async () => {
    const light = await suite.open('light');
    try {
      await light.host({ type: 'reset', runs: [info] });
      await light.host({ type: 'history', runId: info.runId, history: encodeHistory(events) });
      const p = await readPanel(light);
      assert.ok(p.visible);
      assert.equal(p.diagColour, 'rgb(56, 138, 52)', 'Light theme --vscode-charts-green');
      assert.equal(p.offColour, 'rgb(229, 20, 0)', 'Light theme --vscode-charts-red');
    } finally {
      await light.page.close();
    }
  });

  it('shows the epoch picked, and the latest again', async () => {
    const first = metrics[0];
    await dash.page.selectOption('#classes-epoch', String(first.epoch));
    let p = await readPanel(dash);
    assert.match(p.title, new RegExp(`epoch ${first.epoch + 1}$`));
    assert.deepEqual(
      p.matrix,
      first.matrix.map(r => r.map(String)),
    );
    await dash.page.selectOption('#classes-epoch', 'latest');
    p = await readPanel(dash);
    assert.deepEqual(
      p.matrix,
      metrics.at(-1)!.matrix.map(r => r.map(String)),
    );
  });
});
