/**
 * The benchmark's figures: which half a job belongs to, recall / precision / localization / latency over a set of
 * scored jobs, and the confusion matrix (expected code x raised code).
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../../../src/protocol';
import type { FixtureSpec, Score } from './manifest';

export type Half = 'tune' | 'test';

/**
 * Fixed split, chosen before any new job was run: the first byte of sha256(job file name), even -> tune, odd -> test.
 * Detector changes may be tuned on the tune half only; the test half is the honest figure.
 */
export function halfOf(job: string): Half {
  return createHash('sha256').update(job).digest()[0] % 2 === 0 ? 'tune' : 'test';
}

export interface Scored {
  spec: FixtureSpec;
  half: Half;
  /** runtime findings of severity warning/error: the ones scored */
  runtime: Finding[];
  /** runtime findings of severity info: printed and counted, not scored */
  info: Finding[];
  score: Score;
  latencies: Array<number | undefined>;
}

export interface Figures {
  jobs: number;
  healthyJobs: number;
  /** healthy jobs with no runtime warning/error */
  healthyClean: number;
  /** expected findings whose symptom the independent check did not see in the run (left out of every figure) */
  notShown: number;
  /** recall with those counted as misses */
  recallNotShownMissed: number;
  expected: number;
  found: number;
  localized: number;
  reported: number;
  truePositive: number;
  /** runtime info findings (not scored) */
  info: number;
  recall: number;
  precision: number;
  localization: number;
  latencyMedian: number | null;
  latencyMax: number | null;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export function figures(results: Scored[]): Figures {
  const sum = (f: (r: Scored) => number) => results.reduce((n, r) => n + f(r), 0);
  // a symptom that did not show in the run is neither missed nor found: left out, and so is a finding raised for it
  const shown = (r: Scored) => r.score.matches.filter(m => m.shown !== false);
  const notShown = sum(r => r.score.matches.filter(m => m.shown === false).length);
  const expected = sum(r => shown(r).length);
  const found = sum(r => shown(r).filter(m => m.found).length);
  const localized = sum(r => shown(r).filter(m => m.localized).length);
  const reported = sum(r => r.runtime.length - r.score.matches.filter(m => m.shown === false && m.found).length);
  const truePositive = reported - sum(r => r.score.falsePositives.length);
  const healthy = results.filter(r => r.spec.healthy);
  const lat = results
    .flatMap(r => r.latencies.filter((_, i) => r.score.matches[i]?.shown !== false))
    .filter((x): x is number => x !== undefined);
  return {
    notShown,
    recallNotShownMissed: expected + notShown ? found / (expected + notShown) : 1,
    jobs: results.length,
    healthyJobs: healthy.length,
    healthyClean: healthy.filter(r => r.runtime.length === 0).length,
    expected,
    found,
    localized,
    reported,
    truePositive,
    info: sum(r => r.info.length),
    recall: expected ? found / expected : 1,
    precision: reported ? truePositive / reported : 1,
    localization: found ? localized / found : 1,
    latencyMedian: lat.length ? median(lat) : null,
    latencyMax: lat.length ? Math.max(...lat) : null,
  };
}

/** One line of a run's figures (the bench's per-run lines with `--runs`, the replay's per-directory lines). */
export function summaryLine(f: Figures): string {
  const leftOut = f.notShown
    ? ` (${f.notShown} left out: did not show; as misses ${f.recallNotShownMissed.toFixed(3)})`
    : '';
  return `${f.jobs} jobs, recall ${f.found}/${f.expected} = ${f.recall.toFixed(3)}${leftOut}, precision ${f.truePositive}/${f.reported} = ${f.precision.toFixed(3)}, localization ${f.localization.toFixed(3)}, latency median ${f.latencyMedian ?? '-'} max ${f.latencyMax ?? '-'}, healthy clean ${f.healthyClean}/${f.healthyJobs}`;
}

/**
 * Expected code x raised code. A found finding counts on the diagonal; within a job, a missed expected finding is
 * paired with a false positive of that job (what the doctor said instead), else with "none"; leftover false
 * positives count in the "none" row.
 */
export function confusion(results: Scored[]): Map<string, Map<string, number>> {
  const m = new Map<string, Map<string, number>>();
  const add = (e: string, r: string) => {
    const row = m.get(e) ?? new Map<string, number>();
    row.set(r, (row.get(r) ?? 0) + 1);
    m.set(e, row);
  };
  for (const r of results) {
    const fps = [...r.score.falsePositives];
    for (const x of r.score.matches) {
      if (x.shown === false) continue;
      if (x.found) add(x.expected.code, x.found.code);
      else add(x.expected.code, fps.shift()?.code ?? 'none');
    }
    for (const f of fps) add('none', f.code);
  }
  return m;
}

export function formatConfusion(m: Map<string, Map<string, number>>): string {
  const rows = [...m.keys()].sort((a, b) => (a === 'none' ? 1 : b === 'none' ? -1 : a.localeCompare(b)));
  const cols = [...new Set([...m.values()].flatMap(r => [...r.keys()]))].sort((a, b) =>
    a === 'none' ? 1 : b === 'none' ? -1 : a.localeCompare(b),
  );
  const abbrev = (c: string) =>
    c
      .split('-')
      .map(w => w.slice(0, 4))
      .join('-');
  const w = Math.max(...rows.map(r => r.length), 'expected \\ raised'.length);
  const widths = cols.map(c => Math.max(3, abbrev(c).length));
  const lines = [`${'expected \\ raised'.padEnd(w)}  ${cols.map((c, i) => abbrev(c).padStart(widths[i])).join(' ')}`];
  for (const r of rows)
    lines.push(`${r.padEnd(w)}  ${cols.map((c, i) => String(m.get(r)?.get(c) ?? '.').padStart(widths[i])).join(' ')}`);
  return lines.join('\n');
}

export function confusionObject(m: Map<string, Map<string, number>>): Record<string, Record<string, number>> {
  return Object.fromEntries([...m].map(([e, row]) => [e, Object.fromEntries(row)]));
}
