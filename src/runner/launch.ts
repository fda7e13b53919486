/**
 * Host side of a run (used by the extension and the CLI alike): forks the runner child, validates every event it
 * sends, appends it to the run log, and guarantees the log ends with exactly one run-end even when the child is
 * killed, crashes, runs out of memory, sends garbage, or the disk fills up. A host that exits takes its runs with
 * it (the child's own watchdog covers a host that is killed outright).
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { prepareArtefactDir } from '../runs/ignore';
import { META_FILE } from '../runs/layout';
import { serializeMeta } from '../runs/meta';
import type { Readable } from 'node:stream';
import { validateEvent, type RunEvent, type RunEndEvent, type SourceLocation } from '../protocol';
import { EVENTS_FILE, newRunId } from '../runs/store';
import { SafeRunLogWriter } from '../runs/writer';
import { tfeventsListener } from '../tfevents/writer';
import {
  RUN_CONFIG_ENV,
  RUN_CONFIG_FILE,
  RUNNER_PID_FILE,
  EVENTS_FD,
  type RunConfig,
  type RunSettings,
} from './config';
import { HOST_EXITED_MESSAGE } from './watchdog';
import { fatalErrorMessage, withoutNativeFrames } from './failures';
import { splitLines } from './lines';
import { DEFAULT_PROBES, type ProbeSettings } from './instrument';

/** A run as its starter asks for it: the settings, each optional (`launchRun` fills the defaults), and how to host it. */
export interface LaunchOptions extends Partial<Omit<RunSettings, 'probes'>> {
  jobFile: string;
  runsDir: string;
  /** the built runner entry (dist/runner.js), or src/runner/child.ts under tsx in tests */
  runnerEntry: string;
  /** probes to change from DEFAULT_PROBES */
  probes?: Partial<ProbeSettings>;
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
  /** how long a stop may take before the child is killed */
  stopGraceMs?: number;
  /** the log's file writes (tests inject a failing one) */
  logIo?: ConstructorParameters<typeof SafeRunLogWriter>[1];
  /** also write the run as a TensorBoard event file in its folder (default: yes) */
  tfevents?: boolean;
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
  // Runs are local artefacts: kept out of the user's git (only in a folder Training Lens made itself)
  prepareArtefactDir(opts.runsDir);
  fs.mkdirSync(runDir, { recursive: true });
  // who writes the log: a run without run-end whose writer is gone is listed as interrupted at once
  fs.writeFileSync(path.join(runDir, META_FILE), serializeMeta({ pid: process.pid, host: os.hostname() })!);
  const logFile = path.join(runDir, EVENTS_FILE);
  const writer = new SafeRunLogWriter(logFile, opts.logIo);
  const config: RunConfig = {
    runId,
    jobFile,
    runDir,
    backend: opts.backend ?? 'auto',
    epochs: opts.epochs,
    seed: opts.seed,
    probes: { ...DEFAULT_PROBES, ...opts.probes },
    wasmDir: opts.wasmDir,
    diagnosis: opts.diagnosis,
    variant: opts.variant,
    hparams: opts.hparams,
    sweep: opts.sweep,
  };
  // Keep the patched source next to its run: what was trained must stay inspectable.
  for (const [file, text] of Object.entries(opts.variant?.files ?? {})) {
    fs.writeFileSync(path.join(runDir, `patched-${path.basename(file)}`), text);
  }
  const configFile = path.join(runDir, RUN_CONFIG_FILE);
  fs.writeFileSync(configFile, JSON.stringify(config));
  const listeners: Array<(e: RunEvent) => void> = [];
  if (opts.tfevents !== false) listeners.push(tfeventsListener(runDir));
  const problemListeners: Array<(r: string) => void> = [];
  const started = Date.now();
  let lastSeq = -1;
  let steps = 0;
  let sawStart = false;
  let fitLocation: SourceLocation | undefined;
  let endEvent: RunEndEvent | undefined;
  let stopRequested = false;
  let stderrTail = '';
  let fatal: string | undefined;
  let resolveDone!: (e: RunEndEvent) => void;
  const done = new Promise<RunEndEvent>(r => {
    resolveDone = r;
  });

  const deliver = (event: RunEvent) => {
    if (settled) return;
    if (!writer.append(event)) {
      // The log cannot be written (disk full): end the run now with that reason rather than train unrecorded; what
      // listeners get stays what the log holds.
      child?.kill('SIGKILL');
      return finish(writer.failure!.message, true, false);
    }
    for (const l of listeners) l(event);
  };
  const problem = (reason: string) => problemListeners.forEach(l => l(reason));

  /** The run-end nobody sent (a crash, a kill, a full disk, a spawn failure), and the run-start if none came. */
  const synthesize = (message: string | undefined, status: RunEndEvent['status'], located: boolean) => {
    const t = Date.now() - started;
    if (!sawStart) {
      sawStart = true;
      const start: RunEvent = {
        kind: 'run-start',
        runId,
        seq: ++lastSeq,
        t,
        jobFile,
        backend: 'none',
        backendNotes: [],
        startedAt: new Date(started).toISOString(),
        argv: {},
      };
      if (writer.appendFinal(start)) for (const l of listeners) l(start);
    }
    endEvent = {
      kind: 'run-end',
      runId,
      seq: lastSeq + 1,
      t,
      status,
      steps,
      durationMs: t,
      ...(message ? { error: located && fitLocation ? { message, location: fitLocation } : { message } } : {}),
    };
    return endEvent;
  };

