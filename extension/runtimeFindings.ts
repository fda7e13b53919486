/**
 * Runtime findings in the Problems panel, on the line of the layer (or compile, or fit) they are about, with
 * their fixes: "Apply" edits the file, "Try the fix" trains a patched copy and overlays both runs.
 * They stay until the file changes or the job is trained again, whichever comes first.
 */
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import { findingKey, foldExplained, type ExplainedEvent, type Finding } from '../src/protocol';
import { withRuntimeFixes } from '../src/detectors/fixes';
import type { RunManager } from './runManager';
import { withoutLintDuplicates } from '../src/guidelines/dedupe';
import { lintMarksOf, onDidChangeLintMarks } from './guidelines/lintMarks';
import { position, toDiagnostic, toWorkspaceEdit } from './findings';

export const TRY_FIX_COMMAND = 'trainingLens.tryFix';

export interface RuntimeFindingRef {
  finding: Finding;
  runId: string;
  jobFile: string;
}

export class RuntimeFindings implements vscode.Disposable, vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
  private readonly collection = vscode.languages.createDiagnosticCollection('training-lens-runtime');
  /** job file -> the files its last run put diagnostics on */
  private readonly byJob = new Map<string, Set<string>>();
  private readonly refs = new WeakMap<vscode.Diagnostic, RuntimeFindingRef>();
  /** every finding of the last run per file (uri string); the collection shows those lint does not already show */
  private readonly byFile = new Map<string, { uri: vscode.Uri; items: { d: vscode.Diagnostic; finding: Finding }[] }>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(runs: RunManager) {
    this.disposables.push(
      this.collection,
      runs.onRunInfo(info => {
        if (info.status === 'running' && !runs.isVariant(info.runId)) this.clearJob(info.jobFile);
      }),
      runs.onEvent(({ runId, event }) => {
        // a variant's findings belong to the patched copy, not to the file as it is
        if (runs.isVariant(runId)) return;
        if (event.kind === 'explained') return this.explain(runId, event);
        if (event.kind !== 'finding') return;
        const job = runs.infoOf(runId)?.jobFile;
        if (job) this.add(job, runId, event.finding);
      }),
      vscode.workspace.onDidChangeTextDocument(e => {
        if (!e.contentChanges.length) return;
        this.byFile.delete(e.document.uri.toString());
        if (this.collection.has(e.document.uri)) this.collection.delete(e.document.uri);
      }),
      onDidChangeLintMarks(file => {
        for (const entry of this.byFile.values()) if (entry.uri.fsPath === file) this.publish(entry.uri);
      }),
      vscode.workspace.onDidChangeConfiguration(e => {
        if (e.affectsConfiguration('trainingLens.lint'))
          for (const entry of this.byFile.values()) this.publish(entry.uri);
      }),
      vscode.languages.registerCodeActionsProvider([{ language: 'typescript' }, { language: 'javascript' }], this, {
        providedCodeActionKinds: RuntimeFindings.providedCodeActionKinds,
      }),
    );
  }

  /** Runtime findings that have a fix to try, newest first (for the Try the Fix command's picker). */
  withFixes(): RuntimeFindingRef[] {
    const out: RuntimeFindingRef[] = [];
    this.collection.forEach((_uri, diags) =>
      diags.forEach(d => {
        const ref = this.refs.get(d);
        if (ref?.finding.fixes?.length) out.push(ref);
      }),
    );
    return out.reverse();
  }

  provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      const ref = this.refs.get(d);
      if (!ref) continue;
      (ref.finding.fixes ?? []).forEach((fix, i) => {
        const tryIt = new vscode.CodeAction(
          `Try the fix: ${fix.title} (train a copy, compare runs)`,
          vscode.CodeActionKind.QuickFix,
        );
        tryIt.diagnostics = [d];
        tryIt.command = { command: TRY_FIX_COMMAND, title: 'Try the fix', arguments: [ref, i] };
        const apply = new vscode.CodeAction(`Apply: ${fix.title}`, vscode.CodeActionKind.QuickFix);
        apply.diagnostics = [d];
        apply.edit = toWorkspaceEdit(fix.edits);
        apply.isPreferred = i === 0 && document.uri.fsPath === (fix.edits[0]?.file ?? '');
        actions.push(tryIt, apply);
      });
    }
    return actions;
  }

  private add(jobFile: string, runId: string, raw: Finding): void {
    // the fit-start guideline findings are placed already and have no runtime fix: no need to parse the job for them
    const [f] = raw.source === 'static' && raw.range ? [raw] : withRuntimeFixes([raw], file => readText(file), jobFile);
    const file = f.file ?? f.range?.start.file ?? jobFile;
    const uri = vscode.Uri.file(file);
    const doc = vscode.workspace.textDocuments.find(d => d.uri.fsPath === uri.fsPath);
    const d = toDiagnostic(f, { doc, detail: true });
    // the same finding raised again at a higher severity replaces the earlier entry, keeping what it explained
    const earlier = this.take(runId, f);
    if (earlier) {
      d.relatedInformation = earlier.d.relatedInformation;
      if (earlier.finding.explains && !f.explains) f.explains = earlier.finding.explains;
    }
    this.refs.set(d, { finding: f, runId, jobFile });
    const key = uri.toString();
    let entry = this.byFile.get(key);
    if (!entry) this.byFile.set(key, (entry = { uri, items: [] }));
    entry.items.push({ d, finding: { ...f, file: uri.fsPath } });
    this.publish(uri);
    let files = this.byJob.get(jobFile);
    if (!files) this.byJob.set(jobFile, (files = new Set()));
    files.add(uri.toString());
  }

  /** Removes the run's entry for the finding `f` names (code and layer), if there is one; returns it. */
  private take(runId: string, f: Finding): { d: vscode.Diagnostic; finding: Finding } | undefined {
    for (const entry of this.byFile.values()) {
      const i = entry.items.findIndex(x => this.refs.get(x.d)?.runId === runId && sameFinding(x.finding, f));
      if (i < 0) continue;
      const [item] = entry.items.splice(i, 1);
      this.publish(entry.uri);
      return item;
    }
    return undefined;
  }

  /**
   * A symptom the cause explains: listed under the cause's diagnostic (related information, at the symptom's line when
   * it has one), and kept with the finding for the fixes' "try it" runs.
   */
  private explain(runId: string, e: ExplainedEvent): void {
    for (const entry of this.byFile.values()) {
      const item = entry.items.find(i => this.refs.get(i.d)?.runId === runId && sameFinding(i.finding, e.cause));
      if (!item) continue;
      const findings = [item.finding];
      item.finding = foldExplained(findings, e) ?? item.finding;
      const ref = this.refs.get(item.d);
      if (ref) ref.finding = item.finding;
      item.d.relatedInformation = (item.finding.explains ?? []).map(symptom => {
        const at = symptom.location;
        const where = at
          ? new vscode.Location(vscode.Uri.file(at.file), position(at))
          : new vscode.Location(entry.uri, item.d.range);
        const epoch = symptom.epoch !== undefined ? ` (epoch ${symptom.epoch + 1})` : '';
        return new vscode.DiagnosticRelatedInformation(where, `Explains ${symptom.code}${epoch}: ${symptom.message}`);
      });
      this.publish(entry.uri);
      return;
    }
  }

  /** Shows a file's findings, leaving out the static ones lint already shows on the same line (or that are off). */
  private publish(uri: vscode.Uri): void {
    const items = this.byFile.get(uri.toString())?.items ?? [];
    // a guideline code the user switched off for lint (trainingLens.lint.rules) stays off for the run's check too
    const rules =
      vscode.workspace.getConfiguration('trainingLens', uri).get<Record<string, string>>('lint.rules') ?? {};
    const shown = withoutLintDuplicates(
      items.map(i => i.finding),
      lintMarksOf,
    ).filter(f => f.source !== 'static' || rules[f.code] !== 'off');
    const diags = items.filter(i => shown.includes(i.finding)).map(i => i.d);
    if (diags.length) this.collection.set(uri, diags);
    else this.collection.delete(uri);
  }

  private clearJob(jobFile: string): void {
    for (const u of this.byJob.get(jobFile) ?? []) {
      this.byFile.delete(u);
      this.collection.delete(vscode.Uri.parse(u));
    }
    this.byJob.delete(jobFile);
  }

  dispose(): void {
    this.disposables.forEach(d => d.dispose());
  }
}

function sameFinding(f: Finding, other: { code: string; layer?: string }): boolean {
  return findingKey(f) === findingKey(other);
}

/** The open document's text (unsaved edits included), else the file on disk. */
export function readText(file: string): string | undefined {
  const doc = vscode.workspace.textDocuments.find(d => d.uri.fsPath === file);
  if (doc) return doc.getText();
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
