/**
 * The runner child's watchdog: a worker thread, so it runs while the job blocks the main thread (a busy loop, a
 * long synchronous op). When the host (CLI or extension host) goes away — killed, crashed, reloaded — the child is
 * re-parented; the watchdog sees its parent pid change, ends the run log with a run-end saying so (the host's
 * writer is gone, so nothing races this append) and kills the child. The host never has to outlive its runs.
 */
import { Worker } from 'node:worker_threads';

/** shared counters the main thread keeps current (Int32Array indices) */
export const NEXT_SEQ = 0;
export const STEPS = 1;
export const ENDED = 2;

export const HOST_EXITED_MESSAGE = 'interrupted: host exited (the CLI or editor that started the run went away)';

export interface Watchdog {
  counters: Int32Array;
  /** the main thread saw the host go (IPC disconnect): end now instead of at the next poll */
  hostGone(): void;
}

// Plain CommonJS, evaluated in the worker: self-contained (no bundle, no tsx), small.
const WORKER_SOURCE = String.raw`
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { logFile, runId, started, ppid, shared, message, pollMs } = workerData;
const counters = new Int32Array(shared);

function appendRunEnd() {
  const fd = fs.openSync(logFile, 'r+');
  try {
    const size = fs.fstatSync(fd).size;
    const tailLen = Math.min(size, 1 << 20);
    const tail = Buffer.alloc(tailLen);
    fs.readSync(fd, tail, 0, tailLen, size - tailLen);
    const lastNl = tail.lastIndexOf(0x0a);
    let keep = size;
    if (lastNl >= 0) keep = size - tailLen + lastNl + 1;
    else if (tailLen === size) keep = 0;
    // a line the host was writing when it died is cut off: the log stays whole lines
    if (keep < size) fs.ftruncateSync(fd, keep);
    let seq = Atomics.load(counters, ${NEXT_SEQ});
    if (lastNl >= 0) {
      const prevNl = tail.lastIndexOf(0x0a, lastNl - 1);
      try {
        const last = JSON.parse(tail.subarray(prevNl + 1, lastNl).toString('utf8'));
        if (last && last.kind === 'run-end') return; // already ended
        if (last && Number.isInteger(last.seq)) seq = last.seq + 1;
      } catch (e) { /* keep the child's count */ }
    }
    const t = Math.max(0, Date.now() - started);
    const end = { kind: 'run-end', runId, seq, t, status: 'error', error: { message }, steps: Atomics.load(counters, ${STEPS}), durationMs: t };
    fs.writeSync(fd, JSON.stringify(end) + '\n', keep);
  } finally {
    fs.closeSync(fd);
  }
}

function hostGone() {
  if (Atomics.load(counters, ${ENDED}) === 0) {
    try { appendRunEnd(); } catch (e) { /* the next listing marks the run interrupted */ }
  }
  process.kill(process.pid, 'SIGKILL');
}

parentPort.on('message', m => { if (m === 'host-gone') hostGone(); });
// re-parented (POSIX), or the parent pid is no longer a live process (Windows keeps the old ppid)
function parentAlive() {
  try { process.kill(ppid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}
setInterval(() => { if (process.ppid !== ppid || !parentAlive()) hostGone(); }, pollMs);
`;

export function startWatchdog(opts: { logFile: string; runId: string; started: number; pollMs?: number }): Watchdog {
  const counters = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    execArgv: [], // no loaders (tsx) in the watchdog: it is plain JS
    workerData: {
      ...opts,
      pollMs: opts.pollMs ?? 200,
      ppid: process.ppid,
      shared: counters.buffer,
      message: HOST_EXITED_MESSAGE,
    },
  });
  worker.unref();
  return { counters, hostGone: () => worker.postMessage('host-gone') };
}
