/**
 * `npm run bench:runs`: the Runs view's listing over 100 runs of 28 MB each (BENCH_RUNS, BENCH_RUN_MB), generated
 * in a temp folder: realistic logs (batch, grad-norms and epoch events every step or epoch, 10 layers' histograms
 * every 50 steps), a quarter of them without run-end, two damaged. Prints the listing time with an empty cache
 * (a new RunLister, as after a window reload) and a warm one, after 10 logs grew, and the longest task on the
 * event loop during each (perf_hooks.monitorEventLoopDelay), next to the old whole-log parse of one log. The OS page
 * cache cannot be dropped here (no root), so "cold" means Training Lens' cache, not the disk's.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { RunLister } from '../src/runs/listing';
import { readRunLog, summarizeEvents, EVENTS_FILE } from '../src/runs/store';

const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const RUN_MB = Number(process.env.BENCH_RUN_MB ?? 28);
const LAYERS = Array.from({ length: 10 }, (_, i) => `dense_Dense${i + 1}`);

function body(runId: string, targetBytes: number): { text: string; steps: number } {
  const parts: string[] = [];
  let bytes = 0,
    seq = 1,
    step = 0,
    t = 500;
  const push = (o: object) => {
    const s = JSON.stringify(o) + '\n';
    parts.push(s);
    bytes += s.length;
  };
  push({
    runId,
    seq: seq++,
    t,
    kind: 'fit-start',
    fitIndex: 0,
    method: 'fit',
    epochs: 1000,
    stepsPerEpoch: 100,
    batchSize: 32,
    optimizer: 'Adam',
    loss: 'categoricalCrossentropy',
    layers: LAYERS.map(name => ({
      name,
      className: 'Dense',
      activation: 'relu',
      initializer: 'VarianceScaling',
      units: 100,
      params: 10100,
      outputShape: [null, 100],
    })),
    totalParams: 101000,
  });
  while (bytes < targetBytes) {
    t += 15;
    const loss = 2.3 * Math.exp(-step / 20000) + 0.05 * Math.sin(step);
    push({
      runId,
      seq: seq++,
      t,
      kind: 'batch',
      step,
      epoch: Math.floor(step / 100),
      batch: step % 100,
      loss,
      metrics: { acc: 1 - loss / 2.3 },
      lr: 0.001,
    });
    push({
      runId,
      seq: seq++,
      t,
      kind: 'grad-norms',
      step,
      variables: Object.fromEntries(LAYERS.map((l, i) => [`${l}/kernel`, 0.1 + i * 0.01 + 1e-6 * step])),
      layers: Object.fromEntries(LAYERS.map((l, i) => [l, 0.1 + i * 0.01])),
    });
    if (step % 50 === 0) {
      for (const layer of LAYERS)
        push({
          runId,
          seq: seq++,
          t,
          kind: 'histogram',
          step,
          of: 'grad',
          layer,
          variable: `${layer}/kernel`,
          edges: Array.from({ length: 31 }, (_, i) => -0.3 + i * 0.02),
          counts: Array.from({ length: 30 }, (_, i) => 100 + ((i * 37 + step) % 50)),
          nonFinite: 0,
        });
    }
    if (step % 100 === 99)
      push({
        runId,
        seq: seq++,
        t,
        kind: 'epoch',
        epoch: Math.floor(step / 100),
        step,
        logs: { loss, acc: 1 - loss / 2.3, val_loss: loss * 1.1, val_acc: 1 - loss / 2.1 },
      });
    step++;
  }
  return { text: parts.join(''), steps: step };
}

function generate(dir: string): { ms: number; bytes: number } {
  const t0 = performance.now();
  const { text, steps } = body('bench', RUN_MB * (1 << 20));
  const shared = Buffer.from(text);
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const runId = `2026-12-04T10-${String(Math.floor(i / 60)).padStart(2, '0')}-${String(i % 60).padStart(2, '0')}-000Z-bench-${i}`;
    const runDir = path.join(dir, runId);
    fs.mkdirSync(runDir);
    const fd = fs.openSync(path.join(runDir, EVENTS_FILE), 'w');
    if (i === 7) {
      fs.closeSync(fd);
      continue;
    } // damaged: empty
    if (i !== 13) {
      // damaged: no run-start
      bytes += fs.writeSync(
        fd,
        JSON.stringify({
          runId,
          seq: 0,
          t: 0,
          kind: 'run-start',
          jobFile: `/w/job${i % 5}.train.ts`,
          backend: 'wasm',
          backendNotes: [],
          startedAt: new Date(Date.parse('2026-12-04T10:00:00Z') + i * 60_000).toISOString(),
          argv: {},
        }) + '\n',
      );
    }
    bytes += fs.writeSync(fd, shared);
    if (i % 4 !== 3)
      bytes += fs.writeSync(
        fd,
        JSON.stringify({
          runId,
          seq: 1e7,
          t: 1e6,
          kind: 'run-end',
          status: i % 10 === 5 ? 'error' : 'ok',
          steps,
          durationMs: 1e6,
        }) + '\n',
      );
    fs.closeSync(fd);
  }
  // the interrupted ones have not grown for a while
  const old = new Date(Date.now() - 3_600_000);
  for (const d of fs.readdirSync(dir)) fs.utimesSync(path.join(dir, d, EVENTS_FILE), old, old);
  return { ms: performance.now() - t0, bytes };
}

interface Pass {
  ms: number;
  cpuMs: number;
  maxTaskMs: number;
}

async function pass(fn: () => Promise<unknown>): Promise<Pass> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await new Promise(r => setImmediate(r));
  h.disable();
  // the histogram records how late each 1 ms timer fired: its max is the longest task that blocked the loop
  // (on a loaded machine it also counts time the process waited for a core)
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, maxTaskMs: h.max / 1e6 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(
  label: string,
  times: number,
  fn: () => Promise<unknown>,
): Promise<{ ms: number; maxTaskMs: number }> {
  const passes: Pass[] = [];
  for (let i = 0; i < times; i++) passes.push(await pass(fn));
  const ms = median(passes.map(p => p.ms)),
    maxTaskMs = median(passes.map(p => p.maxTaskMs));
  console.log(
    `${label.padEnd(44)} median ${ms.toFixed(1).padStart(7)} ms (cpu ${median(passes.map(p => p.cpuMs)).toFixed(0)} ms), longest task ${maxTaskMs.toFixed(1)} ms  [${passes.map(p => `${p.ms.toFixed(0)}/${p.maxTaskMs.toFixed(0)}`).join(' ')}]`,
  );
  return { ms, maxTaskMs };
}

async function main(): Promise<void> {
  // BENCH_DIR: generate into (or reuse) this folder and keep it, for repeated measurements
  const keep = process.env.BENCH_DIR;
  const dir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-runs-'));
  try {
    if (keep && fs.existsSync(keep) && fs.readdirSync(keep).length > 0) {
      console.log(`reusing the runs in ${dir}`);
    } else {
      fs.mkdirSync(dir, { recursive: true });
      console.log(`generating ${RUNS} runs of ${RUN_MB} MB in ${dir} ...`);
      const gen = generate(dir);
      console.log(
        `generated ${(gen.bytes / (1 << 30)).toFixed(2)} GB in ${(gen.ms / 1000).toFixed(1)} s (one log body, written ${RUNS} times behind each run's own run-start)`,
      );
    }

    // let the kernel write the generated logs back first: its writeback would otherwise compete with the listing
    execFileSync('sync');
    let lister = new RunLister();
    let records: Awaited<ReturnType<RunLister['list']>> = [];
    console.log(
      `machine: ${os.cpus().length} cores, load average ${os
        .loadavg()
        .map(l => l.toFixed(1))
        .join(' ')}; each figure: median of the passes [each pass: ms / longest task ms]`,
    );
    const cold = await measure('listing, empty cache (first paint)', 5, async () => {
      lister = new RunLister();
      records = await lister.list(dir);
    });
    const counts = records.reduce<Record<string, number>>((o, r) => ({ ...o, [r.status]: (o[r.status] ?? 0) + 1 }), {});
    console.log(
      `  ${records.length} runs: ${Object.entries(counts)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}; logs opened ${lister.lastOpened}`,
    );
    const warm = await measure('listing, warm cache (refresh)', 5, () => lister.list(dir));
    console.log(`  logs opened ${lister.lastOpened}`);
    for (const r of records.slice(0, 10))
      fs.appendFileSync(
        path.join(r.dir, EVENTS_FILE),
        JSON.stringify({
          runId: r.runId,
          seq: 2e7,
          t: 2e6,
          kind: 'log',
          level: 'info',
          stream: 'stdout',
          text: 'more',
        }) + '\n',
      );
    const grown = await measure('listing after 10 logs grew', 1, () => lister.list(dir));
    console.log(`  logs opened ${lister.lastOpened}`);

    const one = path.join(records.find(r => r.status === 'ok')!.dir, EVENTS_FILE);
    const t0 = performance.now();
    const log = readRunLog(one);
    summarizeEvents('x', path.dirname(one), log.events);
    const fullMs = performance.now() - t0;
    console.log(
      `${'before: whole-log parse of one log (sync)'.padEnd(44)} ${fullMs.toFixed(1).padStart(8)} ms   (x${RUNS} runs = ${((fullMs * RUNS) / 1000).toFixed(1)} s on the extension host, per refresh)`,
    );
    console.log(
      `\ntargets: first paint <= 200 ms: cold ${cold.ms <= 200 ? 'met' : 'MISSED'} (${cold.ms.toFixed(0)} ms), warm ${warm.ms <= 200 ? 'met' : 'MISSED'} (${warm.ms.toFixed(0)} ms); no task over 50 ms: ${Math.max(cold.maxTaskMs, warm.maxTaskMs, grown.maxTaskMs) <= 50 ? 'met' : 'MISSED'} (${Math.max(cold.maxTaskMs, warm.maxTaskMs, grown.maxTaskMs).toFixed(1)} ms)`,
    );
  } finally {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
