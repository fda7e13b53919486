/**
 * The guideline features in the editor: Problems-panel diagnostics, code lenses, hovers and quick fixes for tfjs
 * model code. Parse-only (no code runs), so all of it works in Restricted Mode.
 * The one entry point: `registerGuidelineFeatures(context)`, called from activate().
 */
import * as vscode from 'vscode';
import { GuidelineAnalyses, GUIDELINE_SELECTOR } from './analyses';
import { GuidelineDiagnostics } from './diagnostics';
import {
  GuidelineCodeLenses,
  GuidelineHovers,
  GuidelineQuickFixes,
  APPLY_FIX_COMMAND,
  applyFixCommand,
} from './providers';
import { lintWorkspace, LINT_WORKSPACE_COMMAND } from './workspace';

export function registerGuidelineFeatures(context: vscode.ExtensionContext): void {
  const analyses = new GuidelineAnalyses();
  const diagnostics = new GuidelineDiagnostics(analyses);
  const lenses = new GuidelineCodeLenses(analyses);
  context.subscriptions.push(
    diagnostics,
    vscode.languages.registerCodeLensProvider(GUIDELINE_SELECTOR, lenses),
    vscode.languages.registerHoverProvider(GUIDELINE_SELECTOR, new GuidelineHovers(analyses)),
    vscode.languages.registerCodeActionsProvider(
      GUIDELINE_SELECTOR,
      new GuidelineQuickFixes(analyses),
      GuidelineQuickFixes.metadata,
    ),
    vscode.commands.registerCommand(APPLY_FIX_COMMAND, applyFixCommand),
    vscode.commands.registerCommand(LINT_WORKSPACE_COMMAND, () => lintWorkspace(analyses, diagnostics)),
    vscode.workspace.onDidChangeConfiguration(e => {
      if (!e.affectsConfiguration('trainingLens.lint') && !e.affectsConfiguration('trainingLens.codeLens')) return;
      analyses.settingsChanged();
      diagnostics.refreshAll();
      lenses.refresh();
    }),
    { dispose: () => analyses.clear() },
  );
}
