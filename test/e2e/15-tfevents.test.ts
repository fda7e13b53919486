// Scenario 15: TensorBoard logdirs. A logdir in the workspace (written by real Keras: train/ and validation/,
// histograms) is offered by Compare Runs; shown in the dashboard it has its loss and val_loss curves, and the
// overfitting the model was made to show is a finding that names the tag and step. "Open TensorBoard Logdir" (its
// folder dialog) shows a logdir outside the workspace that is still being written: appended records reach the
// dashboard without reopening it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Frame } from 'playwright-core';
import { encodeEvent, type TfEvent } from '../../src/tfevents/codec.ts';
import { frameRecord } from '../../src/tfevents/records.ts';
import { waitUntil, withWorkbench, type Workbench } from './lib/workbench.ts';
import { env, trustedWindow, useBrowser } from './lib/training.ts';
import { paletteHasCommand } from './lib/editor.ts';
import { answerFolderDialog, tickAndAccept } from './lib/quickInput.ts';

const browser = useBrowser();
const FIXTURE = path.resolve(import.meta.dirname, '..', 'fixtures', 'tfevents', 'keras');
const LABEL = 'TensorBoard: tb-logs/keras';
/** epochs in the Keras fixture: loss (train/epoch_loss) and val_loss (validation/epoch_loss) each */
const KERAS_EPOCHS = 30;
const kerasLosses = (
  JSON.parse(fs.readFileSync(path.join(FIXTURE, 'expected.json'), 'utf8')) as { epochs: { loss: number[] } }
).epochs.loss;

interface Shown {
  /** the header: the shown run's folder name, its path as the tooltip, its backend */
  header: string;
  path: string;
  backend: string;
  /** the header's loss: the last batch's, or the last epoch's for a run logged per epoch */
  loss: string;
  /** labels of the run list (shown when several runs are) */
  runs: string[];
  lossPoints: number;
  findings: string[];
}

async function shownOf(f: Frame): Promise<Shown | null> {
  return f
    .evaluate(() => {
      const list = document.querySelector<HTMLElement>('#run-list');
      const loss = document.querySelector<HTMLElement>('section.chart[data-chart="loss"]');
      const header = document.querySelector<HTMLElement>('#job-file');
      if (!list || !loss || !header) return null;
      return {
        header: (header.textContent ?? '').trim(),
        path: header.title,
        backend: (document.querySelector('#run-backend')?.textContent ?? '').trim(),
        loss: (document.querySelector('#run-loss')?.textContent ?? '').trim(),
        runs: list.hidden
          ? []
          : Array.from(list.querySelectorAll<HTMLElement>('li .run-label')).map(l => (l.textContent ?? '').trim()),
        lossPoints: Number(loss.dataset.points ?? 0),
        findings: Array.from(document.querySelectorAll<HTMLElement>('#findings .finding')).map(
          li => li.textContent ?? '',
        ),
      };
    })
    .catch(() => null);
}

