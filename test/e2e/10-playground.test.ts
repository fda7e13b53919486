// Scenario 10: Command palette -> "Training Lens: Compare Optimizers" -> the panel shows the paths of all eight
// optimizers over the surface's contours; choosing Rosenbrock in the panel redraws them on the new surface. The
// paths are computed by a separate Node process (dist/playground.js), not in the extension host.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import type { Frame } from 'playwright-core';
import { waitUntil, withWorkbench, type Workbench } from './lib/workbench.ts';
import { trustedWindow, useBrowser } from './lib/training.ts';

const browser = useBrowser();
const COMMAND = 'Training Lens: Compare Optimizers';
const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'adamax', 'nadam'];

/** Picks a surface in the panel's vscode-single-select as a user does: open it, click the option (in its shadow root). */
async function pickSurface(f: Frame, surface: string): Promise<void> {
  const index = await f.$$eval(
    '#surface vscode-option',
    (opts, v) => opts.findIndex(o => (o as HTMLElement & { value: string }).value === v),
    surface,
  );
  assert.ok(index >= 0, `no surface option ${surface}`);
  await f.click('#surface');
  await f.click(`#surface li.option[data-index="${index}"]`);
}

interface PlotState {
  surface: string;
  paths: number;
  points: string;
  renders: number;
  rows: string[];
  finals: string[];
  status: string;
  heading: string;
}

async function plotState(f: Frame): Promise<PlotState | null> {
  try {
    return await f.evaluate(() => {
      const c = document.getElementById('plot') as HTMLCanvasElement | null;
      if (!c || !c.dataset.surface) return null;
      return {
        surface: c.dataset.surface,
        paths: Number(c.dataset.paths),
        points: c.dataset.points ?? '',
        renders: Number(c.dataset.renders),
        rows: Array.from(document.querySelectorAll<HTMLElement>('#summary tbody tr')).map(
          r => r.dataset.optimizer ?? '',
        ),
        // final x, y, f of each path (the table is the text alternative of the canvas)
        finals: Array.from(document.querySelectorAll<HTMLElement>('#summary tbody tr')).map(r =>
          Array.from(r.querySelectorAll('td'))
            .slice(1, 4)
            .map(td => td.textContent)
            .join(' '),
        ),
        status: document.getElementById('status')?.textContent ?? '',
        heading: document.querySelector('h1')?.textContent ?? '',
      };
    });
  } catch {
    return null; // frame detached while we read it
  }
}

/** The webview frame holding the playground and its state once `pred` holds. */
async function waitForPlot(
  wb: Workbench,
  what: string,
  pred: (s: PlotState) => boolean,
  timeoutMs = 60_000,
): Promise<{ frame: Frame; state: PlotState }> {
  return waitUntil(
    what,
    async () => {
      for (const frame of wb.dashboardFrames()) {
        const state = await plotState(frame);
        if (state && pred(state)) return { frame, state };
      }
      return null;
    },
    timeoutMs,
    250,
  );
}

const allEight = (s: PlotState) =>
  s.paths === 8 &&
  s.points
    .split(',')
    .map(e => e.split(':')[0])
    .join() === OPTIMIZERS.join() &&
  s.points.split(',').every(e => Number(e.split(':')[1]) >= 2);

test('10. Compare Optimizers: eight optimizer paths; switching to Rosenbrock redraws (screenshot in test-artifacts/)', async t => {
  await withWorkbench(t, browser(), trustedWindow(), async wb => {
    const t0 = Date.now();
    await wb.runCommand(COMMAND);
    await waitUntil(
      'a "Compare Optimizers" tab',
      async () => (await wb.tabTitles()).some(l => l.startsWith('Compare Optimizers')),
      30_000,
    );
    const first = await waitForPlot(wb, 'eight paths in the playground', allEight);
    t.diagnostic(`${first.state.surface}: ${first.state.points} after ${Date.now() - t0} ms; ${first.state.status}`);
    assert.equal(first.state.heading, 'Compare Optimizers');
    assert.deepEqual(first.state.rows, OPTIMIZERS, 'the table lists every optimizer');
    assert.match(first.state.status, /8 paths, \d+ steps, computed in \d+ ms on cpu/);

    // the paths come from a separate Node process running the extension's dist/playground.js
    const procs = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
      .split('\n')
      .filter(l => /training-lens[^ ]*\/dist\/playground\.js/.test(l));
    assert.ok(procs.length >= 1, 'a playground child process runs');
    t.diagnostic(`child: ${procs[0].trim()}`);

    // the controls are @vscode-elements components, upgraded under VS Code's webview CSP
    const kinds = await first.frame.evaluate(() =>
      ['#surface', '#show-adam', '#lr-adam', '#reset-lr'].map(s => {
        const e = document.querySelector(s);
        const c = e ? customElements.get(e.localName) : undefined;
        return e ? `${e.localName}${c && e instanceof c && e.shadowRoot ? '' : ' (not upgraded)'}` : `${s} missing`;
      }),
    );
    assert.deepEqual(kinds, ['vscode-single-select', 'vscode-checkbox', 'vscode-textfield', 'vscode-button']);

    const target = first.state.surface === 'rosenbrock' ? 'saddle' : 'rosenbrock';
    await pickSurface(first.frame, target);
    const second = await waitForPlot(
      wb,
      `the ${target} surface drawn`,
      s => s.surface === target && allEight(s) && s.renders > first.state.renders,
    );
    assert.notDeepEqual(second.state.finals, first.state.finals, 'the paths end elsewhere on the new surface');
    t.diagnostic(
      `${target}: ${second.state.points}; ${second.state.status}; ends ${JSON.stringify(second.state.finals)}`,
    );
    if (target !== 'rosenbrock') {
      await pickSurface(second.frame, 'rosenbrock');
      await waitForPlot(wb, 'the rosenbrock surface drawn', s => s.surface === 'rosenbrock' && allEight(s));
    }
    const shown = await waitForPlot(wb, 'rosenbrock drawn', s => s.surface === 'rosenbrock' && allEight(s));
    await wb.afterPaint(shown.frame);
    const shot = await wb.screenshot('10-playground-rosenbrock');
    t.diagnostic(`screenshot: ${shot}`);

    // the host owns the state: hide the panel behind an editor (its webview is discarded), show it again, and the
    // new webview gets Rosenbrock and its paths replayed
    await wb.openFile('README.md');
    await waitUntil(
      'the playground webview to go away',
      async () => {
        for (const f of wb.dashboardFrames()) if (await plotState(f)) return false;
        return true;
      },
      15_000,
    );
    await wb.page.locator('.tabs-container .tab', { hasText: 'Compare Optimizers' }).first().click();
    const replayed = await waitForPlot(
      wb,
      'the replayed playground',
      s => s.surface === 'rosenbrock' && allEight(s),
      30_000,
    );
    assert.deepEqual(replayed.state.finals, shown.state.finals, 'the same paths as before it was hidden');

    // Developer: Reload Window: the serializer brings the panel back with the same surface and paths
    await wb.reloadWindow();
    const restored = await waitForPlot(
      wb,
      'the playground restored after Reload Window',
      s => s.surface === 'rosenbrock' && allEight(s),
      60_000,
    );
    assert.deepEqual(restored.state.finals, shown.state.finals, 'the restored panel shows the same paths');
    assert.deepEqual(
      wb.consoleErrors.filter(e => /playground|Compare Optimizers|Content Security Policy/i.test(e)),
      [],
    );
  });
});
