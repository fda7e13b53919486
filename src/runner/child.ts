/**
 * Child-process entry of one run: pick the backend, instrument tfjs, bundle and import the job, stream events to
 * the host over IPC, end with exactly one run-end. Never runs inside the extension host.
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { EventBody, RunEvent, RunError, SourceLocation } from '../protocol';
import { RUN_CONFIG_ENV, HPARAMS_ENV, type RunConfig, type HostCommand } from './config';
import { selectBackend } from './backend';
import { bundleJob, JobBuildError, TF_GLOBAL_KEY, NODE_GLOBAL_KEY, TOOLKIT_GLOBAL_KEY } from './bundle';
import { Instrumentation, CancelledError, NonFiniteLossError } from './instrument';
import { userLocation, isUserFrame } from './stack';
import { tfForJob } from './callSites';
import { DiagnosisEngine } from '../detectors/engine';
import { createToolkit } from '../toolkit';

const config = JSON.parse(process.env[RUN_CONFIG_ENV] ?? 'null') as RunConfig | null;
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

const diagnosis = new DiagnosisEngine(config.diagnosis);

function emit(body: EventBody): void {
  const event = { ...body, runId: config!.runId, seq: seq++, t: Date.now() - started } as RunEvent;
  process.send!({ type: 'event', event });
  // Findings are part of the run log, so the CLI, the extension and a replay all see the same ones.
  for (const finding of diagnosis.observe(event)) emit({ kind: 'finding', finding });
}

// The job's console output becomes log events (ordered with the training events), not raw stdio.
for (const stream of ['stdout', 'stderr'] as const) {
  const target = process[stream];
  target.write = ((chunk: unknown, encoding?: unknown, cb?: unknown) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    if (text.length) emit({ kind: 'log', level: stream === 'stderr' ? 'warn' : 'info', stream, text: text.replace(/\n$/, '') });
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
  const location = userLocation(err.stack, isUser) ?? (err as Error & { fitLocation?: SourceLocation }).fitLocation;
  return { message: `${err.name && err.name !== 'Error' ? err.name + ': ' : ''}${err.message}`, stack: err.stack, location };
}

const realExit = process.exit.bind(process);

function end(status: 'ok' | 'error' | 'cancelled', error?: RunError): void {
  if (ended) return;
  ended = true;
  emit({ kind: 'run-end', status, error, steps: instrumentation?.steps ?? 0, durationMs: Date.now() - started });
  // Exit once IPC has flushed everything (a disconnect after the last send waits for the queue).
  process.send!({ type: 'flush' }, () => process.disconnect());
  setTimeout(() => realExit(status === 'ok' ? 0 : 1), 2000).unref();
}

// A job may end with process.exit(): finish the run properly instead of losing the events still queued.
process.exit = ((code?: number | string | null) => {
  const n = Number(code ?? process.exitCode ?? 0);
  if (n === 0) end(instrumentation?.stopping ? 'cancelled' : 'ok');
  else end('error', { message: `The job called process.exit(${n})`, location: userLocation(new Error().stack, isUser) });
  return undefined as never;
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
process.on('disconnect', () => { if (!ended) process.exit(1); }); // host went away

async function main(cfg: RunConfig): Promise<void> {
  const backend = await selectBackend({ preference: cfg.backend, resolveFrom: path.dirname(cfg.jobFile), wasmDir: cfg.wasmDir });
  const tf = backend.tf;
  emit({
    kind: 'run-start', jobFile: cfg.jobFile, backend: backend.name, backendNotes: backend.notes,
    startedAt: new Date(started).toISOString(), argv: cfg.epochs ? { epochs: cfg.epochs } : {},
    variant: cfg.variant ? { of: cfg.variant.of, title: cfg.variant.title } : undefined,
    hparams: cfg.hparams, sweep: cfg.sweep,
  });
  // what hparams() returns is exactly what run-start records: a variable inherited from the user's shell is dropped
  if (cfg.hparams) process.env[HPARAMS_ENV] = JSON.stringify(cfg.hparams);
  else delete process.env[HPARAMS_ENV];
  instrumentation = new Instrumentation(tf, { emit, probes: cfg.probes, epochsOverride: cfg.epochs, isUserFile: isUser });
  instrumentation.install();

  const bundleFile = path.join(cfg.runDir, 'job.bundle.mjs');
  const jobTf = tfForJob(tf, isUser);
  // `import ... from 'training-lens'`: built on the job's tf instance (tfjs checks optimizers and callbacks by class)
  const toolkit = createToolkit(jobTf, { runDir: cfg.runDir });
  await bundleJob({
    jobFile: cfg.jobFile, outFile: bundleFile, tfExportNames: Object.keys(tf), toolkitExportNames: Object.keys(toolkit),
    overrides: cfg.variant?.files,
  });
  (globalThis as Record<string, unknown>)[TF_GLOBAL_KEY] = jobTf;
  (globalThis as Record<string, unknown>)[NODE_GLOBAL_KEY] = jobTf;
  (globalThis as Record<string, unknown>)[TOOLKIT_GLOBAL_KEY] = toolkit;
  await import(pathToFileURL(bundleFile).href);
  await instrumentation.idle(); // a job may start fit without awaiting it
  if (instrumentation.stopping) end('cancelled');
  else end('ok');
}

main(config).catch(fail);