/** The first dashboard frame whose state satisfies `ok`. */
async function waitShown(wb: Workbench, what: string, ok: (s: Shown) => boolean, timeoutMs = 60_000) {
  let last: Shown | null = null;
  try {
    return await waitUntil(
      what,
      async () => {
        for (const f of wb.dashboardFrames()) {
          const s = await shownOf(f);
          if (s) last = s;
          if (s && ok(s)) return { f, s };
        }
        return null;
      },
      timeoutMs,
      100,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}; the dashboard showed ${JSON.stringify(last)}`, { cause: e });
  }
}

/** A TensorBoard event file written like PyTorch's SummaryWriter does: a `loss` scalar per step, appended. */
class EventFile {
  readonly file: string;
  constructor(dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, `events.out.tfevents.${Math.floor(Date.now() / 1000)}.e2e.1.0`);
    this.append([{ wall_time: Date.now() / 1000, file_version: 'brain.Event:2' }]);
  }
  append(events: TfEvent[]): void {
    fs.appendFileSync(this.file, Buffer.concat(events.map(e => frameRecord(encodeEvent(e)))));
  }
  losses(from: number, to: number): void {
    const events: TfEvent[] = [];
    for (let step = from; step < to; step++)
      events.push({
        wall_time: Date.now() / 1000,
        step,
        summary: { value: [{ tag: 'loss', simple_value: 2 / (1 + step) }] },
      });
    this.append(events);
  }
}

test('15. TensorBoard logdirs: Compare Runs shows a Keras logdir with a finding; Open Logdir follows one live', async t => {
  fs.cpSync(FIXTURE, path.join(env.workspace, 'tb-logs', 'keras'), { recursive: true });
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-e2e-logdir-'));
  t.after(() => fs.rmSync(outside, { recursive: true, force: true }));
  await withWorkbench(t, browser(), trustedWindow(), async wb => {
    assert.ok(await paletteHasCommand(wb, 'Training Lens: Open TensorBoard Logdir'), 'the Open Logdir command');

    // Compare Runs from the palette: the logdir run is offered beside saved runs; tick it like a user
    await wb.runCommand('Training Lens: Compare Runs');
    const ticked = await tickAndAccept(wb, 'TensorBoard', l => l === LABEL);
    t.diagnostic(`ticked: ${JSON.stringify(ticked)}`);
    const keras = await waitShown(
      wb,
      'the dashboard showing the Keras logdir run with its curves and a finding',
      s =>
        s.path === path.join(env.workspace, 'tb-logs', 'keras') &&
        s.lossPoints === 2 * KERAS_EPOCHS &&
        s.findings.some(x => /overfitting/i.test(x)),
    );
    t.diagnostic(`shown: ${JSON.stringify(keras.s)}`);
    // one run shown: the header names it (no run list)
    assert.equal(keras.s.header, 'keras');
    assert.equal(keras.s.backend, 'tensorboard');
    assert.equal(keras.s.loss, String(Number(kerasLosses.at(-1)!.toPrecision(4))), "the last epoch's loss");
    assert.deepEqual(keras.s.runs, [], 'one run shown');
    const finding = keras.s.findings.find(x => /overfitting/i.test(x))!;
    assert.match(finding, /tag "validation\/epoch_loss", step \d+; a logdir has no source line/, 'tag and step');
    await keras.f.evaluate(() => document.querySelector('#findings')?.scrollIntoView({ block: 'center' }));
    await wb.afterPaint(keras.f);
    await wb.screenshot('15-tfevents');

    // Open TensorBoard Logdir on a folder outside the workspace whose run is still being written
    const runDir = path.join(outside, 'run1');
    const run = new EventFile(runDir);
    run.losses(0, 20);
    await wb.runCommand('Training Lens: Open TensorBoard Logdir');
    await answerFolderDialog(wb, outside, 'Open Logdir');
    const live = await waitShown(
      wb,
      'the dashboard showing the opened logdir run',
      s => s.path === runDir && s.lossPoints === 20,
    );
    t.diagnostic(`opened: ${JSON.stringify(live.s)}`);

    // appended records appear without reopening anything
    const latencies: number[] = [];
    for (let round = 1; round <= 3; round++) {
      const want = 20 + 10 * round;
      const t0 = Date.now();
      run.losses(want - 10, want);
      await waitShown(
        wb,
        `${want} loss points after appending`,
        s => s.path === runDir && s.lossPoints === want,
        15_000,
      );
      latencies.push(Date.now() - t0);
    }
    // a figure, not a timed assertion (the target is 1 s; polling and the test's own 100 ms poll add up)
    t.diagnostic(`appended records shown after ${latencies.join(', ')} ms`);
    await wb.afterPaint(live.f);
    await wb.screenshot('15-tfevents-live');

    // after a reload the dashboard shows the run again and the Runs listing still offers the opened logdir
    await wb.reloadWindow();
    await waitShown(wb, 'the logdir run restored after the reload', s => s.path === runDir && s.lossPoints === 50);
    await wb.runCommand('Training Lens: Compare Runs');
    await wb.quickInput().locator('input').fill('run1');
    const offered = await waitUntil(
      'the opened logdir offered',
      async () => {
        const l = await wb.waitQuickPickLabels();
        return l.includes(`TensorBoard: ${runDir}`) ? l : null;
      },
      15_000,
    );
    t.diagnostic(`after the reload Compare Runs offers: ${JSON.stringify(offered)}`);
    await wb.closeQuickInput();
  });
});
