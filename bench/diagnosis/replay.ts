/**
 * `npm run bench:diagnosis:replay -- <reports dir> [<reports dir> ...] [--half tune|test] [--only a,b] [--diff]`:
 * re-scores saved runs of `bench:diagnosis --keep` with the detectors as they are now, without training again.
 *
 * Each job's events.ndjson (the measurements; the findings the run raised are left out) is fed to a fresh
 * DiagnosisEngine, and what it raises is scored against the manifest as the bench does. Several report directories
 * (runs of the same jobs) are scored side by side, so a finding that flips between runs shows as such. `--diff`
 * prints only the jobs whose replayed findings differ between the runs or from the manifest. Defaults to the tune
 * half: detectors are tuned on it alone.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addFinding, findingKey, foldExplained, type Finding, type RunEvent } from '../../src/protocol';
import { readRunLog } from '../../src/runs/store';
import { DiagnosisEngine } from '../../src/detectors/engine';
import { loadManifest, score, type FixtureSpec, type Match } from './lib/manifest';
import { measure, symptomShown } from './lib/symptoms';
import type { DataFacts } from './lib/dataFacts';
import { figures, halfOf, summaryLine, type Half, type Scored } from './lib/figures';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  return v === undefined || v.startsWith('--') ? undefined : v;
}

const where = (f: Finding) => `${f.code}${f.layer ? '@' + f.layer : ''}:${f.range?.start.line ?? '?'}`;

/**
 * The findings a fresh engine raises on the run's measurements, each with the epoch it was raised in, and with the
 * symptoms it explains (as the runner's `explained` events fold them), each with the epoch it was explained in.
 */
export function replay(
  events: RunEvent[],
): Array<{ finding: Finding; epoch?: number; explainedAt: Map<string, number | undefined> }> {
  const engine = new DiagnosisEngine();
  // kept as findings.json keeps them (addFinding: raised again at a higher severity replaces the earlier one, which
  // the bench scores; foldExplained), with the epoch of each key's latest severity, as the bench's detectionEpoch
  const findings: Finding[] = [];
  const raisedAt = new Map<string, number | undefined>();
  const explainedAt = new Map<string, Map<string, number | undefined>>();
  let epoch: number | undefined; // as the bench counts: none before the first batch
  for (const e of events) {
    if (e.kind === 'finding' || e.kind === 'explained') continue;
    if (e.kind === 'batch' || e.kind === 'epoch') epoch = e.epoch;
    for (const finding of engine.observe(e)) {
      addFinding(findings, finding);
      raisedAt.set(findingKey(finding), epoch);
    }
    for (const x of engine.takeExplained()) {
      if (!foldExplained(findings, x)) continue;
      const key = findingKey(x.cause);
      const at = explainedAt.get(key) ?? new Map<string, number | undefined>();
      if (!at.has(findingKey(x.symptom))) at.set(findingKey(x.symptom), epoch);
      explainedAt.set(key, at);
    }
  }
  return findings.map(finding => ({
    finding,
    epoch: raisedAt.get(findingKey(finding)),
    explainedAt: explainedAt.get(findingKey(finding)) ?? new Map(),
  }));
}

interface Replayed extends Scored {
  line: string;
}

function scoreRun(spec: FixtureSpec, dir: string): Replayed | undefined {
  const report = path.join(dir, spec.job.replace(/\.train\.ts$/, ''));
  const log = path.join(report, 'events.ndjson');
  if (!fs.existsSync(log)) return undefined;
  const { events } = readRunLog(log);
  const dataFile = path.join(report, 'data.json');
  const data = fs.existsSync(dataFile) ? (JSON.parse(fs.readFileSync(dataFile, 'utf8')) as DataFacts) : undefined;
  const raised = replay(events).filter(r => r.finding.source === 'runtime');
  const runtime = raised.filter(r => r.finding.severity !== 'info').map(r => r.finding);
  const info = raised.filter(r => r.finding.severity === 'info').map(r => r.finding);
  const sc = score(spec.expected, runtime);
  const epochOf = (f: Finding) => raised.find(r => r.finding === f)?.epoch;
  const matchEpoch = (m: Match) =>
    m.explained
      ? raised.find(r => r.finding === m.found)?.explainedAt.get(findingKey(m.explained))
      : m.found && epochOf(m.found);
  // latency after the onset measured in this run's log, as the bench counts it; a symptom that did not show in the
  // run is left out, as the bench does
  const measured = sc.matches.map(m => measure(events, m.expected.code, m.expected.layer, data));
  sc.matches.forEach((m, i) => (m.shown = symptomShown(measured[i])));
  const latencies = sc.matches.map((m, i) => {
    const at = matchEpoch(m);
    return at === undefined ? undefined : at - (measured[i].onset ?? m.expected.onset);
  });
  const parts = [
    ...sc.matches.map((m, i) =>
      !m.shown
        ? `---- ${m.expected.code}${m.expected.layer ? '@' + m.expected.layer : ''} did not show${m.found ? ' (raised)' : ''}`
        : m.found
          ? `${m.localized ? 'ok' : 'LOC'} ${m.explained ? `${m.expected.code} explained by ` : ''}${where(m.found)} ep ${matchEpoch(m)} (${latencies[i] === undefined ? '?' : (latencies[i]! >= 0 ? '+' : '') + latencies[i]})`
          : `MISS ${m.expected.code}${m.expected.layer ? '@' + m.expected.layer : ''}`,
    ),
    ...sc.falsePositives.map(f => `FP ${where(f)} ep ${epochOf(f) ?? '-'}`),
    ...info.map(f => `info ${where(f)} ep ${epochOf(f) ?? '-'}`),
  ];
  return { spec, half: halfOf(spec.job), runtime, info, score: sc, latencies, line: parts.join(', ') || 'clean' };
}

function main(): void {
  const dirs = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
  if (!dirs.length) throw new Error('usage: replay.ts <reports dir of bench:diagnosis --keep> [...]');
  const half = (arg('half') ?? 'tune') as Half;
  const only = arg('only')?.split(',');
  const specs = loadManifest().fixtures.filter(
    f => halfOf(f.job) === half && (!only || only.some(o => f.job.startsWith(o))),
  );
  const runs = dirs.map(d => specs.map(s => scoreRun(s, d)));
  for (const [j, spec] of specs.entries()) {
    const lines = runs.map(r => r[j]?.line ?? '(not run)');
    const settled =
      lines.every(l => l === lines[0]) &&
      runs.every(
        r => !r[j] || r[j]!.line.split(', ').every(p => p.startsWith('ok')) || (spec.healthy && r[j]!.line === 'clean'),
      );
    if (process.argv.includes('--diff') && settled) continue;
    console.log(`${spec.job.replace(/\.train\.ts$/, '')}${spec.healthy ? ' [healthy]' : ''}`);
    lines.forEach((l, i) => console.log(`  run ${i + 1}: ${l}`));
  }
  for (const [i, r] of runs.entries()) {
    const f = figures(r.filter((x): x is Replayed => x !== undefined));
    console.log(`run ${i + 1} (${dirs[i]}): ${summaryLine(f)}`);
  }
}

if (require.main === module) main();
