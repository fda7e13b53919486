/**
 * Problems-panel diagnostics (source "Training Lens", code = the finding code), updated on open, on change
 * (debounced) and cleared on close.
 */
import * as vscode from 'vscode';
import type { Finding } from '../../src/protocol/events';
import type { GuidelineAnalyses } from './analyses';
import { setLintMarks } from './lintMarks';
import { toDiagnostic } from '../findings';

const DEBOUNCE_MS = 200;

export class GuidelineDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('trainingLens.guidelines');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly analyses: GuidelineAnalyses) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument(doc => this.update(doc)),
      vscode.workspace.onDidChangeTextDocument(e => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument(doc => {
        this.cancel(doc.uri);
        this.collection.delete(doc.uri);
        setLintMarks(doc.uri, undefined);
        this.analyses.forget(doc.uri);
      }),
    );
    this.refreshAll();
  }

  refreshAll(): void {
    for (const doc of vscode.workspace.textDocuments) this.update(doc);
  }

  update(doc: vscode.TextDocument): void {
    this.cancel(doc.uri);
    if (doc.isClosed || !this.analyses.isCandidate(doc)) return;
    if (!this.analyses.settingsFor(doc.uri).enabled) {
      this.setFor(doc.uri, []);
      return;
    }
    try {
      this.setFor(doc.uri, this.analyses.of(doc).findings);
    } catch (e) {
      // the analyzer is parse-only and tested on mutated input; never let a surprise break the editor
      console.error('Training Lens lint failed', e);
      this.setFor(doc.uri, []);
    }
  }

  /** Publishes a file's findings (also for a file that is not open: Lint Workspace). */
  setFor(uri: vscode.Uri, findings: readonly Finding[]): void {
    if (findings.length)
      this.collection.set(
        uri,
        findings.map(f => toDiagnostic(f)),
      );
    else this.collection.delete(uri);
    setLintMarks(uri, findings);
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!this.analyses.isCandidate(doc)) return;
    const key = doc.uri.toString();
    this.cancel(doc.uri);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.update(doc);
      }, DEBOUNCE_MS),
    );
  }

  private cancel(uri: vscode.Uri): void {
    const key = uri.toString();
    const t = this.timers.get(key);
    if (t) {
      clearTimeout(t);
      this.timers.delete(key);
    }
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.disposables.forEach(d => d.dispose());
    this.collection.dispose();
  }
}
