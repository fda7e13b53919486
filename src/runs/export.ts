/**
 * Export of several runs at once (TensorBoard cannot: tensorboard#1232, histograms #2658), every tag of each:
 * - JSON: `{ format: 'training-lens-export', version: 1, runs: [{ runId, label, …, scalars: { tag: { step,
 *   seconds, value } }, histograms: { tag: [{ step, seconds, edges, counts, nonFinite }] } }] }`;
 * - CSV: one long table a spreadsheet opens, `run_id,run,tag,kind,step,seconds,value,bin_low,bin_high`: a scalar
 *   row per value (empty value: non-finite), a histogram row per bin (value: the bin's count), and a
 *   `histogram-nonfinite` row where a histogram counted NaN/Infinity.
 * Texts from run folders (labels, tags, custom names) that a spreadsheet would run as a formula get a leading `'`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunEvent, RunStartEvent } from '../protocol';
import { EVENTS_FILE, type RunRecord } from './layout';
import { readRunLog } from './store';
import { describeRunSync } from './listing';
import { labelOf } from './label';
import { collectSeries, type RunSeries } from './exportSeries';

export type ExportFormat = 'csv' | 'json';

export interface ExportRun {
  runId: string;
  label: string;
  jobFile: string;
  startedAt: string;
  status?: RunRecord['status'];
  hparams?: Record<string, number | string | boolean>;
  note?: string;
  tags?: string[];
  series: RunSeries;
}

/** A run folder read for export; throws an error naming the folder when it holds no readable run. */
export function loadExportRun(dir: string): ExportRun {
  const record = describeRunSync(dir);
  if (!record) throw new Error(`${dir}: not a run folder (no ${EVENTS_FILE})`);
  if (record.status === 'damaged') throw new Error(`${dir}: ${record.problem ?? 'damaged run'}`);
  const log = readRunLog(path.join(dir, EVENTS_FILE));
  return exportRunOf(record, log.events);
}

export function exportRunOf(record: RunRecord, events: readonly RunEvent[]): ExportRun {
  const start = events.find((e): e is RunStartEvent => e.kind === 'run-start');
  return {
    runId: record.runId,
    label: record.name ?? labelOf(record.jobFile, record.startedAt),
    jobFile: record.jobFile,
    startedAt: record.startedAt,
    status: record.status,
    ...(start?.hparams ? { hparams: start.hparams } : {}),
    ...(record.note ? { note: record.note } : {}),
    ...(record.tags ? { tags: record.tags } : {}),
    series: collectSeries(events),
  };
}

export function exportJson(runs: readonly ExportRun[]): string {
  return JSON.stringify({
    format: 'training-lens-export',
    version: 1,
    runs: runs.map(({ series, ...r }) => ({
      ...r,
      scalars: Object.fromEntries(series.scalars),
      histograms: Object.fromEntries(series.histograms),
    })),
  });
}

export const CSV_HEADER = ['run_id', 'run', 'tag', 'kind', 'step', 'seconds', 'value', 'bin_low', 'bin_high'];

/** A text cell: quoted when it holds a separator, quote or line break; a would-be formula made literal. */
export function csvText(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const num = (v: number | null): string => (v === null || !Number.isFinite(v) ? '' : String(v));

/** The CSV text, produced in pieces (a long run has millions of rows). */
export function* exportCsvChunks(runs: readonly ExportRun[]): Generator<string> {
  yield CSV_HEADER.join(',') + '\r\n';
  for (const r of runs) {
    const id = csvText(r.runId);
    const label = csvText(r.label);
    for (const [tag, c] of r.series.scalars) {
      const head = `${id},${label},${csvText(tag)},scalar,`;
      const rows: string[] = [];
      for (let i = 0; i < c.step.length; i++) rows.push(`${head}${c.step[i]},${c.seconds[i]},${num(c.value[i])},,\r\n`);
      yield rows.join('');
    }
    for (const [tag, samples] of r.series.histograms) {
      const rows: string[] = [];
      for (const h of samples) {
        const head = `${id},${label},${csvText(tag)},`;
        for (let b = 0; b < h.counts.length; b++)
          rows.push(`${head}histogram,${h.step},${h.seconds},${h.counts[b]},${h.edges[b]},${h.edges[b + 1]}\r\n`);
        if (h.nonFinite > 0) rows.push(`${head}histogram-nonfinite,${h.step},${h.seconds},${h.nonFinite},,\r\n`);
      }
      yield rows.join('');
    }
  }
}

export function exportCsv(runs: readonly ExportRun[]): string {
  return [...exportCsvChunks(runs)].join('');
}

export function exportRuns(runs: readonly ExportRun[], format: ExportFormat): string {
  return format === 'json' ? exportJson(runs) : exportCsv(runs);
}

/** The format a file name asks for (.json or .csv), else undefined. */
export function formatOfFile(file: string): ExportFormat | undefined {
  const ext = path.extname(file).toLowerCase();
  return ext === '.json' ? 'json' : ext === '.csv' ? 'csv' : undefined;
}

/** Writes the export to a file, in pieces (a CSV of a long run does not need to fit in one string). */
export function writeExport(file: string, runs: readonly ExportRun[], format: ExportFormat): void {
  const fd = fs.openSync(file, 'w');
  try {
    if (format === 'json') fs.writeSync(fd, exportJson(runs) + '\n');
    else for (const chunk of exportCsvChunks(runs)) fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
}
