/**
 * `training-lens lint <files or folders...> [--format text|json]`: the editor's guideline findings, headless.
 * Text: one `file:line:col severity code message` line per finding. JSON: the findings array (the finding schema of src/protocol/events.ts).
 * Exit code 1 when any finding is an error, 2 on bad usage, else 0.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../protocol/events';
import { analyzeText } from './lint';
import { DEFAULT_LINT_SETTINGS, type LintSettings } from './settings';

const SOURCE_FILE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', '.training-lens']);

export interface LintIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

function expand(target: string, out: string[]): void {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) {
    out.push(target);
    return;
  }
  for (const name of fs.readdirSync(target).sort()) {
    const p = path.join(target, name);
    const s = fs.statSync(p);
    if (s.isDirectory()) {
      if (!SKIP_DIRS.has(name)) expand(p, out);
    } else if (SOURCE_FILE.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
}

export function lintFiles(files: readonly string[], settings: LintSettings = DEFAULT_LINT_SETTINGS): Finding[] {
  const findings: Finding[] = [];
  for (const file of files) findings.push(...analyzeText(fs.readFileSync(file, 'utf8'), file, settings).findings);
  return findings;
}

export function formatFinding(f: Finding): string {
  const where = f.range ? `${f.file}:${f.range.start.line}:${f.range.start.column ?? 1}` : `${f.file}`;
  return `${where} ${f.severity} ${f.code} ${f.message}`;
}

export function lintCommand(argv: readonly string[], io: LintIo): number {
  let format = 'text';
  const targets: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--format' || a.startsWith('--format=')) {
      format = a.includes('=') ? a.slice('--format='.length) : (argv[++i] ?? '');
      if (format !== 'text' && format !== 'json') {
        io.err('training-lens lint: --format must be text or json');
        return 2;
      }
    } else if (a.startsWith('--')) {
      io.err(`training-lens lint: unknown option ${a}`);
      return 2;
    } else targets.push(a);
  }
  if (!targets.length) {
    io.err('training-lens lint: name at least one file or folder');
    return 2;
  }
  const files: string[] = [];
  for (const t of targets) {
    if (!fs.existsSync(t)) {
      io.err(`training-lens lint: no such file: ${t}`);
      return 2;
    }
    expand(t, files);
  }
  const findings = lintFiles(files);
  if (format === 'json') io.out(JSON.stringify(findings, null, 2));
  else {
    for (const f of findings) io.out(formatFinding(f));
    const count = (s: Finding['severity']) => findings.filter(f => f.severity === s).length;
    io.err(
      `${files.length} file${files.length === 1 ? '' : 's'}: ${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} info`,
    );
  }
  return findings.some(f => f.severity === 'error') ? 1 : 0;
}
