/**
 * Source text -> model sketch -> guideline findings, in one call. `DocumentAnalyses` keeps one parse per open
 * document and reparses incrementally (ts.updateSourceFile over the changed span) as the user types.
 */
import ts from 'typescript';
import type { Finding } from '../protocol/events';
import { sketchFile, type FileSketch } from '../analysis/model';
import { changeRange, mentionsTfjs, parseSource } from '../analysis/parse';
import { lintSketch, type LintOptions } from './rules';
import { DEFAULT_LINT_SETTINGS, type LintSettings } from './settings';

// TypeScript 5's CommonJS exports are getters: bind what the hot path calls once
const { updateSourceFile } = ts;

export interface Analysis {
  /** undefined when the file does not mention tfjs (not parsed at all) */
  sketch?: FileSketch;
  findings: Finding[];
}

export function analyzeSourceFile(
  sf: ts.SourceFile,
  settings: LintSettings = DEFAULT_LINT_SETTINGS,
  options: LintOptions = {},
): Analysis {
  const sketch = sketchFile(sf);
  return { sketch, findings: lintSketch(sketch, settings, options) };
}

/** Lints one file's text. Parse-only: safe on untrusted code. */
export function analyzeText(
  text: string,
  fileName: string,
  settings: LintSettings = DEFAULT_LINT_SETTINGS,
  options: LintOptions = {},
): Analysis {
  if (!mentionsTfjs(text)) return { findings: [] };
  return analyzeSourceFile(parseSource(text, fileName), settings, options);
}

interface Entry {
  version: number;
  text: string;
  sf?: ts.SourceFile;
  analysis: Analysis;
  settings: LintSettings;
  withFixes?: Finding[];
}

/**
 * Per-document cache: reanalyses only when the version changes, reparsing only the edited span. With
 * `{ fixes: false }` (the editor) findings come without fix edits; `withFixes` builds them for the current
 * version when a quick fix is asked for.
 */
export class DocumentAnalyses {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: LintOptions = {}) {}

  get(key: string, version: number, text: () => string, fileName: string, settings: LintSettings): Analysis {
    const prev = this.entries.get(key);
    if (prev && prev.version === version && prev.settings === settings) return prev.analysis;
    const newText = prev && prev.version === version ? prev.text : text();
    let sf: ts.SourceFile | undefined;
    let analysis: Analysis;
    if (!mentionsTfjs(newText)) analysis = { findings: [] };
    else {
      if (prev?.sf && prev.sf.fileName === fileName) {
        sf = prev.text === newText ? prev.sf : updateSourceFile(prev.sf, newText, changeRange(prev.text, newText));
      } else sf = parseSource(newText, fileName);
      analysis = analyzeSourceFile(sf, settings, this.options);
    }
    this.entries.set(key, { version, text: newText, sf, analysis, settings });
    return analysis;
  }

  peek(key: string): Analysis | undefined {
    return this.entries.get(key)?.analysis;
  }

  /** The findings of the cached version, with their fix edits (built once per version). */
  withFixes(key: string): Finding[] {
    const e = this.entries.get(key);
    if (!e?.analysis.sketch) return e?.analysis.findings ?? [];
    if (this.options.fixes !== false) return e.analysis.findings;
    return (e.withFixes ??= lintSketch(e.analysis.sketch, e.settings, { fixes: true }));
  }
  delete(key: string): void {
    this.entries.delete(key);
  }
  clear(): void {
    this.entries.clear();
  }
}
