/**
 * `npm run bench:diagnosis [-- --half tune|test --only a,b --runs 1 --jobs 2 --backend wasm --verbose --json <file> --strict --keep --record]`:
 * how well the runtime diagnosis finds known problems on jobs it was not tuned on.
 *
 * Every job in bench/diagnosis/jobs (expected.json says which problem each has, or that it is healthy) is trained
 * through the CLI exactly as a user would (`training-lens train <job> --report <dir>`), and the reported findings.json
 * is compared with the manifest. Independently of the detectors, each symptom is measured in the run's events.ndjson
 * with the published thresholds, and the data the job trains on is measured by lib/probeData.ts (class counts of the
 * training and validation parts, non-finite values, duplicates, loss vs labels); healthy jobs must really train well.
 *
 * Jobs are split into a `tune` and a `test` half by a fixed hash of the file name (lib/figures.ts halfOf); detectors
 * may be tuned on the tune half only. Scoring: runtime findings of severity warning/error count (recall, precision;
 * any on a healthy job is a false positive); info findings are counted apart; static findings are printed only.
 * Figures per half and for all: recall, precision, localization (layer and line match), detection latency in epochs
 * after the measured onset (median, max), and a confusion matrix of expected x raised codes.
 * Targets (judged on the test half): recall, precision >= 0.95, localization >= 0.9, median latency <= 1 epoch, every
 * healthy job clean. `--runs N` trains every job N times (each run's reports under run-<k>/) and pools the figures:
 * the jobs train unseeded, so one run's figure moves by a job or two.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Finding } from '../src/protocol';
import { readRunLog } from '../src/runs/store';
import { DiagnosisEngine } from '../src/detectors/engine';
import {
  loadManifest,
  score,
  detectionEpoch,
  matchEpoch,
  JOBS,
  DIAGNOSIS_DIR,
  type FixtureSpec,
} from './diagnosis/lib/manifest';
import { measure, vitals, trainsWell, symptomShown } from './diagnosis/lib/symptoms';
import { describeData, type DataFacts } from './diagnosis/lib/dataFacts';
import {
  halfOf,
  figures,
  summaryLine,
  confusion,
  formatConfusion,
  confusionObject,
  type Scored,
  type Figures,
  type Half,
} from './diagnosis/lib/figures';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'training-lens.js');
const PROBE = path.join(DIAGNOSIS_DIR, 'lib', 'probeData.ts');
/** the bar the diagnosis is held to, judged on the test half: median latency in epochs after the measured onset; every healthy job clean */
const TARGETS = { recall: 0.95, precision: 0.95, localization: 0.9, latencyMedian: 1 };

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  return v === undefined || v.startsWith('--') ? undefined : v;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

interface Result extends Scored {
  ms: number;
  status: string;
  statics: Finding[];
  data?: DataFacts;
  healthy?: { ok: boolean; text: string };
  lines: string[];
}

