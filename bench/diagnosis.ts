/**
 * `npm run bench:diagnosis [-- --only a,b --jobs 2 --backend wasm --verbose --strict --keep --record]`: how well the runtime diagnosis
 * finds known problems. Every job in bench/diagnosis/jobs (expected.json says which problem each has, or that it is
 * healthy) is trained through the CLI exactly as a user would (`training-lens train <job> --report <dir>`); the
 * reported findings.json is compared with the manifest and each symptom is measured in the run's events.ndjson.
 *
 * Figures: recall (expected findings found), precision (reported findings that were expected; any finding on a healthy
 * fixture is a false positive), localization (found findings whose layer and line match), detection latency in epochs
 * after the symptom's onset (median, max). Targets: recall, precision >= 0.9, localization >= 0.8, latency <= 2.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Finding } from '../src/protocol';
import { readRunLog } from '../src/runs/store';
import { DiagnosisEngine } from '../src/detectors/engine';
import { loadManifest, score, measure, vitals, detectionEpoch, JOBS, DIAGNOSIS_DIR, type FixtureSpec, type Score } from './diagnosis/lib/manifest';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'training-lens.js');
const TARGETS = { recall: 0.9, precision: 0.9, localization: 0.8, latency: 2 };

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

interface Result {
  spec: FixtureSpec;
  ms: number;
  status: string;
  findings: Finding[];
  score: Score;
  latencies: Array<number | undefined>;
  lines: string[];
}

function ensureBuilt(): void {
  const newest = (dir: string): number => fs.readdirSync(dir, { withFileTypes: true }).reduce((m, d) => {
    const p = path.join(dir, d.name);
    return Math.max(m, d.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }, 0);
  const runner = path.join(ROOT, 'dist', 'runner.js'), cli = path.join(ROOT, 'dist', 'cli.js');
  const stale = !fs.existsSync(runner) || !fs.existsSync(cli) || fs.statSync(runner).mtimeMs < newest(path.join(ROOT, 'src'));
  if (!stale) return;
  console.log('building dist (runner and CLI are older than src)…');
  const r = spawnSync(process.execPath, ['esbuild.config.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}

function train(job: string, report: string, backend: string): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  return new Promise(resolve => {
    const child = spawn(process.execPath, [BIN, 'train', job, '--backend', backend, '--report', report, '--runs-dir', path.join(report, 'runs')], { cwd: ROOT });
    let output = '';
    child.stdout.on('data', d => { output += d; });
    child.stderr.on('data', d => { output += d; });
    child.on('close', code => resolve({ code, output, ms: Date.now() - started }));
  });
}

async function runFixture(spec: FixtureSpec, tmp: string, backend: string): Promise<Result> {
  const report = path.join(tmp, spec.job.replace(/\.train\.ts$/, ''));
  const { code, output, ms } = await train(path.join(JOBS, spec.job), report, backend);
  const findingsFile = path.join(report, 'findings.json');
  if (!fs.existsSync(findingsFile)) throw new Error(`${spec.job}: no findings.json (exit ${code})\n${output}`);
  const findings = JSON.parse(fs.readFileSync(findingsFile, 'utf8')) as Finding[];
  const { events } = readRunLog(path.join(report, 'events.ndjson'));
  const end = events.find(e => e.kind === 'run-end');
  const sc = score(spec.expected, findings);
  const latencies: Array<number | undefined> = [];
  const lines: string[] = [`  vitals: ${vitals(events)}`];
  if (flag('record')) spec.measured = vitals(events);
  for (const m of sc.matches) {
    const e = m.expected;
    const measured = measure(events, e.code, e.layer);
    if (flag('record') && measured.onset !== undefined) { e.onset = measured.onset; e.measured = measured.text; }
    const onset = measured.onset ?? e.onset;
    const drift = measured.onset !== undefined && measured.onset !== e.onset ? ` (manifest says ${e.onset})` : '';
    const at = `${e.code}${e.layer ? ' @' + e.layer : ''}:${e.line}`;
    if (!m.found) {
      latencies.push(undefined);
      lines.push(`  MISS ${at}  onset ep ${onset}${drift}  | ${measured.text}`);
      continue;
    }
    const detected = detectionEpoch(events, m.found);
    const latency = detected === undefined ? undefined : detected - onset;
    latencies.push(latency);
    const where = `${m.found.layer ? '@' + m.found.layer : ''}:${m.found.range?.start.line ?? '?'}`;
    lines.push(`  ${m.localized ? 'ok  ' : 'LOC '} ${at}  onset ep ${onset}${drift}, found ep ${detected ?? '?'} (${latency === undefined ? '?' : (latency >= 0 ? '+' : '') + latency})${m.localized ? '' : ` at ${where}`} ${m.found.severity}  | ${measured.text}`);
  }
  if (flag('verbose')) {
    // what the engine held back as explained by another finding (replayed from the log with the same settings)
    const engine = new DiagnosisEngine();
    for (const e of events) if (e.kind !== 'finding') engine.observe(e);
    for (const x of engine.suppressed) lines.push(`  (held back) ${x.finding.code}${x.finding.layer ? ' @' + x.finding.layer : ''}: ${x.reason}`);
  }
  for (const f of sc.falsePositives) {
    lines.push(`  FP   ${f.code}${f.layer ? ' @' + f.layer : ''}:${f.range?.start.line ?? '?'} ${f.severity} ep ${detectionEpoch(events, f) ?? '?'}: ${f.message}`);
  }
  return { spec, ms, status: end?.kind === 'run-end' ? end.status : 'no run-end', findings, score: sc, latencies, lines };
}

async function pool<T, R>(items: T[], n: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]);
    }
  }));
  return out;
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

async function main(): Promise<void> {
  ensureBuilt();
  const manifest = loadManifest();
  const only = arg('only')?.split(',');
  const specs = manifest.fixtures.filter(f => !only || only.some(o => f.job.startsWith(o)));
  const backend = arg('backend') ?? 'wasm';
  const jobs = Number(arg('jobs') ?? Math.max(1, Math.min(2, os.cpus().length)));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-diagnosis-'));
  console.log(`${specs.length} fixtures (${specs.filter(s => s.healthy).length} healthy) on ${backend}, ${jobs} at a time; reports in ${tmp}\n`);
  const started = Date.now();
  const results = await pool(specs, jobs, s => runFixture(s, tmp, backend));

  for (const r of results) {
    const found = r.score.matches.filter(m => m.found).length;
    console.log(`${r.spec.job.replace(/\.train\.ts$/, '')}${r.spec.healthy ? ' [healthy]' : ''}: ${r.spec.problem}`);
    console.log(`  ${found}/${r.spec.expected.length} found, ${r.score.falsePositives.length} false positive(s), run ${r.status} in ${(r.ms / 1000).toFixed(1)} s`);
    for (const l of r.lines) console.log(l);
  }

  const expected = results.reduce((n, r) => n + r.spec.expected.length, 0);
  const found = results.reduce((n, r) => n + r.score.matches.filter(m => m.found).length, 0);
  const localized = results.reduce((n, r) => n + r.score.matches.filter(m => m.localized).length, 0);
  const reported = results.reduce((n, r) => n + r.findings.length, 0);
  const truePositive = reported - results.reduce((n, r) => n + r.score.falsePositives.length, 0);
  const healthyFp = results.filter(r => r.spec.healthy).reduce((n, r) => n + r.findings.length, 0);
  const lat = results.flatMap(r => r.latencies).filter((x): x is number => x !== undefined);
  const figures = {
    recall: expected ? found / expected : 1,
    precision: reported ? truePositive / reported : 1,
    localization: found ? localized / found : 1,
    latencyMedian: lat.length ? median(lat) : 0,
    latencyMax: lat.length ? Math.max(...lat) : 0,
  };
  const ok = (x: boolean) => (x ? 'ok' : 'MISSED');
  console.log('\nfixture                          exp found  loc   FP  latency (epochs)');
  for (const r of results) {
    const l = r.latencies.filter((x): x is number => x !== undefined);
    console.log(`${r.spec.job.replace(/\.train\.ts$/, '').padEnd(32)} ${String(r.spec.expected.length).padStart(3)} ${String(r.score.matches.filter(m => m.found).length).padStart(5)} ${String(r.score.matches.filter(m => m.localized).length).padStart(4)} ${String(r.score.falsePositives.length).padStart(4)}  ${l.join(' ')}`);
  }
  console.log(`\n${results.length} fixtures, ${expected} expected findings, ${reported} reported (${healthyFp} on healthy fixtures), ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`recall        ${found}/${expected} = ${figures.recall.toFixed(3)}  (target >= ${TARGETS.recall}: ${ok(figures.recall >= TARGETS.recall)})`);
  console.log(`precision     ${truePositive}/${reported} = ${figures.precision.toFixed(3)}  (target >= ${TARGETS.precision}: ${ok(figures.precision >= TARGETS.precision)})`);
  console.log(`localization  ${localized}/${found} = ${figures.localization.toFixed(3)}  (target >= ${TARGETS.localization}: ${ok(figures.localization >= TARGETS.localization)})`);
  console.log(`latency       median ${figures.latencyMedian} epochs, max ${figures.latencyMax} after onset  (target <= ${TARGETS.latency}: ${ok(figures.latencyMax <= TARGETS.latency)})`);
  const early = results.flatMap(r => r.latencies.map((l, i) => ({ r, l, e: r.score.matches[i].expected }))).filter(x => x.l !== undefined && x.l < 0);
  if (early.length) console.log(`early         ${early.length} finding(s) raised before the measured onset: ${early.map(x => `${x.r.spec.job.replace(/\.train\.ts$/, '')} ${x.e.code} (${x.l})`).join(', ')}`);
  if (flag('record')) {
    // write the measured onsets back into the manifest (codes, layers and lines stay as they are)
    fs.writeFileSync(path.join(DIAGNOSIS_DIR, 'expected.json'), JSON.stringify(manifest, null, 2) + '\n');
    console.log('recorded the measured onsets in expected.json');
  }
  if (flag('json')) fs.writeFileSync(path.join(tmp, 'figures.json'), JSON.stringify(figures, null, 2));
  const met = figures.recall >= TARGETS.recall && figures.precision >= TARGETS.precision && figures.localization >= TARGETS.localization && figures.latencyMax <= TARGETS.latency;
  if (flag('strict') && !met) process.exitCode = 1;
  if (!flag('keep')) fs.rmSync(tmp, { recursive: true, force: true });
}

main().catch(e => { console.error(e); process.exitCode = 1; });
