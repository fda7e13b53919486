/** One cached analysis per open document (incremental reparse), and the `trainingLens.lint.*` settings it uses. */
import * as vscode from 'vscode';
import { DocumentAnalyses, type Analysis } from '../../src/guidelines/lint';
import { lintSettingsFrom, type LintSettings } from '../../src/guidelines/settings';
import type { Finding } from '../../src/protocol/events';

export const GUIDELINE_LANGUAGES = ['typescript', 'javascript', 'typescriptreact', 'javascriptreact'];
export const GUIDELINE_SELECTOR: vscode.DocumentSelector = GUIDELINE_LANGUAGES.flatMap(language => [
  { language, scheme: 'file' },
  { language, scheme: 'untitled' },
]);

export interface EditorSettings {
  lint: LintSettings;
  enabled: boolean;
  lenses: boolean;
  confirmations: boolean;
}

export class GuidelineAnalyses {
  /** diagnostics and lenses do not need fix edits: they are built when the lightbulb asks (withFixes) */
  private readonly cache = new DocumentAnalyses({ fixes: false });
  /** per workspace folder (settings can differ between folders); object identity tells the cache to re-lint */
  private readonly settings = new Map<string, EditorSettings>();

  isCandidate(doc: vscode.TextDocument): boolean {
    return GUIDELINE_LANGUAGES.includes(doc.languageId) && (doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled');
  }

  settingsFor(uri: vscode.Uri): EditorSettings {
    const key = vscode.workspace.getWorkspaceFolder(uri)?.uri.toString() ?? '';
    let s = this.settings.get(key);
    if (!s) {
      const cfg = vscode.workspace.getConfiguration('trainingLens', uri);
      s = {
        lint: lintSettingsFrom(k => cfg.get(`lint.${k}`)),
        enabled: cfg.get<boolean>('lint.enabled', true),
        lenses: cfg.get<boolean>('codeLens.guidelines', true),
        confirmations: cfg.get<boolean>('codeLens.guidelinesConfirmations', true),
      };
      this.settings.set(key, s);
    }
    return s;
  }

  /** The analysis of the document's current version (computed at most once per version). */
  of(doc: vscode.TextDocument): Analysis {
    const settings = this.settingsFor(doc.uri);
    return this.cache.get(doc.uri.toString(), doc.version, () => doc.getText(), doc.fileName, settings.lint);
  }

  /** The current version's findings with their quick-fix edits. */
  withFixes(doc: vscode.TextDocument): Finding[] {
    this.of(doc);
    return this.cache.withFixes(doc.uri.toString());
  }

  forget(uri: vscode.Uri): void {
    this.cache.delete(uri.toString());
  }
  settingsChanged(): void {
    this.settings.clear();
  }
  clear(): void {
    this.cache.clear();
    this.settings.clear();
  }
}