function ensureBuilt(): void {
  const newest = (dir: string): number =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((m, d) => {
      const p = path.join(dir, d.name);
      return Math.max(m, d.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
    }, 0);
  const runner = path.join(ROOT, 'dist', 'runner.js'),
    cli = path.join(ROOT, 'dist', 'cli.js');
  const stale =
    !fs.existsSync(runner) || !fs.existsSync(cli) || fs.statSync(runner).mtimeMs < newest(path.join(ROOT, 'src'));
  if (!stale) return;
  console.log('building dist (runner and CLI are older than src)…');
  const r = spawnSync(process.execPath, ['esbuild.config.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}

function run(args: string[]): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  return new Promise(resolve => {
    const child = spawn(process.execPath, args, { cwd: ROOT });
    let output = '';
    child.stdout.on('data', d => {
      output += d;
    });
    child.stderr.on('data', d => {
      output += d;
    });
    child.on('close', code => resolve({ code, output, ms: Date.now() - started }));
  });
}

/** The job's data, measured by lib/probeData.ts in its own process (it stops at the first fit). */
async function probeData(job: string, out: string): Promise<DataFacts | string> {
  const { code, output } = await run(['--import', 'tsx', PROBE, job, out]);
  if (code !== 0 || !fs.existsSync(out)) return output.trim().split('\n').at(-1) ?? `exit ${code}`;
  return JSON.parse(fs.readFileSync(out, 'utf8')) as DataFacts;
}

const where = (f: Finding) => `${f.code}${f.layer ? ' @' + f.layer : ''}:${f.range?.start.line ?? '?'}`;

async function runJob(spec: FixtureSpec, tmp: string, backend: string): Promise<Result> {
  const report = path.join(tmp, spec.job.replace(/\.train\.ts$/, ''));
  fs.mkdirSync(report, { recursive: true });
  const job = path.join(JOBS, spec.job);
  const probed = await probeData(job, path.join(report, 'data.json'));
  const data = typeof probed === 'string' ? undefined : probed;
  const { code, output, ms } = await run([
    BIN,
    'train',
    job,
    '--backend',
    backend,
    '--report',
    report,
    '--runs-dir',
    path.join(report, 'runs'),
  ]);
  const findingsFile = path.join(report, 'findings.json');
  if (!fs.existsSync(findingsFile)) throw new Error(`${spec.job}: no findings.json (exit ${code})\n${output}`);
  const all = JSON.parse(fs.readFileSync(findingsFile, 'utf8')) as Finding[];
  const runtime = all.filter(f => f.source === 'runtime' && f.severity !== 'info');
  const info = all.filter(f => f.source === 'runtime' && f.severity === 'info');
  const statics = all.filter(f => f.source !== 'runtime');
  const { events } = readRunLog(path.join(report, 'events.ndjson'));
  const end = events.find(e => e.kind === 'run-end');
  const sc = score(spec.expected, runtime);
  const latencies: Array<number | undefined> = [];
  const lines: string[] = [
    `  data: ${data ? describeData(data) : `probe failed: ${probed}`}`,
    `  vitals: ${vitals(events)}`,
  ];
  const healthy = spec.healthy ? trainsWell(events, data) : undefined;
  if (healthy) lines.push(`  trains well: ${healthy.ok ? 'yes' : 'NO'}, ${healthy.text}`);
  const record = flag('record');
  if (record) spec.measured = vitals(events);
  for (const m of sc.matches) {
    const e = m.expected;
    const measured = measure(events, e.code, e.layer, data);
    // the measured onset documents the original jobs; the new jobs' ground truth stays as written before their first run
    if (record) {
      e.measured = measured.text;
      if (spec.tunedOn && measured.onset !== undefined) e.onset = measured.onset;
    }
    const onset = measured.onset ?? e.onset;
    m.shown = symptomShown(measured);
    const shows = m.shown ? (measured.onset !== undefined ? '' : ' SYMPTOM NOT MEASURED') : ' DID NOT SHOW (left out)';
    const drift = measured.onset !== undefined && measured.onset !== e.onset ? ` (manifest says ${e.onset})` : '';
    const at = `${e.code}${e.layer ? ' @' + e.layer : ''}:${e.line}`;
    if (!m.shown) {
      latencies.push(undefined);
      lines.push(
        `  ---- ${at}${shows}${m.found ? `, raised anyway ep ${detectionEpoch(events, m.found) ?? '?'}` : ''}  | ${measured.text}`,
      );
      continue;
    }
    if (!m.found) {
      latencies.push(undefined);
      const asInfo = info.find(f => f.code === e.code);
      lines.push(
        `  MISS ${at}  onset ep ${onset}${drift}${shows}${asInfo ? ' (raised as info)' : ''}  | ${measured.text}`,
      );
      continue;
    }
    const detected = matchEpoch(events, m);
    const latency = detected === undefined ? undefined : detected - onset;
    latencies.push(latency);
    lines.push(
      `  ${m.localized ? 'ok  ' : 'LOC '} ${at}  onset ep ${onset}${drift}${shows}, found ep ${detected ?? '?'} (${latency === undefined ? '?' : (latency >= 0 ? '+' : '') + latency})${m.localized ? '' : ` at ${where(m.found)}`} ${m.found.severity}${m.explained ? `, explained by ${where(m.found)}` : ''}  | ${measured.text}`,
    );
  }
  for (const f of sc.falsePositives)
    lines.push(`  FP   ${where(f)} ${f.severity} ep ${detectionEpoch(events, f) ?? '?'}: ${f.message}`);
  for (const f of info) lines.push(`  info ${where(f)} ep ${detectionEpoch(events, f) ?? '?'}: ${f.message}`);
  for (const f of statics) lines.push(`  static ${where(f)} ${f.severity}: ${f.message}`);
  if (flag('verbose')) {
    // what the engine held back as explained by another finding (replayed from the log with the same settings)
    const engine = new DiagnosisEngine();
    for (const e of events) if (e.kind !== 'finding') engine.observe(e);
    for (const x of engine.suppressed)
      lines.push(`  (held back) ${x.finding.code}${x.finding.layer ? ' @' + x.finding.layer : ''}: ${x.reason}`);
  }
  return {
    spec,
    half: halfOf(spec.job),
    ms,
    status: end?.kind === 'run-end' ? end.status : 'no run-end',
    runtime,
    info,
    statics,
    score: sc,
    latencies,
    lines,
    data,
    healthy,
  };
}

async function pool<T, R>(items: T[], n: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await f(items[i]);
      }
    }),
  );
  return out;
}

