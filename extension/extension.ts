/**
 * Training Lens: thin glue between VS Code and the core in src/. Training runs in a child process (never in the
 * extension host) and only in trusted workspaces; code lenses are parse-only and work in Restricted Mode.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { RunManager, infoFromRecord } from './runManager';
import { RunStatusBar } from './statusBar';
import { Dashboard, openSource } from './dashboard';
import { registerLogdirs } from './logdirs';
import { TrainCodeLensProvider } from './codeLens';
import { findJobFiles } from './jobs';
import { RuntimeFindings, TRY_FIX_COMMAND, readText, type RuntimeFindingRef } from './runtimeFindings';
import { applyEdits } from '../src/guidelines/edits';
import { registerGuidelineFeatures } from './guidelines';
import { registerNativeBackend } from './native';
import { RunsView } from './runsView';
import { registerSweep } from './sweep';
import { registerPlayground } from './playground';
import { registerToolkitTypes } from './toolkitTypes';
import { registerTfjsTypes } from './tfjsTypes';
import { registerNewJob } from './newJob';
import type { HostToWebview } from '../src/protocol';

const JOB_SELECTOR: vscode.DocumentSelector = [
  { language: 'typescript', scheme: 'file' },
  { language: 'javascript', scheme: 'file' },
];

/** What the extension returns from activate: used by the API-level test suite. */
export interface TrainingLensApi {
  dashboard: { onDidPostMessage: vscode.Event<HostToWebview> };
}

