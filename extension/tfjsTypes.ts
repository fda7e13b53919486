/**
 * Types without an install: job files import '@tensorflow/tfjs', which the runner provides, but the editor finds
 * no types for it in a workspace that never ran `npm install`. "Training Lens: Add tfjs Types" copies a
 * types-only tfjs (src/toolkit/tfjsTypes.ts) and the toolkit's types into the workspace's node_modules; it is
 * offered once per folder when an open job's tfjs import does not resolve (a notification with one button), as a
 * quick fix on TypeScript's "Cannot find module '@tensorflow/tfjs'", and refreshed when the extension's version
 * changes. Writing .d.ts files runs no code: allowed in Restricted Mode too.
 */
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tfjsTypesState } from '../src/toolkit/tfjsTypes';
import { importsTfjs, resolveTfjsFrom } from '../src/toolkit/tfjsResolve';
import { installEditorTypes, type TypesLocation } from '../src/templates/editorTypes';
import { isMissingModule } from './toolkitTypes';

export const ADD_TFJS_TYPES_COMMAND = 'trainingLens.addTfjsTypes';
const LANGUAGES = ['typescript', 'javascript', 'typescriptreact', 'javascriptreact'];

export function typesOf(context: vscode.ExtensionContext): TypesLocation {
  const dist = path.join(context.extensionPath, 'dist');
  return {
    tfjsTypes: path.join(dist, 'tfjs-types'),
    toolkitTypes: path.join(dist, 'toolkit-types'),
    version: String((context.extension.packageJSON as { version?: unknown }).version ?? '0.0.0'),
  };
}

/** Installs the types into a folder and restarts the TS server (it caches "cannot find module"). */
export async function addEditorTypes(
  context: vscode.ExtensionContext,
  output: vscode.LogOutputChannel,
  folder: string,
): Promise<string[]> {
  const notes = installEditorTypes(typesOf(context), folder);
  for (const note of notes) output.info(`editor types: ${note}`);
  await vscode.commands.executeCommand('typescript.restartTsServer').then(undefined, () => undefined);
  return notes;
}

export function isMissingTfjsModule(d: Pick<vscode.Diagnostic, 'code' | 'message'>): boolean {
  return isMissingModule(d, /['"]@tensorflow\/tfjs(?:-[a-z-]+)?['"]/);
}

class MissingTfjsTypesFix implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];
  provideCodeActions(
    doc: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const missing = context.diagnostics.filter(isMissingTfjsModule);
    if (missing.length === 0) return [];
    const fix = new vscode.CodeAction(
      'Add types-only @tensorflow/tfjs (Training Lens; no npm install)',
      vscode.CodeActionKind.QuickFix,
    );
    fix.command = { command: ADD_TFJS_TYPES_COMMAND, title: 'Add tfjs Types', arguments: [doc.uri] };
    fix.diagnostics = missing;
    fix.isPreferred = true;
    return [fix];
  }
}

function folderOf(uri: vscode.Uri | undefined): vscode.WorkspaceFolder | undefined {
  return (uri && vscode.workspace.getWorkspaceFolder(uri)) ?? vscode.workspace.workspaceFolders?.[0];
}

export function registerTfjsTypes(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): void {
  const types = typesOf(context);
  const offered = new Set<string>();

  const add = async (uri?: vscode.Uri): Promise<string | undefined> => {
    const folder = folderOf(uri ?? vscode.window.activeTextEditor?.document.uri);
    if (!folder || folder.uri.scheme !== 'file') {
      void vscode.window.showWarningMessage('Training Lens: open a folder first; the types go into its node_modules.');
      return undefined;
    }
    try {
      const notes = await addEditorTypes(context, output, folder.uri.fsPath);
      void vscode.window.showInformationMessage(
        `Training Lens: job files now type-check against tfjs ${tfjsVersion(types)} and the toolkit (types only, in node_modules; your package.json is untouched). ${notes.find(n => n.startsWith('kept')) ?? ''}`.trim(),
      );
      return folder.uri.fsPath;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      output.error(`editor types: ${message}`);
      void vscode.window.showErrorMessage(`Training Lens: ${message}`);
      return undefined;
    }
  };

  /** A job whose tfjs import resolves nowhere: offer the types once per folder and session. */
  const offer = (doc: vscode.TextDocument) => {
    if (doc.uri.scheme !== 'file' || !LANGUAGES.includes(doc.languageId)) return;
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
    if (!folder || offered.has(folder.uri.fsPath)) return;
    if (!importsTfjs(doc.getText()) || resolveTfjsFrom(doc.uri.fsPath)) return;
    offered.add(folder.uri.fsPath);
    void vscode.window
      .showInformationMessage(
        "Training Lens: '@tensorflow/tfjs' has no types in this folder (the runner brings its own tfjs, so training works). Add types-only copies to node_modules for completion and type errors? Your package.json is not touched.",
        'Add tfjs Types',
      )
      .then(pick => (pick ? add(doc.uri) : undefined));
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(ADD_TFJS_TYPES_COMMAND, (uri?: vscode.Uri) => add(uri)),
    vscode.languages.registerCodeActionsProvider(
      LANGUAGES.map(language => ({ language })),
      new MissingTfjsTypesFix(),
      { providedCodeActionKinds: MissingTfjsTypesFix.kinds },
    ),
    vscode.workspace.onDidOpenTextDocument(offer),
    vscode.window.onDidChangeActiveTextEditor(e => e && offer(e.document)),
  );
  for (const doc of vscode.workspace.textDocuments) offer(doc);
  void refreshStale(context, output, types);
}

/** After an extension update: a folder with our copy from another version gets the current one, silently. */
async function refreshStale(
  context: vscode.ExtensionContext,
  output: vscode.LogOutputChannel,
  types: TypesLocation,
): Promise<void> {
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file' || tfjsTypesState(folder.uri.fsPath, types.version) !== 'types-stale') continue;
    try {
      output.info(`editor types: refreshing ${folder.name} to version ${types.version}`);
      await addEditorTypes(context, output, folder.uri.fsPath);
    } catch (e) {
      output.error(`editor types: ${(e as Error).message}`);
    }
  }
}

function tfjsVersion(types: TypesLocation): string {
  try {
    const manifest = path.join(types.tfjsTypes, '@tensorflow', 'tfjs', 'package.json');
    return String((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version?: unknown }).version ?? '');
  } catch {
    return '';
  }
}
