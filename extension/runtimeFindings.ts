/**
 * Runtime findings in the Problems panel, on the line of the layer (or compile, or fit) they are about.
 * They stay until the file changes or the job is trained again, whichever comes first.
 */
import * as vscode from 'vscode';
import type { Finding } from '../src/protocol';
import type { RunManager } from './runManager';

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export class RuntimeFindings implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('training-lens-runtime');
  /** job file -> the files its last run put diagnostics on */
  private readonly byJob = new Map<string, Set<string>>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(runs: RunManager) {
    this.disposables.push(
      this.collection,
      runs.onRunInfo(info => { if (info.status === 'running') this.clearJob(info.jobFile); }),
      runs.onEvent(({ runId, event }) => {
        if (event.kind !== 'finding') return;
        const job = runs.infoOf(runId)?.jobFile;
        if (job) this.add(job, event.finding);
      }),
      vscode.workspace.onDidChangeTextDocument(e => {
        if (e.contentChanges.length && this.collection.has(e.document.uri)) this.collection.delete(e.document.uri);
      }),
    );
  }

  private add(jobFile: string, f: Finding): void {
    const file = f.file ?? f.range?.start.file ?? jobFile;
    const uri = vscode.Uri.file(file);
    const line = Math.max(0, (f.range?.start.line ?? 1) - 1);
    const col = Math.max(0, (f.range?.start.column ?? 1) - 1);
    const doc = vscode.workspace.textDocuments.find(d => d.uri.fsPath === uri.fsPath);
    const end = doc && line < doc.lineCount ? doc.lineAt(line).range.end.character : col + 1;
    const advice = f.advice?.length ? `\nTry, in order: ${f.advice.map((a, i) => `${i + 1}. ${a}`).join(' ')}` : '';
    const d = new vscode.Diagnostic(new vscode.Range(line, col, line, Math.max(end, col + 1)), `${f.message}${advice}\n(${f.rule})`, SEVERITY[f.severity]);
    d.source = 'Training Lens';
    d.code = f.code;
    const list = [...(this.collection.get(uri) ?? []), d];
    this.collection.set(uri, list);
    let files = this.byJob.get(jobFile);
    if (!files) this.byJob.set(jobFile, files = new Set());
    files.add(uri.toString());
  }

  private clearJob(jobFile: string): void {
    for (const u of this.byJob.get(jobFile) ?? []) this.collection.delete(vscode.Uri.parse(u));
    this.byJob.delete(jobFile);
  }

  dispose(): void {
    this.disposables.forEach(d => d.dispose());
  }
}