export function activate(context: vscode.ExtensionContext): TrainingLensApi {
  const output = vscode.window.createOutputChannel('Training Lens', { log: true });
  const runs = new RunManager(context.extensionPath, output);
  const dashboard = new Dashboard(context, runs, output);
  const lenses = new TrainCodeLensProvider();
  const runtimeFindings = new RuntimeFindings(runs);
  context.subscriptions.push(
    output,
    runs,
    dashboard,
    new RunStatusBar(runs),
    runtimeFindings,
    new RunsView(runs, dashboard),
  );
  registerNativeBackend(context, output); // "Set Up Native Backend"; runs use a verified build from then on
  registerGuidelineFeatures(context); // parse-only: lenses, hovers, lint and quick fixes work in Restricted Mode
  registerSweep(context, { runs, dashboard, output, checkTrust }); // Sweep: random search, each trial a normal run
  registerPlayground(context, output); // Compare Optimizers: paths computed in a child process, no job code runs
  registerToolkitTypes(context, output); // Add Toolkit Types: editor types of `import ... from 'training-lens'`
  registerTfjsTypes(context, output); // types-only tfjs: offered when a job's tfjs import does not resolve
  registerNewJob(context, output); // New Training Job: a job from a template, its sample data and the types
  registerLogdirs(context, runs, dashboard, output); // Open TensorBoard Logdir; logdir runs in the Runs view

  context.subscriptions.push(
    vscode.languages.registerCodeLensProvider(JOB_SELECTOR, lenses),
    vscode.workspace.onDidChangeConfiguration(e => {
      if (e.affectsConfiguration('trainingLens')) lenses.refresh();
    }),
    vscode.commands.registerCommand('trainingLens.train', async () => {
      if (!checkTrust()) return;
      const jobs = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Training Lens: finding job files' },
        () => findJobFiles(),
      );
      if (jobs.length === 0) {
        const pick = await vscode.window.showInformationMessage(
          'No training job found: a job is a .ts/.js file that imports @tensorflow/tfjs and calls model.fit(...) or model.fitDataset(...).',
          'Train Current File',
        );
        if (pick && vscode.window.activeTextEditor) await train(vscode.window.activeTextEditor.document.uri);
        return;
      }
      const active = vscode.window.activeTextEditor?.document.uri.toString();
      const items = jobs.map(uri => ({
        label: vscode.workspace.asRelativePath(uri),
        description: uri.toString() === active ? 'current file' : undefined,
        uri,
      }));
      items.sort((a, b) => Number(!!b.description) - Number(!!a.description));
      const picked = await vscode.window.showQuickPick(items, {
        title: 'Training Lens: Train',
        placeHolder: 'Pick the job file to train',
      });
      if (picked) await train(picked.uri);
    }),
    vscode.commands.registerCommand('trainingLens.trainFile', async (uri?: vscode.Uri) => {
      if (!checkTrust()) return;
      const target = uri ?? vscode.window.activeTextEditor?.document.uri;
      if (!target) {
        void vscode.window.showErrorMessage('Training Lens: open a job file first.');
        return;
      }
      await train(target);
    }),
    vscode.commands.registerCommand('trainingLens.stop', () => {
      if (!runs.stop()) void vscode.window.showInformationMessage('Training Lens: no training is running.');
    }),
    vscode.commands.registerCommand('trainingLens.openDashboard', async () => {
      const live = runs.liveRuns;
      if (live.length > 0) {
        dashboard.show(live.map(r => ({ info: r.info, runDir: r.handle.runDir })));
        return;
      }
      const saved = (await runs.savedRuns()).filter(r => r.status !== 'damaged');
      if (saved.length === 0) {
        void vscode.window.showInformationMessage(
          'Training Lens: no saved runs in this workspace yet. Train a job first.',
        );
        return;
      }
      const picked = await vscode.window.showQuickPick(
        saved.map(r => {
          const info = infoFromRecord(r);
          return {
            label: `${info.label} · ${r.status}`,
            description: r.finalLoss != null ? `loss ${r.finalLoss.toFixed(4)}` : undefined,
            detail: `${vscode.workspace.asRelativePath(r.jobFile)} · ${r.steps} steps${r.backend ? ' · ' + r.backend : ''}`,
            info,
            runDir: r.dir,
          };
        }),
        { title: 'Training Lens: Open Dashboard', placeHolder: 'Pick a saved run', matchOnDetail: true },
      );
      if (picked) dashboard.show([{ info: picked.info, runDir: picked.runDir }]);
    }),
    vscode.commands.registerCommand(TRY_FIX_COMMAND, async (ref?: RuntimeFindingRef, index?: number) => {
      if (!checkTrust()) return;
      let fixIndex = index ?? 0;
      if (!ref) {
        // One row per distinct fix of a run: findings on several layers often share the same remedy.
        const seen = new Set<string>();
        const items = runtimeFindings
          .withFixes()
          .flatMap(r =>
            (r.finding.fixes ?? []).map((fix, i) => ({
              label: fix.title,
              description: r.finding.code,
              detail: r.finding.message,
              ref: r,
              i,
              key: `${r.runId}|${fix.title}|${JSON.stringify(fix.edits)}`,
            })),
          )
          .filter(item => !seen.has(item.key) && !!seen.add(item.key));
        if (items.length === 0) {
          void vscode.window.showInformationMessage(
            'Training Lens: no runtime finding with a fix to try. Train a job first.',
          );
          return;
        }
        const picked = await vscode.window.showQuickPick(items, {
          title: 'Training Lens: Try the Fix',
          placeHolder: 'Train a patched copy of the job and compare it with the run that raised the finding',
        });
        if (!picked) return;
        ref = picked.ref;
        fixIndex = picked.i;
      }
      const fix = ref.finding.fixes?.[fixIndex];
      if (!fix) return;
      // Patch copies in memory, per file; the files on disk and in the editor stay as they are.
      const files: Record<string, string> = {};
      for (const file of new Set(fix.edits.map(e => e.file))) {
        const text = readText(file);
        if (text === undefined) {
          void vscode.window.showErrorMessage(`Training Lens: cannot read ${file}`);
          return;
        }
        files[file] = applyEdits(
          text,
          fix.edits.filter(e => e.file === file),
        );
      }
      const original = runs.infoOf(ref.runId);
      const run = runs.start(ref.jobFile, { files, of: ref.runId, title: fix.title });
      const shown = original ? [{ info: original, runDir: runs.runDirOf(ref.runId) }] : [];
      dashboard.show([...shown, { info: run.info, runDir: run.handle.runDir }]);
    }),
    runs.onRunInfo(info => {
      if (info.status !== 'error' || runs.isSweepTrial(info.runId)) return; // a sweep's panel lists its failed trials
      const end = runs.eventsOf(info.runId).find(e => e.kind === 'run-end');
      const error = end?.kind === 'run-end' ? end.error : undefined;
      const loc = error?.location;
      const where = loc ? ` — ${path.basename(loc.file)}:${loc.line}` : '';
      void vscode.window
        .showErrorMessage(
          `Training failed: ${error?.message ?? 'unknown error'}${where}`,
          ...(loc ? ['Open File'] : []),
          'Show Log',
        )
        .then(choice => {
          if (choice === 'Open File' && loc) void openSource(loc.file, loc.line, loc.column);
          if (choice === 'Show Log') output.show(true);
        });
    }),
  );

  return { dashboard: { onDidPostMessage: dashboard.onDidPostMessage } };

  async function train(uri: vscode.Uri): Promise<void> {
    if (uri.scheme !== 'file') {
      void vscode.window.showErrorMessage('Training Lens can only train files on disk.');
      return;
    }
    const doc = vscode.workspace.textDocuments.find(d => d.uri.toString() === uri.toString());
    if (doc?.isDirty) await doc.save();
    const run = runs.start(uri.fsPath);
    dashboard.show([{ info: run.info, runDir: run.handle.runDir }]);
  }
}

/** Job files are code: never run them in a workspace the user has not trusted. */
function checkTrust(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window
    .showErrorMessage(
      "Training Lens cannot train in Restricted Mode: training runs the job file's code. Trust this workspace to train; code lenses keep working meanwhile.",
      'Manage Workspace Trust',
    )
    .then(choice => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  return false;
}

export function deactivate(): void {
  /* disposables in context.subscriptions stop live runs */
}
