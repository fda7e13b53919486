/**
 * "Training Lens: Sweep": random search over the hyper-parameters the job declares with `hparams(defaults, space)`.
 * Asks for the number of trials and the epochs each may train, then runs the trials through the RunManager, so
 * each one is an ordinary run (Runs view, dashboard, status bar), a few at a time, and shows the Sweep panel.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { readSweepSpace, SpaceError, type SweepSpace } from '../src/sweep/space';
import { Sweep } from '../src/sweep/sweep';
import { readSweepRecord } from '../src/sweep/record';
import type { SweepRecord } from '../src/protocol';
import type { SchedulerKind } from '../src/sweep/scheduler';
import { trialLabel } from '../src/sweep/table';
import { formatDimension } from '../src/protocol/format';
import { isTrainingJob } from '../src/analysis/jobs';
import { SweepPanel } from './sweepPanel';
import { findJobFiles } from './jobs';
import { openSource, type Dashboard } from './dashboard';
import type { RunManager } from './runManager';

export const SWEEP_COMMAND = 'trainingLens.sweep';
const DEFAULT_TRIALS = 8;
const DEFAULT_EPOCHS = 3;
const SCHEDULER_ITEMS: Array<{
  label: string;
  scheduler: SchedulerKind;
  description: (budget: number) => string;
  detail: string;
}> = [
  {
    label: 'Random search',
    scheduler: 'none',
    description: () => 'every trial trains all its epochs',
    detail: 'every trial trains all its epochs (and folds)',
  },
  {
    label: 'Hyperband',
    scheduler: 'hyperband',
    description: b => `stop the worst trials early; ${b} epochs in all`,
    detail: 'successive halving in brackets from 1 epoch (η 3): more trials for the same epochs',
  },
  {
    label: 'ASHA',
    scheduler: 'asha',
    description: b => `stop the worst trials from epoch 1; ${b} epochs in all`,
    detail: 'asynchronous successive halving, the most aggressive bracket only',
  },
];

export interface SweepDeps {
  runs: RunManager;
  dashboard: Dashboard;
  output: vscode.LogOutputChannel;
  /** the Train command's trust check: job files are code */
  checkTrust(): boolean;
}

export const SWEEP_LENS_PREFIX = '▶ Sweep';

export function registerSweep(context: vscode.ExtensionContext, deps: SweepDeps): SweepPanel {
  const panel = new SweepPanel(context, deps.runs, deps.dashboard, deps.output);
  panel.onContinue = file => continueSweep(file, panel, deps);
  context.subscriptions.push(
    panel,
    vscode.commands.registerCommand(SWEEP_COMMAND, (uri?: unknown) =>
      runSweepCommand(uri instanceof vscode.Uri ? uri : undefined, panel, deps),
    ),
    vscode.languages.registerCodeLensProvider(
      [
        { language: 'typescript', scheme: 'file' },
        { language: 'javascript', scheme: 'file' },
      ],
      new SweepCodeLensProvider(),
    ),
  );
  return panel;
}

/** "▶ Sweep lr, weightDecay" above a usable `hparams(defaults, space)` call. Parse-only, like the Train lens. */
class SweepCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration('trainingLens', document.uri).get<boolean>('codeLens.sweep', true))
      return [];
    const text = document.getText();
    if (!text.includes('training-lens') || !/\bhparams\s*\(/.test(text)) return [];
    let space: SweepSpace;
    try {
      space = readSweepSpace(text, document.fileName);
    } catch {
      return []; // the Sweep command explains what is wrong, with the line
    }
    const range = new vscode.Range(space.line - 1, 0, space.line - 1, 0);
    return [
      new vscode.CodeLens(range, {
        title: `${SWEEP_LENS_PREFIX} ${Object.keys(space.space).join(', ')}`,
        command: SWEEP_COMMAND,
        arguments: [document.uri],
        tooltip:
          'Random search (log-uniform) over these hyper-parameters: each trial is a run; the Best-N table ranks them',
      }),
    ];
  }
}

