/**
 * "Training Lens: Set Up Native Backend": builds tfjs-node against the TensorFlow of a Python the user already has
 * (src/native/setup.ts) into the extension's global storage, never into the workspace. Once a verified build
 * exists, runs use it: the runner reads TRAINING_LENS_NATIVE_DIR, which run children inherit from this process.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import {
  setupNative,
  readMarker,
  pythonCandidates,
  NativeSetupError,
  NATIVE_DIR_ENV,
  TENSORFLOW_PIP,
} from '../src/native/setup';
import { workspaceFolderOf } from '../src/native/trust';

export const SETUP_NATIVE_COMMAND = 'trainingLens.setupNativeBackend';

/** The interpreter the Python extension has selected for the workspace, if it is installed and says. */
async function pythonExtensionInterpreter(): Promise<string | undefined> {
  try {
    const ext = vscode.extensions.getExtension('ms-python.python');
    if (!ext) return undefined;
    const api = (ext.isActive ? ext.exports : await ext.activate()) as {
      environments?: { getActiveEnvironmentPath?(resource?: vscode.Uri): { path?: string } };
      settings?: { getExecutionDetails?(resource?: vscode.Uri): { execCommand?: string[] } };
    };
    const resource = vscode.workspace.workspaceFolders?.[0]?.uri;
    return (
      api.environments?.getActiveEnvironmentPath?.(resource)?.path ??
      api.settings?.getExecutionDetails?.(resource)?.execCommand?.[0]
    );
  } catch {
    return undefined;
  }
}

export function registerNativeBackend(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): void {
  const dir = path.join(context.globalStorageUri.fsPath, 'native');
  const marker = readMarker(dir);
  if (marker) {
    process.env[NATIVE_DIR_ENV] = dir;
    output.info(`Native backend: TensorFlow ${marker.tensorflow} (built ${marker.builtAt}) in ${dir}`);
  }
  let running = false;

  async function setUp(installTensorflow: boolean): Promise<void> {
    if (running) {
      void vscode.window.showInformationMessage('Training Lens: the native backend is already being set up.');
      return;
    }
    // The build is loaded by every later run in every workspace: only a trusted workspace may make it.
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showErrorMessage(
        'Training Lens: Set Up Native Backend needs a trusted workspace: it runs a Python interpreter and builds a library that every later run loads.',
      );
      return;
    }
    running = true;
    const configured = vscode.workspace.getConfiguration('trainingLens').get<string>('pythonPath') || undefined;
    let pythons = pythonCandidates(configured, [await pythonExtensionInterpreter()]);
    const folders = (vscode.workspace.workspaceFolders ?? []).map(f => f.uri.fsPath);
    const local = pythons.filter(p => workspaceFolderOf(p, folders));
    if (local.length) {
      const use = 'Build with It';
      const choice = await vscode.window.showWarningMessage(
        `Training Lens: the Python interpreter ${local[0]} lies inside this workspace. The native backend built with it is loaded by every later run in every workspace. Build with it?`,
        { modal: true },
        use,
        'Skip It',
      );
      if (choice === undefined) {
        running = false;
        return;
      }
      if (choice !== use) pythons = pythons.filter(p => !local.includes(p));
    }
    output.info(`Set Up Native Backend: trying ${pythons.join(', ')}; building into ${dir}`);
    try {
      const result = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: 'Training Lens: native backend',
          cancellable: true,
        },
        (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          return setupNative({
            pythons,
            dir,
            installTensorflow,
            signal: abort.signal,
            progress: message => {
              output.info(message);
              progress.report({ message });
            },
          });
        },
      );
      process.env[NATIVE_DIR_ENV] = dir;
      void vscode.window.showInformationMessage(
        `Training Lens: native backend ready (TensorFlow ${result.marker.tensorflow} from ${result.marker.python}). New runs use it.`,
      );
    } catch (e) {
      if (!(e instanceof NativeSetupError)) {
        const msg = (e as Error)?.name === 'AbortError' ? 'cancelled' : String((e as Error)?.message ?? e);
        output.error(`Set Up Native Backend: ${msg}`);
        if (msg !== 'cancelled')
          void vscode.window
            .showErrorMessage(`Training Lens: native backend setup failed: ${msg}`, 'Show Log')
            .then(c => {
              if (c) output.show(true);
            });
        return;
      }
      output.error(`Set Up Native Backend (${e.problem}): ${e.message}`);
      if (e.detail) output.error(e.detail);
      const actions =
        e.problem === 'no-tensorflow' && !installTensorflow
          ? [`Install ${TENSORFLOW_PIP} (private environment)`, 'Show Log']
          : ['Show Log'];
      const choice = await vscode.window.showErrorMessage(
        `Training Lens: cannot set up the native backend. ${e.message} Runs keep using WebAssembly.`,
        ...actions,
      );
      if (choice === 'Show Log') output.show(true);
      else if (choice) {
        running = false;
        await setUp(true);
      }
    } finally {
      running = false;
    }
  }

  context.subscriptions.push(vscode.commands.registerCommand(SETUP_NATIVE_COMMAND, () => setUp(false)));
}
