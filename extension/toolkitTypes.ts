/**
 * "Training Lens: Add Toolkit Types": writes the types of `import ... from 'training-lens'` into the workspace
 * (node_modules/training-lens, see src/toolkit/typesPackage.ts) so the TypeScript server knows the module.
 * Writing a few .d.ts files runs no code: allowed in Restricted Mode too.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { installToolkitTypes } from '../src/toolkit/typesPackage';

export const ADD_TOOLKIT_TYPES_COMMAND = 'trainingLens.addToolkitTypes';

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  const own = active && vscode.workspace.getWorkspaceFolder(active);
  if (own) return own;
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Workspace folder to add the training-lens types to' });
}

/**
 * Quick fix on the TypeScript server's own "Cannot find module 'training-lens'" (TS2307/TS7016, also in JS files
 * with checkJs): where the user meets the missing types, offer the command that adds them.
 */
export class MissingToolkitTypesFix implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(
    _doc: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const missing = context.diagnostics.filter(isMissingToolkitModule);
    if (missing.length === 0) return [];
    const fix = new vscode.CodeAction(
      'Add Training Lens toolkit types (node_modules/training-lens)',
      vscode.CodeActionKind.QuickFix,
    );
    fix.command = { command: ADD_TOOLKIT_TYPES_COMMAND, title: 'Add Toolkit Types' };
    fix.diagnostics = missing;
    fix.isPreferred = true;
    return [fix];
  }
}

/** TypeScript's "Cannot find module" (TS2307) or "no declaration file" (TS7016) for a module the pattern names. */
export function isMissingModule(d: Pick<vscode.Diagnostic, 'code' | 'message'>, module: RegExp): boolean {
  const code = typeof d.code === 'object' ? d.code.value : d.code;
  return (code === 2307 || code === 7016 || code === '2307' || code === '7016') && module.test(d.message);
}

export function isMissingToolkitModule(d: Pick<vscode.Diagnostic, 'code' | 'message'>): boolean {
  return isMissingModule(d, /['"]training-lens['"]/);
}

export function registerToolkitTypes(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): void {
  const languages = ['typescript', 'javascript', 'typescriptreact', 'javascriptreact'].map(language => ({ language }));
  context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider(languages, new MissingToolkitTypesFix(), {
      providedCodeActionKinds: MissingToolkitTypesFix.kinds,
    }),
  );
  context.subscriptions.push(
    vscode.commands.registerCommand(ADD_TOOLKIT_TYPES_COMMAND, async () => {
      const folder = await pickFolder();
      if (!folder) {
        void vscode.window.showWarningMessage(
          'Training Lens: open a folder first; the toolkit types go into its node_modules.',
        );
        return undefined;
      }
      try {
        const result = installToolkitTypes(
          path.join(context.extensionPath, 'dist', 'toolkit-types'),
          folder.uri.fsPath,
        );
        output.info(
          `toolkit types: ${result.replaced ? 'updated' : 'wrote'} ${result.files.length} files in ${result.dir}`,
        );
        // the TS server may have cached "cannot find module 'training-lens'"
        await vscode.commands.executeCommand('typescript.restartTsServer').then(undefined, () => undefined);
        void vscode.window.showInformationMessage(
          `Training Lens: types for 'training-lens' are in ${path.relative(folder.uri.fsPath, result.dir)} (run this again if npm install removes them).`,
        );
        return result.dir;
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        output.error(`toolkit types: ${message}`);
        void vscode.window.showErrorMessage(`Training Lens: ${message}`);
        return undefined;
      }
    }),
  );
}
