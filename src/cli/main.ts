/**
 * `training-lens train <job> [--epochs N] [--backend node|wasm|cpu] [--report <dir>]`: the extension's runner,
 * headless. `training-lens report <run folder | events.ndjson>` replays a saved run as the same text report.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { launchRun } from '../runner/launch';
import { runnerEntry } from '../runner/entry';
import { BACKEND_PREFERENCES, type BackendPreference } from '../runner/backend';
import { runsDirOf, readRunLog, EVENTS_FILE } from '../runs/store';
import { summarizeRun, formatLogs, type RunSummary } from '../runs/summary';
import { formatClock, formatMetric } from '../protocol/format';
import { findingLines } from './findingLines';
import { ProgressTracker } from '../runs/progress';
import { withRuntimeFixes } from '../detectors/fixes';
import { describeParams, type RunEvent } from '../protocol';
import { lintCommand } from '../guidelines/lintFiles';
import { findEventDirs } from '../tfevents/logdir';
import { reportLogdir, printLogdirReport } from './logdirReport';
import { setupNativeCommand, nativeRunEnv, SETUP_NATIVE_USAGE } from '../native/cli';
import { sweepCommand, SWEEP_USAGE, SWEEP_FLAGS } from '../sweep/cli';
import { newCommand, NEW_USAGE, NEW_FLAGS } from '../templates/cli';
import { typesLocation } from '../templates/editorTypes';
import { exportCommand, ExportUsageError, EXPORT_USAGE } from './export';

const USAGE = `Usage:
${NEW_USAGE}  training-lens train <job.ts> [--epochs N] [--backend auto|node|wasm|cpu] [--report <dir>] [--runs-dir <dir>] [--seed S] [--no-tfevents] [--every-step]
  training-lens report <run folder | events.ndjson | TensorBoard logdir> [--json]
  training-lens lint <files or folders...> [--format text|json]
${SETUP_NATIVE_USAGE}${SWEEP_USAGE}${EXPORT_USAGE}`;

class UsageError extends Error {}

interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

function parseArgs(argv: string[], valued: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split('=', 2);
    if (valued.includes(name)) {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`--${name} needs a value`);
      flags.set(name, v);
    } else flags.set(name, true);
  }
  return { positional, flags };
}

/** The reader of our output may go away (`training-lens train … | head`): stop printing, keep training. */
const closed = new Set<NodeJS.WriteStream>();
for (const stream of [process.stdout, process.stderr])
  stream.on('error', () => {
    closed.add(stream);
  });
function print(stream: NodeJS.WriteStream, text: string): void {
  if (!closed.has(stream) && !stream.destroyed) stream.write(text);
}
function write(line: string): void {
  print(process.stdout, line + '\n');
}

/** Text lines shared by live runs and replays. */
class Reporter {
  private readonly progress = new ProgressTracker();
  private bar = false;
  constructor(private readonly live: boolean) {}

  event(e: RunEvent): void {
    this.progress.update(e);
    switch (e.kind) {
      case 'run-start':
        write(`Training ${e.jobFile} on ${e.backend}${e.backendNotes.length ? ` (${e.backendNotes.join('; ')})` : ''}`);
        break;
      case 'fit-start':
        write(
          `${e.method}: ${e.layers.length} layers, ${describeParams(e, String)}, ${e.optimizer}, ${e.epochs} epochs` +
            `${e.stepsPerEpoch ? ` × ${e.stepsPerEpoch} steps` : ''}${e.backend ? ` on ${e.backend}` : ''}`,
        );
        break;
      case 'batch':
        if (this.live && process.stderr.isTTY) this.drawBar();
        break;
      case 'epoch': {
        const p = this.progress.current;
        this.clearBar();
        write(`epoch ${e.epoch + 1}${p.epochs ? '/' + p.epochs : ''}  ${formatLogs(e.logs)}`);
        break;
      }
      case 'log':
        this.clearBar();
        if (e.stream === 'runner') write(`[training-lens] ${e.text}`);
        else print(e.stream === 'stderr' ? process.stderr : process.stdout, e.text + '\n'); // the job's own output
        break;
      case 'run-end':
        this.clearBar();
        break;
    }
  }