  let settled = false;
  /** Ends the run once: the log gets its run-end (if the disk lets it), listeners too, `done` resolves. */
  function finish(message: string | undefined, force = false, located = true): void {
    if (settled) return;
    if (!endEvent || force) {
      const end = synthesize(message, message ? 'error' : 'cancelled', located);
      writer.appendFinal(end);
      for (const l of listeners) l(end);
    }
    settled = true;
    live.delete(entry);
    writer.close();
    fs.rmSync(path.join(runDir, RUNNER_PID_FILE), { force: true });
    resolveDone(endEvent!);
  }

  let child: ChildProcess;
  const entry = {
    child: undefined as ChildProcess | undefined,
    interrupt: () => finish(HOST_EXITED_MESSAGE, false, false),
  };
  try {
    child = fork(opts.runnerEntry, [], {
      cwd: path.dirname(jobFile),
      env: { ...process.env, ...opts.env, [RUN_CONFIG_ENV]: configFile, ELECTRON_RUN_AS_NODE: '1' },
      execArgv: ['--enable-source-maps', ...(opts.execArgv ?? [])],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc', 'pipe'],
      serialization: 'json',
    });
  } catch (e) {
    child = undefined as unknown as ChildProcess;
    queueMicrotask(() => finish(`The training process could not be started: ${(e as Error).message}`));
    return handle();
  }
  if (child.pid) fs.writeFileSync(path.join(runDir, RUNNER_PID_FILE), `${child.pid}\n`);
  entry.child = child;
  live.add(entry);
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-64_000);
    fatal ??= fatalErrorMessage(stderrTail);
  });

  const events = child.stdio[EVENTS_FD] as Readable;
  events.on(
    'data',
    splitLines(line => {
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        return problem(`unreadable line from runner: ${line.slice(0, 200)}`);
      }
      const r = validateEvent(raw);
      if (!r.ok) return problem(`invalid event from runner: ${r.reason}`);
      const event = r.value;
      if (event.runId !== runId || endEvent) return problem(`event out of place: ${event.kind} #${event.seq}`);
      lastSeq = event.seq;
      if (event.kind === 'run-start') sawStart = true;
      if (event.kind === 'fit-start') fitLocation = event.location;
      if (event.kind === 'batch') steps = event.step + 1;
      if (event.kind === 'run-end') endEvent = event;
      deliver(event);
      if (endEvent) settle(); // after the child's exit: nothing follows a run-end
    }),
  );

  let killTimer: NodeJS.Timeout | undefined;
  // 'close', not 'exit': the events the child wrote before it exited are still in the pipe.
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const settle = () => {
    if (settled || !exited) return;
    if (killTimer) clearTimeout(killTimer);
    if (endEvent) return finish(undefined);
    // The child died without saying how: a kill (Stop), a crash, an out-of-memory abort.
    if (stopRequested && !fatal) return finish(undefined);
    const { code, signal } = exited;
    const tail = withoutNativeFrames(stderrTail).trim().split('\n').slice(-5).join('\n');
    finish(
      fatal ??
        `The training process exited unexpectedly (${signal ? 'signal ' + signal : 'exit code ' + code})${tail ? ': ' + tail : ''}`,
    );
  };
  // The events the child wrote before it exited are still in the pipe: settle at its run-end, or when the pipes
  // close ('close'), or shortly after the exit if a process the job started holds them open.
  child.on('exit', (code, signal) => {
    exited = { code, signal };
    if (endEvent) settle();
    else setTimeout(settle, 1000);
  });
  child.on('close', () => settle());
  child.on('error', err => {
    if (child.pid === undefined)
      finish(`The training process could not be started: ${err.message}`); // spawn failed
    else problem(`runner process error: ${err.message}`);
  });

  function handle(): RunHandle {
    return {
      runId,
      runDir,
      logFile,
      jobFile,
      onEvent: l => {
        listeners.push(l);
      },
      onProblem: l => {
        problemListeners.push(l);
      },
      stop: () => {
        if (endEvent || stopRequested || !child) return;
        stopRequested = true;
        if (child.connected) child.send({ type: 'stop' });
        // A step can take long (big batch on cpu): do not wait more than the grace period.
        killTimer = setTimeout(() => child.kill('SIGKILL'), opts.stopGraceMs ?? 1500);
      },
      done,
    };
  }
  return handle();
}

/** Runs of this process that have not ended. */
const live = new Set<{ child?: ChildProcess; interrupt(): void }>();

// A host that exits (the CLI after an error, an extension host shutting down) ends its runs: the child is killed
// and the log gets its run-end, synchronously, since nothing asynchronous runs after 'exit'.
process.on('exit', () => {
  for (const run of [...live]) {
    run.child?.kill('SIGKILL');
    run.interrupt();
  }
});
