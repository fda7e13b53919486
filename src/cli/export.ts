/**
 * `training-lens export <runs...> [--format csv|json] [-o <file>] [--runs-dir <dir>]`: every tag of every run
 * given (a run folder, its events.ndjson, or a run id under ./.training-lens/runs), in one CSV or JSON file
 * (src/runs/export.ts); without -o, to standard output.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EVENTS_FILE, runsDirOf } from '../runs/store';
import {
  exportCsvChunks,
  exportJson,
  formatOfFile,
  loadExportRun,
  writeExport,
  type ExportFormat,
} from '../runs/export';

export const EXPORT_USAGE = `  training-lens export <run folders | run ids...> [--format csv|json] [-o <file>] [--runs-dir <dir>]
`;

export interface ExportIo {
  out(text: string): void;
  err(line: string): void;
}

/** A run argument as a folder: a folder, an events.ndjson, or a run id in the runs folder. */
export function resolveRunArg(arg: string, runsDir: string): string {
  if (path.basename(arg) === EVENTS_FILE) return path.dirname(path.resolve(arg));
  if (fs.existsSync(arg)) return path.resolve(arg);
  const byId = path.join(runsDir, arg);
  if (!arg.includes('/') && !arg.includes(path.sep) && fs.existsSync(byId)) return byId;
  throw new Error(`${arg}: no such run folder, and no run with this id in ${runsDir}`);
}

export function exportCommand(argv: string[], io: ExportIo): number {
  const runs: string[] = [];
  let format: string | undefined;
  let out: string | undefined;
  let runsDir = runsDirOf(process.cwd());
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new ExportUsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--format') format = value();
    else if (a.startsWith('--format=')) format = a.slice('--format='.length);
    else if (a === '-o' || a === '--out') out = value();
    else if (a === '--runs-dir') runsDir = path.resolve(value());
    else if (a.startsWith('-')) throw new ExportUsageError(`unknown option ${a}`);
    else runs.push(a);
  }
  if (runs.length === 0) throw new ExportUsageError('export needs at least one run');
  if (format !== undefined && format !== 'csv' && format !== 'json')
    throw new ExportUsageError(`--format must be csv or json (got ${format})`);
  const chosen: ExportFormat = (format as ExportFormat | undefined) ?? (out ? formatOfFile(out) : undefined) ?? 'csv';
  let loaded;
  try {
    loaded = runs.map(r => loadExportRun(resolveRunArg(r, runsDir)));
  } catch (e) {
    io.err(`training-lens export: ${(e as Error).message}`);
    return 1;
  }
  if (!out) {
    if (chosen === 'json') io.out(exportJson(loaded) + '\n');
    else for (const chunk of exportCsvChunks(loaded)) io.out(chunk);
    return 0;
  }
  writeExport(out, loaded, chosen);
  const tags = loaded.reduce((n, r) => n + r.series.scalars.size + r.series.histograms.size, 0);
  io.err(
    `Exported ${loaded.length} run${loaded.length === 1 ? '' : 's'} (${tags} series) to ${out} as ${chosen.toUpperCase()}`,
  );
  return 0;
}

export class ExportUsageError extends Error {}
