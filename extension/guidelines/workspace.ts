/** "Lint Workspace": the guideline findings of every tfjs file in the workspace, open or not, in the Problems panel. */
import * as vscode from 'vscode';
import { analyzeText } from '../../src/guidelines/lint';
import { mentionsTfjs } from '../../src/analysis/parse';
import type { GuidelineAnalyses } from './analyses';
import type { GuidelineDiagnostics } from './diagnostics';

export const LINT_WORKSPACE_COMMAND = 'trainingLens.lintWorkspace';
const MAX_FILES = 5000;

export async function lintWorkspace(analyses: GuidelineAnalyses, diagnostics: GuidelineDiagnostics): Promise<void> {
  const uris = await vscode.workspace.findFiles(
    '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}',
    '{**/node_modules/**,**/dist/**,**/.git/**}',
    MAX_FILES,
  );
  let files = 0,
    findings = 0;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Training Lens: linting model code' },
    async () => {
      for (const uri of uris) {
        const open = vscode.workspace.textDocuments.find(d => d.uri.toString() === uri.toString());
        if (open) {
          diagnostics.update(open);
          if (!analyses.isCandidate(open)) continue;
          const result = analyses.of(open);
          if (result.sketch?.importsTfjs) files++;
          findings += result.findings.length;
          continue;
        }
        const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
        if (!mentionsTfjs(text)) continue;
        const settings = analyses.settingsFor(uri);
        if (!settings.enabled) continue;
        const result = analyzeText(text, uri.fsPath, settings.lint);
        if (!result.sketch?.importsTfjs) continue;
        files++;
        findings += result.findings.length;
        diagnostics.setFor(uri, result.findings);
      }
    },
  );
  void vscode.window.showInformationMessage(
    `Training Lens: ${findings} guideline finding${findings === 1 ? '' : 's'} in ${files} tfjs file${files === 1 ? '' : 's'}.`,
  );
}
