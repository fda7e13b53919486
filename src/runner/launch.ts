/**
 * Host side of a run (used by the extension and the CLI alike): forks the runner child, validates every event it
 * sends, appends it to the run log, and guarantees the log ends with exactly one run-end even when the child is
 * killed, crashes, or sends garbage.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { validateEvent, type RunEvent, type RunEndEvent } from '../protocol';
import { RunLogWriter, EVENTS_FILE, newRunId } from '../runs/store';
import { RUN_CONFIG_ENV, type RunConfig, type RunVariant } from './config';
import type { BackendPreference } from './backend';
import { DEFAULT_PROBES, type ProbeSettings } from './instrument';
import type { DiagnosisSettings } from '../detectors/settings';

export interface LaunchOptions {
  jobFile: string;
  runsDir: string;
  /** the built runner entry (dist/runner.js), or src/runner/child.ts under tsx in tests */
  runnerEntry: string;
  backend?: BackendPreference;
  epochs?: number;
  probes?: Partial<ProbeSettings>;
  wasmDir?: string;
  diagnosis?: Partial<DiagnosisSettings>;
  /** train a patched copy of the job (in memory; the file is untouched) */
  variant?: RunVariant;
  /** hyper-parameter values for this run (a sweep trial) */
  hparams?: Record<string, number | string | boolean>;
  sweep?: { id: string; trial: number };
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
  /** how long a stop may take before the child is killed */
  stopGraceMs?: number;
}

export interface RunHandle {
  runId: string;
  runDir: string;
  logFile: string;
  jobFile: string;
  /** every validated event, in order, including the synthesized run-end */
  onEvent(listener: (event: RunEvent) => void): void;
  /** invalid messages from the child (they are not written to the log) */
  onProblem(listener: (reason: string) => void): void;
  stop(): void;
  readonly done: Promise<RunEndEvent>;
}

export function launchRun(opts: LaunchOptions): RunHandle {
  const jobFile = path.resolve(opts.jobFile);
  const runId = newRunId(jobFile);
  const runDir = path.join(opts.runsDir, runId);
  fs.mkdirSync(runDir, { recursive: true });
  // Runs are local artefacts: keep them out of the user's git without touching their .gitignore.
  const ignore = path.join(opts.runsDir, '.gitignore');
  if (!fs.existsSync(ignore)) fs.writeFileSync(ignore, '# Training Lens run logs\n*\n');
  const logFile = path.join(runDir, EVENTS_FILE);
  const writer = new RunLogWriter(logFile);
  const config: RunConfig = {
    runId, jobFile, runDir, backend: opts.backend ?? 'auto', epochs: opts.epochs,
    probes: { ...DEFAULT_PROBES, ...opts.probes }, wasmDir: opts.wasmDir, diagnosis: opts.diagnosis, variant: opts.variant,
    hparams: opts.hparams, sweep: opts.sweep,
  };
  // Keep the patched source next to its run: what was trained must stay inspectable.
  for (const [file, text] of Object.entries(opts.variant?.files ?? {})) {
    fs.writeFileSync(path.join(runDir, `patched-${path.basename(file)}`), text);
  }
  const listeners: Array<(e: RunEvent) => void> = [];
  const problemListeners: Array<(r: string) => void> = [];
  const started = Date.now();
  let lastSeq = -1;
  let steps = 0;
  let endEvent: RunEndEvent | undefined;
  let stopRequested = false;
  let stderrTail = '';
  let resolveDone!: (e: RunEndEvent) => void;
  const done = new Promise<RunEndEvent>(r => { resolveDone = r; });

  const deliver = (event: RunEvent) => {
    writer.append(event);
    for (const l of listeners) l(event);
  };
  const problem = (reason: string) => problemListeners.forEach(l => l(reason));

  const child: ChildProcess = fork(opts.runnerEntry, [], {
    cwd: path.dirname(jobFile),
    env: { ...process.env, ...opts.env, [RUN_CONFIG_ENV]: JSON.stringify(config), ELECTRON_RUN_AS_NODE: '1' },
    execArgv: ['--enable-source-maps', ...(opts.execArgv ?? [])],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'json',
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => { stderrTail = (stderrTail + chunk).slice(-4000); });

  child.on('message', (msg: unknown) => {
    const m = msg as { type?: string; event?: unknown };
    if (m?.type === 'flush') return;
    if (m?.type !== 'event') return problem(`unexpected message from runner: ${JSON.stringify(msg).slice(0, 200)}`);
    const r = validateEvent(m.event);
    if (!r.ok) return problem(`invalid event from runner: ${r.reason}`);
    const event = r.value;
    if (event.runId !== runId || endEvent) return problem(`event out of place: ${event.kind} #${event.seq}`);
    lastSeq = event.seq;
    if (event.kind === 'batch') steps = event.step + 1;
    if (event.kind === 'run-end') endEvent = event;
    deliver(event);
  });

  let killTimer: NodeJS.Timeout | undefined;
  child.on('exit', (code, signal) => {
    if (killTimer) clearTimeout(killTimer);
    if (!endEvent) {
      // The child died without saying how: a kill (Stop), a crash, an out-of-memory abort.
      const status = stopRequested ? 'cancelled' : 'error';
      const tail = stderrTail.trim().split('\n').slice(-5).join('\n');
      endEvent = {
        kind: 'run-end', runId, seq: lastSeq + 1, t: Date.now() - started, status, steps, durationMs: Date.now() - started,
        error: status === 'error'
          ? { message: `The training process exited unexpectedly (${signal ? 'signal ' + signal : 'exit code ' + code})${tail ? ': ' + tail : ''}` }
          : undefined,
      };
      deliver(endEvent);
    }
    writer.close();
    resolveDone(endEvent);
  });
  child.on('error', err => problem(`runner process error: ${err.message}`));

  return {
    runId, runDir, logFile, jobFile,
    onEvent: l => { listeners.push(l); },
    onProblem: l => { problemListeners.push(l); },
    stop: () => {
      if (endEvent || stopRequested) return;
      stopRequested = true;
      if (child.connected) child.send({ type: 'stop' });
      // A step can take long (big batch on cpu): do not wait more than the grace period.
      killTimer = setTimeout(() => child.kill('SIGKILL'), opts.stopGraceMs ?? 1500);
    },
    done,
  };
}
