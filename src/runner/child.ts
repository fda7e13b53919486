/**
 * Child-process entry of one run: pick the backend, instrument tfjs, bundle and import the job, stream events to
 * the host (synchronous writes to the events pipe: nothing queued is lost at exit, a slow host slows the job down
 * instead), end with exactly one run-end and exit right there. Never runs inside the extension host.
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { EventBody, RunEvent, RunError, SourceLocation } from '../protocol';
import { RUN_CONFIG_ENV, HPARAMS_ENV, EVENTS_FD, type RunConfig, type HostCommand } from './config';
import { selectBackend } from './backend';
import { bundleJob, JobBuildError, TF_GLOBAL_KEY, NODE_GLOBAL_KEY, TOOLKIT_GLOBAL_KEY } from './bundle';
import { Instrumentation, CancelledError, NonFiniteLossError } from './instrument';
import { userLocation, isUserFrame } from '../stack/frames';
import { seededRandom } from '../toolkit/random';
import { tfForJob } from './callSites';
import type { Tf } from '../tf/types';
import { DiagnosisEngine } from '../detectors/engine';
import { createToolkit } from '../toolkit';
import { customRecorder } from './customRecorder';
import { startWatchdog, NEXT_SEQ, STEPS, ENDED } from './watchdog';
import { wasmAbortMessage, importFailureLocation } from './failures';
import { EVENTS_FILE } from '../runs/store';

function readConfig(): RunConfig | null {
  const file = process.env[RUN_CONFIG_ENV];
  try {
    return file ? (JSON.parse(fs.readFileSync(file, 'utf8')) as RunConfig) : null;
  } catch {
    return null;
  }
}
const config = readConfig();
if (!config || !process.send) {
  console.error('training-lens runner: started without a run configuration (it is launched by the extension or CLI)');
  process.exit(2);
}
process.setSourceMapsEnabled(true);
process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';

const started = Date.now();
let seq = 0;
let ended = false;
let instrumentation: Instrumentation | undefined;
let backendName: string | undefined;
let runTf: Tf | undefined;
const realExit = process.exit.bind(process);
const watchdog = startWatchdog({ logFile: path.join(config.runDir, EVENTS_FILE), runId: config.runId, started });
const pause = new Int32Array(new SharedArrayBuffer(4));

const diagnosis = new DiagnosisEngine(config.diagnosis);

/** The host is gone (events pipe closed, IPC disconnected): the watchdog ends the log and kills this process. */
function hostGone(): never {
  watchdog.hostGone();
  Atomics.wait(pause, 0, 0, 3000);
  return realExit(1);
}

function send(event: RunEvent): void {
  const line = Buffer.from(JSON.stringify(event) + '\n', 'utf8');
  for (let off = 0; off < line.length;) {
    try {
      off += fs.writeSync(EVENTS_FD, line, off, line.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') hostGone();
      Atomics.wait(pause, 0, 0, 2); // a non-blocking pipe is full: wait for the host to read
    }
  }
}

function emit(body: EventBody): void {
  if (body.kind === 'run-end') {
    // findings the end brings out go before it: nothing may follow a run-end
    const probe = { ...body, runId: config!.runId, seq, t: Date.now() - started } as RunEvent;
    diagnose(probe);
    send({ ...body, runId: config!.runId, seq: seq++, t: Date.now() - started } as RunEvent);
    return;
  }
  const event = { ...body, runId: config!.runId, seq: seq++, t: Date.now() - started } as RunEvent;
  send(event);
  Atomics.store(watchdog.counters, NEXT_SEQ, seq);
  Atomics.store(watchdog.counters, STEPS, instrumentation?.steps ?? 0);
  diagnose(event);
}

/**
 * Findings are part of the run log, so the CLI, the extension and a replay all see the same ones; a symptom a raised
 * finding explains follows as an `explained` event (after the findings: its cause may be among them).
 */
function diagnose(event: RunEvent): void {
  for (const finding of diagnosis.observe(event)) emit({ kind: 'finding', finding });
  for (const { cause, symptom } of diagnosis.takeExplained()) emit({ kind: 'explained', cause, symptom });
}

// The job's console output becomes log events (ordered with the training events), not raw stdio.
for (const stream of ['stdout', 'stderr'] as const) {
  const target = process[stream];
  target.write = ((chunk: unknown, encoding?: unknown, cb?: unknown) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    if (text.length)
      emit({ kind: 'log', level: stream === 'stderr' ? 'warn' : 'info', stream, text: text.replace(/\n$/, '') });
    const done = typeof encoding === 'function' ? encoding : cb;
    if (typeof done === 'function') (done as () => void)();
    return true;
  }) as typeof target.write;
}

// Dependencies' source maps can name files that do not exist (e.g. tfjs-layers/src/...): a user frame is a real file.
const isUser = (file: string) => isUserFrame(file) && !file.startsWith(config.runDir) && fs.existsSync(file);

