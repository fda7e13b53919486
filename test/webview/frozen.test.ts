/**
 * Frozen layers in the dashboard's model table, in headless Chromium under the production CSP: a recorded run
 * (test/fixtures/runs/frozen: pretrain a base, freeze it, train a new head — two fits) replayed as the host replays
 * a saved run. The table shows the latest fit: a Trainable column with the frozen rows marked, and the parameter
 * totals split as Keras' summary() prints them. Expectations come from the log's fit-start events.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEvent, type FitStartEvent, type RunEvent, type RunInfo } from '../../src/protocol';
import { encodeHistory } from '../../src/protocol/history';
import { dashboardSuite, settled, type DashboardPage } from './harness';
import { repoRoot } from './build-webview';

const LOG = path.join(repoRoot, 'test', 'fixtures', 'runs', 'frozen', 'events.ndjson');
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

const int = (n: number) => n.toLocaleString('en-US');

interface Table {
  header: string[];
  rows: Array<{ name: string; params: string; trainable: string; frozenRow: boolean; colour: string }>;
  totals: Record<string, string>;
  footer: string;
  summary: string;
}

async function readTable(dash: DashboardPage): Promise<Table> {
  await settled(dash.page);
  return dash.page.evaluate(() => {
    const table = document.getElementById('model-table')!;
    const header = [...table.querySelectorAll('thead th')].map(th => th.textContent ?? '');
    const col = header.indexOf('Trainable');
    const paramsCol = header.indexOf('Params');
    return {
      header,
      rows: [...table.querySelectorAll<HTMLTableRowElement>('tbody tr')].map(tr => {
        const cells = tr.querySelectorAll('td');
        return {
          name: cells[0].textContent ?? '',
          params: cells[paramsCol].textContent ?? '',
          trainable: cells[col].textContent ?? '',
          frozenRow: tr.classList.contains('frozen'),
          colour: getComputedStyle(cells[0]).color,
        };
      }),
      totals: Object.fromEntries(
        [...table.querySelectorAll<HTMLElement>('tfoot [data-total]')].map(s => [
          s.dataset.total!,
          s.querySelector('b')?.textContent ?? '',
        ]),
      ),
      footer: (table.querySelector('tfoot') as HTMLElement).innerText,
      summary: document.querySelector('#model summary')?.textContent ?? '',
    };
  });
}

describe('frozen layers in the model table (headless Chromium, production CSP)', () => {
  const events = readLog();
  const fits = events.filter((e): e is FitStartEvent => e.kind === 'fit-start');
  const start = events.find(e => e.kind === 'run-start')!;
  const info: RunInfo = {
    runId: start.runId,
    jobFile: start.kind === 'run-start' ? start.jobFile : '',
    label: 'frozen',
    startedAt: new Date(0).toISOString(),
    status: 'ok',
  };
  const suite = dashboardSuite('tl-frozen-');
  let dash: DashboardPage;

  before(async () => {
    dash = await suite.open('dark');
    await dash.host({ type: 'reset', runs: [info] });
  });

  it('uses a recorded run whose second fit freezes the layers the first one trained', () => {
    assert.equal(fits.length, 2, `${LOG}: two fit-start events`);
    assert.ok(
      fits[0].layers.every(l => l.trainable === true),
      'fit 1 trains every layer',
    );
    assert.ok(fits[1].layers.some(l => l.trainable === false) && fits[1].layers.some(l => l.trainable));
  });

  it('after the first fit: every layer trainable, batch norm statistics non-trainable', async () => {
    const firstFit = events.indexOf(fits[1]);
    await dash.host({ type: 'history', runId: info.runId, history: encodeHistory(events.slice(0, firstFit)) });
    const t = await readTable(dash);
    assert.equal(t.header.at(-1), 'Trainable', 'a Trainable column, last as in Keras summary(show_trainable=True)');
    assert.deepEqual(
      t.rows.map(r => [r.name, r.trainable, r.frozenRow]),
      fits[0].layers.map(l => [l.name, 'yes', false]),
    );
    assert.deepEqual(t.totals, {
      total: int(fits[0].totalParams),
      trainable: int(fits[0].trainableParams!),
      'non-trainable': int(fits[0].totalParams - fits[0].trainableParams!),
    });
  });

  it('after the second fit: the frozen rows say so and the totals split as Keras summary() does', async () => {
    const firstFit = events.indexOf(fits[1]);
    await dash.host({ type: 'history', runId: info.runId, history: encodeHistory(events.slice(firstFit)) });
    const t = await readTable(dash);
    const fit = fits[1];
    assert.deepEqual(
      t.rows.map(r => [r.name, r.params, r.trainable, r.frozenRow]),
      fit.layers.map(l => [l.name, int(l.params), l.trainable ? 'yes' : 'frozen', l.trainable === false]),
      'one row per layer of the latest fit, frozen ones marked',
    );
    const frozenRow = t.rows.find(r => r.frozenRow)!;
    const trainableRow = t.rows.find(r => !r.frozenRow)!;
    assert.notEqual(frozenRow.colour, trainableRow.colour, 'frozen rows are dimmed');
    const nonTrainable = fit.totalParams - fit.trainableParams!;
    assert.deepEqual(t.totals, {
      total: int(fit.totalParams),
      trainable: int(fit.trainableParams!),
      'non-trainable': int(nonTrainable),
    });
    assert.equal(
      t.footer.replace(/\s+/g, ' ').trim(),
      `Total params: ${int(fit.totalParams)} · Trainable params: ${int(fit.trainableParams!)} · Non-trainable params: ${int(nonTrainable)}`,
    );
    const frozenCount = fit.layers.filter(l => l.trainable === false).length;
    assert.ok(
      t.summary.includes(
        `${int(fit.totalParams)} params (${int(nonTrainable)} non-trainable, ${frozenCount} frozen layers)`,
      ),
      `summary line: ${t.summary}`,
    );
    assert.deepEqual(await dash.cspViolations(), [], 'no CSP violation');
    assert.deepEqual(dash.pageErrors, []);
    mkdirSync(ARTIFACTS, { recursive: true });
    await dash.page.evaluate(() => ((document.getElementById('model') as HTMLDetailsElement).open = true));
    await dash.page.locator('#model').screenshot({ path: path.join(ARTIFACTS, 'webview-frozen.png') });
  });

  it('an older log without trainable flags shows the total only, and no Trainable values', async () => {
    const old = await suite.open('dark');
    try {
      const strip = (e: RunEvent): RunEvent =>
        e.kind === 'fit-start'
          ? {
              ...e,
              trainableParams: undefined,
              layers: e.layers.map(l => ({ ...l, trainable: undefined, trainableParams: undefined })),
            }
          : e;
      await old.host({ type: 'reset', runs: [info] });
      await old.host({ type: 'history', runId: info.runId, history: encodeHistory(events.map(strip)) });
      const t = await readTable(old);
      assert.deepEqual(t.totals, { total: int(fits[1].totalParams) });
      assert.ok(t.rows.every(r => r.trainable === '' && !r.frozenRow));
    } finally {
      await old.page.close();
    }
  });
});
