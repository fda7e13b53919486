/** Code lenses, hovers and quick fixes over the cached analysis of each document. */
import * as vscode from 'vscode';
import type { Finding } from '../../src/protocol/events';
import { lensesFor } from '../../src/guidelines/lenses';
import { hoverAt } from '../../src/guidelines/hovers';
import { isPreferredFix } from '../../src/guidelines/rules';
import type { TextEdit } from '../../src/guidelines/edits';
import type { GuidelineAnalyses } from './analyses';
import { DIAGNOSTIC_SOURCE, findingRange, toWorkspaceEdit } from '../findings';

export const APPLY_FIX_COMMAND = 'trainingLens.guidelines.applyFix';

/** Lens click: apply a fix computed for a given document version (refused if the text moved on since). */
export async function applyFixCommand(uriText: string, version: number, edits: TextEdit[]): Promise<boolean> {
  const uri = vscode.Uri.parse(uriText);
  const doc = vscode.workspace.textDocuments.find(d => d.uri.toString() === uriText);
  if (!doc || doc.version !== version) {
    void vscode.window.showInformationMessage(
      'Training Lens: the file changed since this suggestion was computed; click the updated lens.',
    );
    return false;
  }
  return vscode.workspace.applyEdit(toWorkspaceEdit(edits, uri));
}

export class GuidelineCodeLenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly analyses: GuidelineAnalyses) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const settings = this.analyses.settingsFor(doc.uri);
    if (!settings.lenses || !this.analyses.isCandidate(doc)) return [];
    const { sketch } = this.analyses.of(doc);
    if (!sketch?.importsTfjs) return [];
    return lensesFor(sketch, { confirmations: settings.confirmations, settings: settings.lint }).map(lens => {
      const pos = new vscode.Position(lens.at.line - 1, (lens.at.column ?? 1) - 1);
      const command: vscode.Command = lens.fix
        ? {
            title: lens.title,
            tooltip: lens.tooltip,
            command: APPLY_FIX_COMMAND,
            arguments: [doc.uri.toString(), doc.version, lens.fix.edits],
          }
        : { title: lens.title, tooltip: lens.tooltip, command: '' };
      return new vscode.CodeLens(new vscode.Range(pos, pos), command);
    });
  }
}

export class GuidelineHovers implements vscode.HoverProvider {
  constructor(private readonly analyses: GuidelineAnalyses) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!this.analyses.isCandidate(doc)) return undefined;
    const { sketch } = this.analyses.of(doc);
    if (!sketch) return undefined;
    const info = hoverAt(sketch, doc.offsetAt(position));
    if (!info) return undefined;
    return new vscode.Hover(
      new vscode.MarkdownString(info.markdown),
      new vscode.Range(doc.positionAt(info.start), doc.positionAt(info.end)),
    );
  }
}

export class GuidelineQuickFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
  };

  constructor(private readonly analyses: GuidelineAnalyses) {}

  provideCodeActions(
    doc: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const ours = context.diagnostics.filter(d => d.source === DIAGNOSTIC_SOURCE && typeof d.code === 'string');
    if (!ours.length || !this.analyses.isCandidate(doc)) return [];
    const findings = this.analyses.withFixes(doc);
    const actions: vscode.CodeAction[] = [];
    for (const diag of ours) {
      const finding = findings.find(f => f.code === diag.code && f.range && findingRange(f).isEqual(diag.range));
      if (!finding?.fixes) continue;
      finding.fixes.forEach((_fix, i) => actions.push(this.action(doc, diag, finding, i)));
    }
    return actions;
  }

  private action(
    doc: vscode.TextDocument,
    diag: vscode.Diagnostic,
    finding: Finding,
    index: number,
  ): vscode.CodeAction {
    const fix = finding.fixes![index];
    const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
    action.diagnostics = [diag];
    action.edit = toWorkspaceEdit(fix.edits, doc.uri);
    action.isPreferred = isPreferredFix(finding, index);
    return action;
  }
}