const name = (job: string) => job.replace(/\.train\.ts$/, '');
const ok = (x: boolean) => (x ? 'ok' : 'MISSED');

function printFigures(label: string, f: Figures): void {
  const lat =
    f.latencyMax === null
      ? 'none measured'
      : `median ${f.latencyMedian}, max ${f.latencyMax} epochs after onset  (target: median <= ${TARGETS.latencyMedian}: ${ok(f.latencyMedian! <= TARGETS.latencyMedian)})`;
  console.log(
    `\n[${label}] ${f.jobs} jobs (${f.healthyJobs} healthy, ${f.healthyClean} of them without a runtime warning/error), ${f.expected} expected findings, ${f.reported} runtime warnings/errors, ${f.info} info`,
  );
  console.log(
    `  recall        ${f.found}/${f.expected} = ${f.recall.toFixed(3)}  (target >= ${TARGETS.recall}: ${ok(f.recall >= TARGETS.recall)})`,
  );
  console.log(
    `  precision     ${f.truePositive}/${f.reported} = ${f.precision.toFixed(3)}  (target >= ${TARGETS.precision}: ${ok(f.precision >= TARGETS.precision)})`,
  );
  console.log(
    `  localization  ${f.localized}/${f.found} = ${f.localization.toFixed(3)}  (target >= ${TARGETS.localization}: ${ok(f.localization >= TARGETS.localization)})`,
  );
  console.log(`  latency       ${lat}`);
  if (f.notShown)
    console.log(
      `  left out      ${f.notShown} expected finding(s) whose symptom the independent check did not see in its run (recall counting them as misses: ${f.recallNotShownMissed.toFixed(3)})`,
    );
  console.log(
    `  healthy jobs  ${f.healthyClean}/${f.healthyJobs} without a warning/error  (target: all: ${ok(f.healthyClean === f.healthyJobs)})`,
  );
}

/** the targets, for `--strict` and the printed verdicts */
function met(f: Figures): boolean {
  return (
    f.healthyClean === f.healthyJobs &&
    f.recall >= TARGETS.recall &&
    f.precision >= TARGETS.precision &&
    f.localization >= TARGETS.localization &&
    (f.latencyMedian ?? 0) <= TARGETS.latencyMedian
  );
}