  private drawBar(): void {
    const p = this.progress.current;
    const width = 30;
    const frac = p.totalSteps ? Math.min(1, p.step / p.totalSteps) : 0;
    const filled = Math.round(frac * width);
    const loss = p.loss == null ? 'NaN' : formatMetric(p.loss);
    print(
      process.stderr,
      `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] epoch ${p.epoch}${p.epochs ? '/' + p.epochs : ''} step ${p.step}${p.totalSteps ? '/' + p.totalSteps : ''} loss ${loss}${p.etaMs != null ? ' ETA ' + formatClock(p.etaMs) : ''}  `,
    );
    this.bar = true;
  }

  private clearBar(): void {
    if (this.bar) print(process.stderr, '\r\x1b[2K');
    this.bar = false;
  }
}

function printSummary(s: RunSummary): void {
  write(
    `Run ${s.runId}: ${s.status} after ${s.steps} steps, ${s.epochs} epochs in ${formatClock(s.durationMs)}` +
      `${s.msPerStep != null ? ` (${s.msPerStep.toFixed(1)} ms/step on ${s.backend})` : ''}`,
  );
  if (Object.keys(s.final).length) write(`final: ${formatLogs(s.final)}`);
  if (s.error)
    write(`error: ${s.error.message}${s.error.location ? ` (${s.error.location.file}:${s.error.location.line})` : ''}`);
  for (const f of s.findings) findingLines(f).forEach(write);
  if (s.logProblems) write(`warning: ${s.logProblems} unreadable line(s) in the run log were skipped`);
}

async function train(argv: string[]): Promise<number> {
  const { positional, flags } = parseArgs(argv, ['epochs', 'backend', 'report', 'runs-dir', 'seed']);
  const job = positional[0];
  if (!job) throw new UsageError('train needs a job file');
  if (!fs.existsSync(job)) throw new UsageError(`no such job file: ${job}`);
  if (fs.statSync(job).isDirectory()) throw new UsageError(`${job} is a directory; train takes one job file`);
  const epochsFlag = flags.get('epochs');
  const epochs = epochsFlag === undefined ? undefined : Number(epochsFlag);
  if (epochs !== undefined && !(Number.isInteger(epochs) && epochs > 0))
    throw new UsageError('--epochs must be a positive whole number');
  const seedFlag = flags.get('seed');
  const seed = seedFlag === undefined ? undefined : Number(seedFlag);
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32))
    throw new UsageError('--seed must be a whole number from 0 to 4294967295');
  const backend = (flags.get('backend') ?? 'auto') as BackendPreference;
  if (!BACKEND_PREFERENCES.includes(backend))
    throw new UsageError(`--backend must be one of ${BACKEND_PREFERENCES.join(', ')}`);
  const runsDir = path.resolve(String(flags.get('runs-dir') ?? runsDirOf(process.cwd())));
  const reportFlag = flags.get('report');
  const report = reportFlag ? path.resolve(String(reportFlag)) : undefined;
  if (report) checkWritable(report); // before training, not after it

  const tfevents = !flags.has('no-tfevents');
  const run = launchRun({
    jobFile: job,
    runsDir,
    backend,
    epochs,
    seed,
    tfevents,
    // gradient norms on every step instead of spaced on short steps (src/probes/schedule.ts)
    ...(flags.has('every-step') ? { probes: { everyStep: true } } : {}),
    ...runnerEntry(__dirname),
    env: nativeRunEnv(),
  });
  const reporter = new Reporter(true);
  const events: RunEvent[] = [];
  run.onEvent(e => {
    events.push(e);
    reporter.event(e);
  });
  run.onProblem(r => print(process.stderr, `warning: ${r}\n`));
  // Ctrl-C, kill, a closed terminal: stop the run (its log ends with run-end); a host killed outright is covered by
  // the runner's own watchdog.
  const onSignal = () => {
    print(process.stderr, '\nStopping…\n');
    run.stop();
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const s of signals) process.on(s, onSignal);
  const end = await run.done;
  for (const s of signals) process.off(s, onSignal);
  const summary = summarizeRun(events);
  if (!summary) {
    write(`error: ${end.error?.message ?? 'the run ended before it started'}`);
    write(`run log: ${run.logFile}`);
    return end.status === 'cancelled' ? 130 : 1;
  }
  printSummary(summary);
  if (report) {
    fs.mkdirSync(report, { recursive: true });
    fs.copyFileSync(run.logFile, path.join(report, EVENTS_FILE));
    // Runtime findings get their concrete edits here (parse-only), as in the editor's "try the fix".
    const findings = withRuntimeFixes(
      summary.findings,
      file => {
        try {
          return fs.readFileSync(file, 'utf8');
        } catch {
          return undefined;
        }
      },
      summary.jobFile,
    );
    // `line` beside `range`: scripts reading findings.json get the 1-based line without knowing the range shape
    const flat = findings.map(f => (f.range ? { ...f, line: f.range.start.line } : f));
    fs.writeFileSync(path.join(report, 'findings.json'), JSON.stringify(flat, null, 2) + '\n');
    fs.writeFileSync(
      path.join(report, 'summary.json'),
      JSON.stringify({ ...summary, logFile: run.logFile }, null, 2) + '\n',
    );
    write(`report: ${report}`);
  }
  write(`run log: ${run.logFile}`);
  return end.status === 'ok' ? 0 : end.status === 'cancelled' ? 130 : 1;
}

