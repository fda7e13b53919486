/**
 * Dashboard webview under load, in headless Chromium with the production CSP (prints figures; not a pass/fail test).
 *   6 per-batch series x 100,000 steps + 10 layers x 500 gradient histograms (30 bins), replayed as the host does
 *   (`history` messages: 10,000 events each in columns), then 10 points/s streamed in live (`events` messages).
 * Figures: time to first render of the replay (the first frame with a chart drawn from data, target <= 300 ms) and to
 * the whole replay drawn (every chart and heatmap), per-update time while streaming (message handling + the render
 * after it, p95 target <= 16 ms; and every render, also the later frames that draw charts out of view), JS heap
 * after load and GC (target <= 150 MB). TL_BENCH_DEBUG=1 prints the replay's message/render timeline.
 * Run: npm run bench:webview   (TL_BENCH_LIVE_SECONDS=10 by default)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildWebview } from '../test/webview/build-webview';
import { launchChromium, openDashboard, serveDashboard } from '../test/webview/harness';
import type { RunEvent } from '../src/protocol';
import { encodeHistory, type HistoryChunk } from '../src/protocol/history';

const STEPS = 100_000;
const LAYERS = 10;
const HISTOGRAMS = 500;
const LIVE_SECONDS = Number(process.env.TL_BENCH_LIVE_SECONDS ?? 10);
/** extension/dashboard.ts's CHUNK */
const REPLAY_CHUNK = 10_000;