/** The job's text as the editor has it; `save` first writes unsaved edits (the trials train the file on disk). */
async function textOf(uri: vscode.Uri, save = false): Promise<string> {
  const open = vscode.workspace.textDocuments.find(d => d.uri.toString() === uri.toString());
  if (save && open?.isDirty) await open.save();
  return open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

/** The job to sweep: the one given, else the active editor's job, else one picked from the workspace's jobs. */
async function pickJob(given: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  if (given) return given;
  const active = vscode.window.activeTextEditor?.document;
  if (active && active.uri.scheme === 'file' && isTrainingJob(active.getText(), active.uri.fsPath)) return active.uri;
  const jobs = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Training Lens: finding job files' },
    () => findJobFiles(),
  );
  if (jobs.length === 0) {
    void vscode.window.showInformationMessage(
      "Training Lens: no training job found to sweep. A job imports @tensorflow/tfjs, calls model.fit(...), and declares its search space with hparams() from 'training-lens'.",
    );
    return undefined;
  }
  const items = await Promise.all(
    jobs.map(async uri => {
      const declares = /\bhparams\s*\(/.test(await textOf(uri).catch(() => ''));
      return {
        label: vscode.workspace.asRelativePath(uri),
        description: declares ? 'declares hparams' : undefined,
        uri,
        declares,
      };
    }),
  );
  items.sort((a, b) => Number(b.declares) - Number(a.declares));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Training Lens: Sweep',
    placeHolder: 'Pick the job whose hyper-parameters to search',
  });
  return picked?.uri;
}

function askWhole(title: string, prompt: string, value: number, max: number): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title,
    prompt,
    value: String(value),
    validateInput: v =>
      /^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= max ? undefined : `A whole number from 1 to ${max}`,
  });
}

async function runSweepCommand(given: vscode.Uri | undefined, panel: SweepPanel, deps: SweepDeps): Promise<void> {
  if (!deps.checkTrust()) return;
  if (panel.active) {
    const choice = await vscode.window.showInformationMessage(
      'Training Lens: a sweep is already running.',
      'Show It',
      'Stop It',
    );
    if (choice === 'Show It') panel.reveal();
    if (choice === 'Stop It') panel.active?.stop();
    return;
  }
  const uri = await pickJob(given);
  if (!uri) return;
  if (uri.scheme !== 'file') {
    void vscode.window.showErrorMessage('Training Lens can only sweep files on disk.');
    return;
  }
  const jobFile = uri.fsPath;
  let space: SweepSpace;
  try {
    space = readSweepSpace(await textOf(uri, true), jobFile);
  } catch (e) {
    if (!(e instanceof SpaceError)) throw e;
    const choice = await vscode.window.showErrorMessage(
      `Training Lens: cannot sweep ${path.basename(jobFile)}:${e.line}: ${e.reason}`,
      'Open File',
    );
    if (choice) await openSource(e.file, e.line, e.column);
    return;
  }
  const names = Object.keys(space.space);
  const ranges = names.map(n => `${n} ${formatDimension(space.space[n])}`).join(', ');
  const trialsText = await askWhole(
    'Training Lens: Sweep (1/4)',
    `How many trials? Each samples ${ranges}.`,
    DEFAULT_TRIALS,
    1000,
  );
  if (trialsText === undefined) return;
  const epochsText = await askWhole(
    'Training Lens: Sweep (2/4)',
    'Epochs per trial (a short budget ranks the candidates quickly).',
    DEFAULT_EPOCHS,
    100000,
  );
  if (epochsText === undefined) return;
  const trials = Number(trialsText),
    epochs = Number(epochsText);
  const picked = await vscode.window.showQuickPick(
    SCHEDULER_ITEMS.map(i => ({ ...i, description: i.description(trials * epochs) })),
    { title: 'Training Lens: Sweep (3/4)', placeHolder: 'Early stopping of trials' },
  );
  if (!picked) return;
  const cvText = await askWhole(
    'Training Lens: Sweep (4/4)',
    'Cross-validation folds K (1: none; K: each trial trains K runs, the job takes its fold with cvSplit()).',
    1,
    20,
  );
  if (cvText === undefined) return;
  const cv = Number(cvText) > 1 ? Number(cvText) : undefined;

  const runsDir = deps.runs.runsDirFor(jobFile);
  const sweep = new Sweep({
    jobFile,
    sweepsDir: path.join(path.dirname(runsDir), 'sweeps'),
    epochs,
    space,
    cv,
    ...(picked.scheduler === 'none'
      ? { trials }
      : { budget: trials * epochs * (cv ?? 1), scheduler: { kind: picked.scheduler } }),
    launch: t =>
      deps.runs.start(jobFile, undefined, {
        ...t,
        label: trialLabel(t.sweep.trial, picked.scheduler === 'none' ? trials : undefined, t.hparams),
      }).handle,
    onWriteError: message => {
      deps.output.error(`Sweep: ${message}`);
      void vscode.window.showErrorMessage(
        `Training Lens: ${message}. The trials go on; their runs are saved as usual.`,
      );
    },
  });
  deps.output.info(
    `Sweep ${sweep.id}: ${trials} trials of ${jobFile}, ${epochs} epochs each, ${sweep.snapshot.concurrency} at a time, seed ${sweep.snapshot.seed}`,
  );
  follow(sweep, panel, deps);
}