async function main(): Promise<void> {
  ensureBuilt();
  const manifest = loadManifest();
  const only = arg('only')?.split(',');
  const half = arg('half') as Half | undefined;
  if (half && half !== 'tune' && half !== 'test') throw new Error(`--half must be tune or test, not ${half}`);
  const specs = manifest.fixtures.filter(
    f => (!only || only.some(o => f.job.startsWith(o))) && (!half || halfOf(f.job) === half),
  );
  const backend = arg('backend') ?? 'wasm';
  const jobs = Number(arg('jobs') ?? Math.max(1, Math.min(2, os.cpus().length)));
  const runs = Number(arg('runs') ?? 1);
  if (!(Number.isInteger(runs) && runs >= 1)) throw new Error(`--runs must be a whole number >= 1, not ${arg('runs')}`);
  if (runs > 1 && flag('record')) throw new Error('--record takes one run (it writes one measurement per job)');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-diagnosis-'));
  console.log(
    `${specs.length} jobs (${specs.filter(s => s.healthy).length} healthy; ${specs.filter(s => halfOf(s.job) === 'tune').length} tune, ${specs.filter(s => halfOf(s.job) === 'test').length} test) on ${backend}, ${jobs} at a time${runs > 1 ? `, ${runs} runs each (figures pooled)` : ''}; reports in ${tmp}\n`,
  );
  const started = Date.now();
  // one run: reports in tmp/<job>; several: tmp/run-<k>/<job>, each a directory bench:diagnosis:replay reads
  const runDir = (k: number) => (runs > 1 ? path.join(tmp, `run-${k + 1}`) : tmp);
  const work = Array.from({ length: runs }, (_, k) => specs.map(spec => ({ spec, k }))).flat();
  const results = await pool(work, jobs, async w => ({ ...(await runJob(w.spec, runDir(w.k), backend)), run: w.k }));

  for (const r of results) {
    const found = r.score.matches.filter(m => m.found).length;
    console.log(
      `${name(r.spec.job)} [${r.half}]${r.spec.healthy ? ' [healthy]' : ''}${runs > 1 ? ` (run ${r.run + 1})` : ''}: ${r.spec.problem}`,
    );
    console.log(
      `  ${found}/${r.spec.expected.length} found, ${r.score.falsePositives.length} false positive(s), run ${r.status} in ${(r.ms / 1000).toFixed(1)} s`,
    );
    for (const l of r.lines) console.log(l);
  }

  console.log('\njob                                      half  exp found  loc   FP info  latency (epochs)');
  for (const r of results) {
    const l = r.latencies.filter((x): x is number => x !== undefined);
    const count = (n: number, w: number) => String(n).padStart(w);
    console.log(
      `${(name(r.spec.job) + (runs > 1 ? ` #${r.run + 1}` : '')).padEnd(40)} ${r.half.padEnd(5)} ${count(r.spec.expected.length, 3)} ${count(r.score.matches.filter(m => m.found).length, 5)} ${count(r.score.matches.filter(m => m.localized).length, 4)} ${count(r.score.falsePositives.length, 4)} ${count(r.info.length, 4)}  ${l.join(' ')}${r.healthy && !r.healthy.ok ? '  (healthy job did not train well)' : ''}`,
    );
  }
  const unmeasured = results.flatMap(r =>
    r.lines.filter(l => l.includes('SYMPTOM NOT MEASURED')).map(() => name(r.spec.job)),
  );
  const unwell = results.filter(r => r.healthy && !r.healthy.ok).map(r => name(r.spec.job));
  if (unmeasured.length)
    console.log(`\nsymptom not measured in the log/data (fix or drop the job): ${[...new Set(unmeasured)].join(', ')}`);
  if (unwell.length) console.log(`healthy jobs that did not train well (fix or drop): ${unwell.join(', ')}`);

  const byHalf = {
    tune: figures(results.filter(r => r.half === 'tune')),
    test: figures(results.filter(r => r.half === 'test')),
    all: figures(results),
    // the original 23 were tuned on whatever their half: the jobs written after tuning, on their own
    untuned: figures(results.filter(r => !r.spec.tunedOn)),
    testUntuned: figures(results.filter(r => r.half === 'test' && !r.spec.tunedOn)),
  };
  console.log(`\n${results.length} jobs in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (runs > 1) {
    // each run on its own, then the pooled figures below
    for (let k = 0; k < runs; k++)
      for (const h of ['tune', 'test'] as const) {
        const f = figures(results.filter(r => r.run === k && r.half === h));
        if (f.jobs) console.log(`run ${k + 1} [${h}]: ${summaryLine(f)}`);
      }
    console.log(`(the figures below pool the ${runs} runs)`);
  }
  const labels = {
    tune: 'tune',
    test: 'test',
    all: 'all',
    untuned: 'not tuned on (new jobs, both halves)',
    testUntuned: 'test, not tuned on',
  } as const;
  for (const h of ['tune', 'test', 'all', 'untuned', 'testUntuned'] as const)
    if (byHalf[h].jobs) printFigures(labels[h], byHalf[h]);
  const early = results
    .flatMap(r => r.latencies.map((l, i) => ({ r, l, e: r.score.matches[i].expected })))
    .filter(x => x.l !== undefined && x.l < 0);
  if (early.length)
    console.log(
      `\nearly: ${early.length} finding(s) raised before the measured onset: ${early.map(x => `${name(x.r.spec.job)} ${x.e.code} (${x.l})`).join(', ')}`,
    );
  const matrix = confusion(results);
  console.log(
    `\nconfusion (expected code x raised runtime warning/error; "none": missed / false positive)\n${formatConfusion(matrix)}`,
  );

  if (flag('record')) {
    fs.writeFileSync(path.join(DIAGNOSIS_DIR, 'expected.json'), JSON.stringify(manifest, null, 2) + '\n');
    console.log('recorded the measurements in expected.json (onsets of the tuned-on jobs only)');
  }
  if (flag('json')) {
    const file = arg('json') ?? path.join(tmp, 'figures.json');
    const perJob = results.map(r => ({
      job: r.spec.job,
      half: r.half,
      tunedOn: !!r.spec.tunedOn,
      healthy: r.spec.healthy,
      status: r.status,
      seconds: r.ms / 1000,
      expected: r.spec.expected.length,
      found: r.score.matches.filter(m => m.found).length,
      localized: r.score.matches.filter(m => m.localized).length,
      falsePositives: r.score.falsePositives.map(where),
      info: r.info.map(where),
      trainsWell: r.healthy?.ok,
    }));
    const json = {
      split: 'sha256(job file name), first byte even: tune, odd: test',
      tune: { ...byHalf.tune, confusion: confusionObject(confusion(results.filter(r => r.half === 'tune'))) },
      test: { ...byHalf.test, confusion: confusionObject(confusion(results.filter(r => r.half === 'test'))) },
      all: { ...byHalf.all, confusion: confusionObject(matrix) },
      untuned: byHalf.untuned,
      testUntuned: byHalf.testUntuned,
      jobs: perJob,
    };
    fs.writeFileSync(file, JSON.stringify(json, null, 2) + '\n');
    console.log(`figures written to ${file}`);
  }
  // the honest figure is the test half's; a run of the tune half alone is judged on what it ran
  const judged = byHalf.test.jobs ? byHalf.test : byHalf.all;
  if (flag('strict') && !met(judged)) process.exitCode = 1;
  if (!flag('keep') && !(flag('json') && !arg('json'))) fs.rmSync(tmp, { recursive: true, force: true });
}

main().catch(e => {
  console.error(e);
  process.exitCode = 1;
});