/** `--report <dir>`: created and writable now, so a long training is not lost to a typo. */
function checkWritable(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const probe = path.join(dir, `.training-lens-write-check-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (e) {
    throw new UsageError(
      `--report ${dir}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
}

function reportCommand(argv: string[]): number {
  const { positional, flags } = parseArgs(argv, []);
  const target = positional[0];
  if (!target) throw new UsageError('report needs a run folder or an events.ndjson file');
  const isDir = fs.existsSync(target) && fs.statSync(target).isDirectory();
  if (isDir && !fs.existsSync(path.join(target, EVENTS_FILE)) && findEventDirs(target).length)
    return logdirCommand(target, flags.has('json'));
  const file = isDir ? path.join(target, EVENTS_FILE) : target;
  if (!fs.existsSync(file)) throw new UsageError(`no run log at ${file}`);
  let log: ReturnType<typeof readRunLog>;
  try {
    log = readRunLog(file);
  } catch (e) {
    // a link, FIFO, device, folder or oversized file in place of the log: a message, not a stack
    print(process.stderr, `training-lens report: ${(e as Error).message}\n`);
    return 1;
  }
  for (const p of log.problems) print(process.stderr, `${file}:${p.line}: skipped: ${p.reason}\n`);
  const summary = summarizeRun(log.events, log.problems.length);
  if (!summary) {
    print(process.stderr, `${file}: no run-start event; not a Training Lens run log\n`);
    return 1;
  }
  if (flags.has('json')) {
    write(JSON.stringify(summary, null, 2));
    return 0;
  }
  const reporter = new Reporter(false);
  log.events.forEach(e => reporter.event(e));
  printSummary(summary);
  return 0;
}

/** A TensorBoard logdir: each run summarized and diagnosed (src/cli/logdirReport.ts). */
function logdirCommand(logdir: string, json: boolean): number {
  const reports = reportLogdir(logdir);
  if (json) write(JSON.stringify(reports, null, 2));
  else printLogdirReport(reports, write);
  return 0;
}

/** Guideline findings of model files, parse-only (src/guidelines/lintFiles.ts); exit 1 on any error finding. */
function lint(argv: string[]): number {
  return lintCommand(argv, { out: write, err: line => print(process.stderr, line + '\n') });
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'train':
        return await train(rest);
      case 'new': {
        const { positional, flags } = parseArgs(rest, NEW_FLAGS);
        try {
          return newCommand(
            positional,
            flags,
            { out: write, err: l => print(process.stderr, l + '\n') },
            typesLocation(__dirname),
          );
        } catch (e) {
          print(process.stderr, `training-lens new: ${(e as Error).message}\n`);
          return 2;
        }
      }
      case 'report':
        return reportCommand(rest);
      case 'lint':
        return lint(rest);
      case 'sweep': {
        const { positional, flags } = parseArgs(rest, SWEEP_FLAGS);
        return await sweepCommand(
          positional,
          flags,
          { out: write, err: l => print(process.stderr, l + '\n') },
          { ...runnerEntry(__dirname), env: nativeRunEnv() },
        );
      }
      case 'export':
        return exportCommand(rest, { out: t => print(process.stdout, t), err: l => print(process.stderr, l + '\n') });
      case 'setup-native':
        return await setupNativeCommand(parseArgs(rest, ['python', 'dir']).flags, {
          out: write,
          err: l => print(process.stderr, l + '\n'),
        });
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        write(USAGE);
        return command ? 0 : 2;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof ExportUsageError) {
      print(process.stderr, `training-lens: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    code => {
      process.exitCode = code;
    },
    e => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