/** Shows a sweep in the panel, starts it, and reports its end (one notification for all failed trials). */
function follow(sweep: Sweep, panel: SweepPanel, deps: SweepDeps): void {
  const names = Object.keys(sweep.snapshot.space);
  panel.show(sweep);
  sweep.start();
  void sweep.done.then(r => {
    const best = r.trials.find(t => t.rank === 1);
    deps.output.info(
      `Sweep ${r.id} ${r.status}: ${best && r.metric ? `Best-1 ${r.metric.name} ${best.metric?.value} (${names.map(n => `${n} ${best.hparams[n]}`).join(', ')})` : 'no trial finished with a score'}`,
    );
    // Failed trials raise no notification each (a bad range could fail most of them): one summary, here.
    const failed = r.trials.filter(t => t.status === 'error');
    if (failed.length === 0) return;
    const first = failed[0].error;
    const loc = first?.file && first.line ? { file: first.file, line: first.line } : undefined;
    void vscode.window
      .showWarningMessage(
        `Training Lens: ${failed.length} of ${r.trials.length} sweep trials failed${first ? ` (first: ${first.message}${loc ? ` — ${path.basename(loc.file)}:${loc.line}` : ''})` : ''}.`,
        'Show Sweep',
        ...(loc ? ['Open File'] : []),
      )
      .then(choice => {
        if (choice === 'Show Sweep') panel.reveal();
        if (choice === 'Open File' && loc) void openSource(loc.file, loc.line);
      });
  });
}

/** The panel's Continue: the same sweep from its record; the same seed gives the trials it had not finished. */
function continueSweep(file: string, panel: SweepPanel, deps: SweepDeps): void {
  if (panel.active) {
    void vscode.window.showInformationMessage('Training Lens: a sweep is already running.');
    return;
  }
  let record: SweepRecord;
  try {
    record = readSweepRecord(file);
  } catch (e) {
    void vscode.window.showErrorMessage(`Training Lens: cannot continue the sweep: ${(e as Error).message}`);
    return;
  }
  if (record.status === 'done') {
    void vscode.window.showInformationMessage('Training Lens: this sweep is done; nothing to continue.');
    return;
  }
  const jobFile = record.jobFile;
  const trials = record.scheduler ? undefined : record.trials.length;
  const sweep = new Sweep({
    jobFile,
    sweepsDir: path.dirname(file),
    epochs: record.epochs,
    seed: record.seed,
    cv: record.cv,
    metric: record.requestedMetric,
    ...(record.scheduler ? { budget: record.budget, scheduler: record.scheduler } : { trials }),
    space: { file: jobFile, line: 1, defaults: record.defaults, space: record.space },
    resumeFrom: record,
    launch: t =>
      deps.runs.start(jobFile, undefined, { ...t, label: trialLabel(t.sweep.trial, trials, t.hparams) }).handle,
    onWriteError: message => deps.output.error(`Sweep: ${message}`),
  });
  deps.output.info(`Sweep ${sweep.id}: continuing from ${file} (seed ${record.seed})`);
  follow(sweep, panel, deps);
}