function toRunError(e: unknown): RunError {
  if (e instanceof JobBuildError) return { message: e.message, location: e.location };
  if (e instanceof NonFiniteLossError) return { message: e.message, stack: e.stack, location: e.location };
  const err = e instanceof Error ? e : new Error(String(e));
  const location =
    userLocation(err.stack, isUser) ??
    (err as Error & { fitLocation?: SourceLocation }).fitLocation ??
    importFailureLocation(err, config!.jobFile);
  const message =
    wasmAbortMessage(err, backendName, runTf) ??
    `${err.name && err.name !== 'Error' ? err.name + ': ' : ''}${err.message}`
      .split(path.join(config!.runDir, 'job.bundle.mjs'))
      .join(config!.jobFile); // the runner's bundle is the job to the user
  return { message, stack: err.stack, location };
}

/** Writes the one run-end and exits there: every event was written synchronously before it, nothing is pending. */
function end(status: 'ok' | 'error' | 'cancelled', error?: RunError, exitCode = status === 'ok' ? 0 : 1): never {
  if (!ended) {
    ended = true;
    emit({ kind: 'run-end', status, error, steps: instrumentation?.steps ?? 0, durationMs: Date.now() - started });
    Atomics.store(watchdog.counters, ENDED, 1);
  }
  return realExit(exitCode);
}

// process.exit() in a job ends the job right there (nothing after it runs), with a run-end saying so.
process.exit = ((code?: number | string | null) => {
  const n = Number(code ?? process.exitCode ?? 0) || 0;
  if (n === 0) return end(instrumentation?.stopping ? 'cancelled' : 'ok', undefined, 0);
  return end(
    'error',
    { message: `The job called process.exit(${n})`, location: userLocation(new Error().stack, isUser) },
    n,
  );
}) as typeof process.exit;

function fail(e: unknown): void {
  if (e instanceof CancelledError || instrumentation?.stopping) end('cancelled');
  else end('error', toRunError(e));
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
process.on('message', (msg: HostCommand) => {
  if (msg?.type === 'stop') {
    instrumentation?.requestStop();
    if (!instrumentation) end('cancelled');
  }
});
process.on('disconnect', () => {
  if (!ended) hostGone();
});

async function main(cfg: RunConfig): Promise<void> {
  // before any tfjs op: every seed tfjs is not given comes from Math.random
  if (cfg.seed !== undefined) Math.random = seededRandom(cfg.seed);
  const runStart = (backend: string, notes: string[]) =>
    emit({
      kind: 'run-start',
      jobFile: cfg.jobFile,
      backend,
      backendNotes: notes,
      startedAt: new Date(started).toISOString(),
      argv: { ...(cfg.epochs ? { epochs: cfg.epochs } : {}), ...(cfg.seed !== undefined ? { seed: cfg.seed } : {}) },
      variant: cfg.variant ? { of: cfg.variant.of, title: cfg.variant.title } : undefined,
      hparams: cfg.hparams,
      sweep: cfg.sweep,
    });
  let backend: Awaited<ReturnType<typeof selectBackend>>;
  try {
    backend = await selectBackend({
      preference: cfg.backend,
      resolveFrom: path.dirname(cfg.jobFile),
      wasmDir: cfg.wasmDir,
    });
  } catch (e) {
    // The run is still a run (listed, replayable): it started, on no backend, and says why it could not train.
    runStart('none', []);
    return end('error', { message: (e as Error).message });
  }
  const tf = backend.tf;
  backendName = backend.name;
  runTf = tf;
  runStart(backend.name, backend.notes);
  // what hparams() returns is exactly what run-start records: a variable inherited from the user's shell is dropped
  if (cfg.hparams) process.env[HPARAMS_ENV] = JSON.stringify(cfg.hparams);
  else delete process.env[HPARAMS_ENV];
  instrumentation = new Instrumentation(tf, {
    emit,
    probes: cfg.probes,
    epochsOverride: cfg.epochs,
    isUserFile: isUser,
  });
  instrumentation.install();

  const bundleFile = path.join(cfg.runDir, 'job.bundle.mjs');
  const jobTf = tfForJob(tf, isUser);
  // `import ... from 'training-lens'`: built on the job's tf instance (tfjs checks optimizers and callbacks by class)
  const toolkit = createToolkit(jobTf, {
    runDir: cfg.runDir,
    jobFile: cfg.jobFile,
    record: customRecorder(emit, () => Math.max(0, (instrumentation?.steps ?? 0) - 1)),
  });
  await bundleJob({
    jobFile: cfg.jobFile,
    outFile: bundleFile,
    tfExportNames: Object.keys(tf),
    toolkitExportNames: Object.keys(toolkit),
    overrides: cfg.variant?.files,
  });
  (globalThis as Record<string, unknown>)[TF_GLOBAL_KEY] = jobTf;
  (globalThis as Record<string, unknown>)[NODE_GLOBAL_KEY] = jobTf;
  (globalThis as Record<string, unknown>)[TOOLKIT_GLOBAL_KEY] = toolkit;
  await import(pathToFileURL(bundleFile).href);
  await instrumentation.idle(); // a job may start fit without awaiting it
  end(instrumentation.stopping ? 'cancelled' : 'ok');
}

main(config).catch(fail);