/** The long run: 6 per-batch series (loss, 4 metrics, lr) and a gradient histogram per layer every STEPS / HISTOGRAMS steps. */
function generate(runId: string): RunEvent[] {
  const events: RunEvent[] = [];
  let seq = 0;
  events.push({
    kind: 'fit-start',
    runId,
    seq: seq++,
    t: 0,
    fitIndex: 0,
    method: 'fit',
    epochs: 100,
    stepsPerEpoch: 1000,
    batchSize: 32,
    optimizer: 'adam',
    loss: 'categoricalCrossentropy',
    layers: [],
    totalParams: 0,
  });
  const every = Math.floor(STEPS / HISTOGRAMS);
  for (let step = 0; step < STEPS; step++) {
    const loss = 2 * Math.exp(-step / 20000) + 0.1 + 0.05 * Math.sin(step * 1.7);
    events.push({
      kind: 'batch',
      runId,
      seq: seq++,
      t: step * 5,
      step,
      epoch: Math.floor(step / 1000),
      batch: step % 1000,
      loss,
      metrics: { acc: 1 - loss / 2.2, precision: 0.9 - loss / 3, recall: 0.8 - loss / 4, auc: 0.95 - loss / 5 },
      lr: 1e-3 * Math.exp(-step / 50000),
    });
    if (step % every === 0) {
      for (let l = 0; l < LAYERS; l++) {
        const scale = 0.01 * (l + 1) * (1 + step / STEPS);
        const edges: number[] = [];
        const counts: number[] = [];
        for (let j = 0; j <= 30; j++) edges.push(-scale + (2 * scale * j) / 30);
        for (let j = 0; j < 30; j++) counts.push(Math.round(1000 * Math.exp(-((j - 14.5) ** 2) / 20)));
        events.push({
          kind: 'histogram',
          runId,
          seq: seq++,
          t: step * 5,
          step,
          of: 'grad',
          layer: `dense_${l}`,
          variable: `dense_${l}/kernel`,
          edges,
          counts,
          nonFinite: 0,
        });
      }
    }
  }
  return events;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

interface Profile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  }>;
  samples: number[];
  timeDeltas: number[];
}
/** TL_BENCH_PROFILE=load|live: self time by function (debugging aid) */
function printProfile({ profile }: { profile: Profile }): void {
  const self = new Map<string, number>();
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const k = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}:${f.columnNumber}`;
    self.set(k, (self.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  console.log(
    [...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 25)
      .map(([k, v]) => `${v.toFixed(0).padStart(7)} ms  ${k}`)
      .join('\n'),
  );
}

async function main(): Promise<void> {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'tl-bench-webview-'));
  await buildWebview(outdir);
  const served = await serveDashboard(outdir);
  const browser = await launchChromium();
  try {
    const dash = await openDashboard(browser, served.origin, 'dark');
    const { page } = dash;
    const runId = 'bench';
    await dash.host({
      type: 'reset',
      runs: [
        { runId, jobFile: '/w/bench.train.ts', label: 'bench', startedAt: '2026-11-23T00:00:00Z', status: 'running' },
      ],
    });
    // generated here, encoded as the host's replay does (extension/dashboard.ts: encodeHistory per CHUNK events), then
    // handed to the page before the clock starts (what is measured is the dashboard, not playwright's transfer)
    const events = generate(runId);
    const chunks: HistoryChunk[] = [];
    for (let i = 0; i < events.length; i += REPLAY_CHUNK) chunks.push(encodeHistory(events.slice(i, i + REPLAY_CHUNK)));
    await page.evaluate(
      ({ chunks, seq }) => {
        const w = window as unknown as { __benchChunks?: unknown[]; __benchSeq: number };
        w.__benchChunks = chunks;
        w.__benchSeq = seq;
      },
      { chunks, seq: events.length },
    );
    const gen = { events: events.length, messages: chunks.length };

    const cdp0 = process.env.TL_BENCH_PROFILE === 'load' ? await page.context().newCDPSession(page) : undefined;
    if (cdp0) {
      await cdp0.send('Profiler.enable');
      await cdp0.send('Profiler.start');
    }
    // replay: post every message back to back (as VS Code delivers them), wait for the render that shows it all
    const load = (await page.evaluate(`new Promise(resolve => {
      const chunks = window.__benchChunks;
      let lastMessage = 0;
      const handled0 = Number(document.body.dataset.handledMs || 0);
      const t0 = performance.now();
      let seen = 0;
      // the first frame that shows data (the first message's points), while the rest is still arriving
      let firstDataMs = -1;
      const renders0 = Number(document.body.dataset.renders || 0);
      const watch = () => {
        // a chart drawn with data (not only its empty panel)
        if (Number(document.body.dataset.renders || 0) > renders0 && document.querySelector('section.chart[data-drawn]')) firstDataMs = performance.now() - t0;
        else requestAnimationFrame(watch);
      };
      requestAnimationFrame(watch);
      const timeline = window.__timeline = [];
      const tmo = new MutationObserver(() => timeline.push('render ' + (performance.now() - t0).toFixed(0) + ' took ' + document.body.dataset.renderMs + ' queued ' + document.body.dataset.queued + ' pending ' + document.body.dataset.chartsPending));
      tmo.observe(document.body, { attributes: true, attributeFilter: ['data-renders'] });
      const onMsg = () => {
        timeline.push('msg ' + (performance.now() - t0).toFixed(0) + ' handle ' + document.body.dataset.handleMs);
        if (++seen === chunks.length) {
          lastMessage = performance.now();
          window.removeEventListener('message', onMsg);
          const before = Number(document.body.dataset.renders || 0);
          const wait = () => {
            // every chart and heatmap drawn (those out of view are drawn in the frames after the first)
            const d = document.body.dataset;
            if (Number(d.renders || 0) > before && d.queued === '0' && d.chartsPending === '0' && (d.histPending ?? '0') === '0') {
              resolve({ firstDataMs, firstRenderMs: performance.now() - t0, handleMs: Number(d.handledMs) - handled0, messagesMs: lastMessage - t0, renderMs: Number(document.body.dataset.renderMs) });
            } else requestAnimationFrame(wait);
          };
          requestAnimationFrame(wait);
        }
      };
      // after the dashboard's own listener (registered first): read its handleMs
      window.addEventListener('message', onMsg);
      for (const c of chunks) window.postMessage({ type: 'history', runId: ${JSON.stringify(runId)}, history: c }, '*');
      window.__postMs = performance.now() - t0;
      window.__benchChunks = undefined;
    })`)) as { firstDataMs: number; firstRenderMs: number; handleMs: number; messagesMs: number; renderMs: number };

    if (process.env.TL_BENCH_DEBUG)
      console.log(
        'postMessage calls took',
        await page.evaluate('window.__postMs'),
        'ms',
        ((await page.evaluate('window.__timeline')) as string[]).join('\n'),
      );
    if (cdp0) printProfile((await cdp0.send('Profiler.stop')) as unknown as { profile: Profile });
    const points = (await page.evaluate(
      `[...document.querySelectorAll('section.chart')].reduce((n, s) => n + Number(s.dataset.points || 0), 0)`,
    )) as number;
    const hists = (await page.evaluate(
      `[...document.querySelectorAll('figure.hist')].reduce((n, f) => n + Number(f.dataset.samples || 0), 0)`,
    )) as number;

    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };

    if (process.env.TL_BENCH_PROFILE === 'live') {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    // live: 10 points/s (one batch event per 100 ms, a histogram per layer every 50 steps), per-update time
    const liveRun = (await page.evaluate(`new Promise(resolve => {
      const runId = ${JSON.stringify(runId)};
      let seq = window.__benchSeq, step = ${STEPS};
      const samples = [];
      // every render (also the frames that draw charts out of view later), not only the one after each message
      const frames = [];
      const mo = new MutationObserver(() => frames.push(Number(document.body.dataset.renderMs || 0)));
      mo.observe(document.body, { attributes: true, attributeFilter: ['data-renders'] });
      let ticks = 0;
      const total = ${Math.round(LIVE_SECONDS * 10)};
      const timer = setInterval(() => {
        const loss = 0.2 + 0.05 * Math.sin(step);
        const events = [{ kind: 'batch', runId, seq: seq++, t: step * 5, step, epoch: Math.floor(step / 1000), batch: step % 1000, loss,
          metrics: { acc: 1 - loss / 2.2, precision: 0.9 - loss / 3, recall: 0.8 - loss / 4, auc: 0.95 - loss / 5 }, lr: 1e-4 }];
        if (step % 50 === 0) for (let l = 0; l < ${LAYERS}; l++) {
          const edges = [], counts = [];
          for (let j = 0; j <= 30; j++) edges.push(-0.02 + 0.04 * j / 30);
          for (let j = 0; j < 30; j++) counts.push(j * 10);
          events.push({ kind: 'histogram', runId, seq: seq++, t: step * 5, step, of: 'grad', layer: 'dense_' + l, variable: 'dense_' + l + '/kernel', edges, counts, nonFinite: 0 });
        }
        step++;
        const before = Number(document.body.dataset.renders || 0);
        window.postMessage({ type: 'events', runId, events }, '*');
        setTimeout(() => {
          const handle = Number(document.body.dataset.handleMs || 0);
          const wait = () => {
            if (Number(document.body.dataset.renders || 0) > before) samples.push({ handle, render: Number(document.body.dataset.renderMs || 0), hist: events.length > 1 });
            else requestAnimationFrame(wait);
          };
          requestAnimationFrame(wait);
        }, 0);
        if (++ticks >= total) {
          clearInterval(timer);
          setTimeout(() => { mo.disconnect(); resolve({ samples, frames }); }, 300);
        }
      }, 100);
    })`)) as { samples: Array<{ handle: number; render: number; hist: boolean }>; frames: number[] };
    const live = liveRun.samples;

    if (process.env.TL_BENCH_DEBUG)
      console.log(live.map((s, i) => ({ i, ...s })).filter(s => s.handle + s.render > 30));
    if (process.env.TL_BENCH_PROFILE === 'live')
      printProfile((await cdp.send('Profiler.stop')) as unknown as { profile: Profile });
    const perUpdate = live.map(s => s.handle + s.render);
    const withHist = live.filter(s => s.hist).map(s => s.handle + s.render);
    // after the first 2 s (the replay's garbage is being collected then)
    const steady = perUpdate.slice(20);
    const errors = [...dash.pageErrors, ...dash.consoleErrors, ...(await dash.cspViolations())];
    const mb = (b: number): string => (b / 1024 / 1024).toFixed(1);
    console.log(
      `webview bench: ${gen.events.toLocaleString('en-US')} events in ${gen.messages} messages (6 series x ${STEPS.toLocaleString('en-US')} steps, ${LAYERS} layers x ${HISTOGRAMS} histograms)`,
    );
    console.log(`  plotted: ${points.toLocaleString('en-US')} points, ${hists.toLocaleString('en-US')} histograms`);
    console.log(
      `  time to first render (first frame with charts, replay still arriving): ${load.firstDataMs.toFixed(0)} ms (target <= 300)`,
    );
    console.log(
      `  time to the whole replay rendered (every chart and heatmap drawn): ${load.firstRenderMs.toFixed(0)} ms  [the last of ${gen.messages} messages arrived after ${load.messagesMs.toFixed(0)} ms; validation + store took ${load.handleMs.toFixed(0)} ms in all; the last render ${load.renderMs.toFixed(0)} ms]`,
    );
    console.log(
      `  live updates (${live.length} at 10/s): per update p50 ${pct(perUpdate, 50).toFixed(1)} ms, p95 ${pct(perUpdate, 95).toFixed(1)} ms (target <= 16), max ${Math.max(...perUpdate).toFixed(1)} ms; with histograms p95 ${withHist.length ? pct(withHist, 95).toFixed(1) : '–'} ms`,
    );
    console.log(
      `  every render while streaming (${liveRun.frames.length} frames, including charts out of view drawn later): p50 ${pct(liveRun.frames, 50).toFixed(1)} ms, p95 ${pct(liveRun.frames, 95).toFixed(1)} ms, max ${Math.max(...liveRun.frames).toFixed(1)} ms`,
    );
    if (steady.length)
      console.log(
        `  live updates after the first 2 s: p50 ${pct(steady, 50).toFixed(1)} ms, p95 ${pct(steady, 95).toFixed(1)} ms, max ${Math.max(...steady).toFixed(1)} ms`,
      );
    console.log(`  JS heap after load + GC: ${mb(heap.usedSize)} MB used (target <= 150)`);
    if (errors.length) console.log(`  page errors / CSP violations: ${errors.join('; ')}`);
  } finally {
    await browser.close();
    await served.close();
    rmSync(outdir, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(e);
  process.exitCode = 1;
});
