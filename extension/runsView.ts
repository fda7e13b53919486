/**
 * The "Runs" view in the Training Lens activity-bar container: saved and live runs of the workspace, newest first.
 * Select several and Compare to overlay them in the dashboard (one colour per run); rename; delete.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { renameRun, deleteRun, type RunRecord } from '../src/runs/store';
import { infoFromRecord, type RunManager } from './runManager';
import type { Dashboard } from './dashboard';
import { formatHparam } from '../src/protocol/format';
import { escapeMarkdown } from '../src/runs/markdown';
import { RunsExtras } from './runsExtras';

const STATUS_ICON: Record<RunRecord['status'], vscode.ThemeIcon> = {
  running: new vscode.ThemeIcon('loading~spin'),
  ok: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  error: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  cancelled: new vscode.ThemeIcon('circle-slash'),
  interrupted: new vscode.ThemeIcon('warning'),
  damaged: new vscode.ThemeIcon('close', new vscode.ThemeColor('problemsWarningIcon.foreground')),
};

/**
 * The tooltip: every text that comes from a run folder (job path, error message, names, ids, hyper-parameters) is
 * escaped, and the Markdown is untrusted (no command links), so a log cannot inject links or markup.
 */
export function runTooltip(run: RunRecord): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', false);
  md.isTrusted = false;
  md.supportHtml = false;
  const lines =
    run.status === 'damaged'
      ? [`**damaged run** — ${escapeMarkdown(run.problem ?? 'unreadable')}`, 'It cannot be shown; you can delete it.']
      : [
          `**${escapeMarkdown(path.basename(run.jobFile))}** — ${run.status}`,
          escapeMarkdown(
            `started ${new Date(run.startedAt).toLocaleString()}, ${run.steps} steps${run.backend ? ` on ${run.backend}` : ''}`,
          ),
          run.sweep
            ? escapeMarkdown(`sweep ${run.sweep.id}, trial ${run.sweep.trial + 1}: ${hparamText(run.sweep.hparams)}`)
            : '',
          run.error ? `error: ${escapeMarkdown(run.error.message)}` : '',
          run.tags?.length ? `tags: ${escapeMarkdown(run.tags.join(', '))}` : '',
          run.note ? `note: ${escapeMarkdown(run.note)}` : '',
          run.notesProblem ? `notes not read: ${escapeMarkdown(run.notesProblem)}` : '',
        ];
  md.appendMarkdown([...lines, `run ${escapeMarkdown(run.runId)}`].filter(Boolean).join('\n\n'));
  return md;
}

export class RunItem extends vscode.TreeItem {
  constructor(readonly run: RunRecord) {
    super(
      run.name ?? (run.status === 'damaged' ? run.runId : infoFromRecord(run).label),
      vscode.TreeItemCollapsibleState.None,
    );
    const loss = run.finalLoss != null ? ` · loss ${run.finalLoss.toPrecision(4)}` : '';
    const trial = run.sweep ? ` · trial ${run.sweep.trial + 1}: ${hparamText(run.sweep.hparams)}` : '';
    this.description =
      run.status === 'damaged'
        ? `damaged: ${run.problem ?? ''}`
        : `${run.tags?.length ? `[${run.tags.join(', ')}] ` : ''}${run.status}${loss}${run.variant ? ` · try: ${run.variant}` : ''}${trial}`;
    this.tooltip = runTooltip(run);
    this.iconPath = STATUS_ICON[run.status];
    this.contextValue = run.status === 'running' ? 'trainingLens.run.live' : 'trainingLens.run';
    this.id = run.runId;
    this.command = { command: 'trainingLens.compareRuns', title: 'Show in Dashboard', arguments: [this] };
  }
}

export class RunsView implements vscode.TreeDataProvider<RunItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<RunItem>;
  private readonly disposables: vscode.Disposable[] = [];
  /** filter, notes and tags, export (runsExtras.ts) */
  private readonly extras: RunsExtras;

  constructor(
    private readonly runs: RunManager,
    private readonly dashboard: Dashboard,
  ) {
    this.view = vscode.window.createTreeView('trainingLens.runs', {
      treeDataProvider: this,
      canSelectMany: true,
      showCollapseAll: false,
    });
    this.extras = new RunsExtras(this);
    this.disposables.push(
      this.extras,
      this.view,
      this.changed,
      runs.onRunInfo(() => this.refresh()),
      vscode.commands.registerCommand('trainingLens.runs.refresh', () => this.refresh()),
      vscode.commands.registerCommand('trainingLens.compareRuns', (item?: RunItem, selected?: RunItem[]) =>
        this.compare(item, selected),
      ),
      vscode.commands.registerCommand('trainingLens.runs.rename', (item?: RunItem) => this.rename(item)),
      vscode.commands.registerCommand('trainingLens.runs.delete', (item?: RunItem, selected?: RunItem[]) =>
        this.delete(item, selected),
      ),
    );
  }

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(item: RunItem): vscode.TreeItem {
    return item;
  }

  async getChildren(item?: RunItem): Promise<RunItem[]> {
    if (item) return [];
    const all = await this.runs.savedRuns();
    const saved = this.extras.apply(all);
    this.view.message = this.runs.listingProblems.length
      ? `Cannot list runs: ${this.runs.listingProblems.join('; ')}`
      : saved.length < all.length
        ? `${saved.length} of ${all.length} runs match the filter`
        : undefined;
    // live runs have no run-end yet: the manager knows they run
    const live = new Set(this.runs.liveRuns.map(r => r.handle.runId));
    const logdirs = (await this.runs.external?.records()) ?? []; // TensorBoard runs (extension/logdirs.ts)
    return [
      ...saved.map(r => new RunItem(live.has(r.runId) ? { ...r, status: 'running' } : r)),
      ...logdirs.map(r => Object.assign(new RunItem(r), { contextValue: 'trainingLens.logdirRun' })),
    ];
  }

  targets(item?: RunItem, selected?: RunItem[]): RunItem[] {
    if (selected?.length) return selected;
    if (item) return [item];
    return [...this.view.selection];
  }

  private async compare(item?: RunItem, selected?: RunItem[]): Promise<void> {
    let chosen = this.targets(item, selected).map(i => i.run);
    const damaged = chosen.filter(r => r.status === 'damaged');
    if (damaged.length) {
      void vscode.window.showWarningMessage(
        `Training Lens: ${damaged[0].runId} is damaged and cannot be shown (${damaged[0].problem ?? 'unreadable'}). You can delete it.`,
      );
      chosen = chosen.filter(r => r.status !== 'damaged');
      if (chosen.length === 0) return;
    }
    if (chosen.length === 0) {
      const picks = await vscode.window.showQuickPick(
        (await this.getChildren())
          .filter(i => i.run.status !== 'damaged')
          .map(i => ({ label: String(i.label), description: String(i.description ?? ''), run: i.run })),
        {
          title: 'Training Lens: Compare Runs',
          placeHolder: 'Pick the runs to overlay',
          canPickMany: true,
        },
      );
      if (!picks?.length) return;
      chosen = picks.map(p => p.run);
    }
    this.dashboard.show(
      chosen.map(r => ({ info: { ...infoFromRecord(r), label: r.name ?? infoFromRecord(r).label }, runDir: r.dir })),
    );
  }

  private async rename(item?: RunItem): Promise<void> {
    const target = this.targets(item, undefined)[0];
    if (!target) return;
    const name = await vscode.window.showInputBox({
      title: 'Rename Run',
      value: String(target.label),
      prompt: 'A name for this run (empty: back to the job and time)',
    });
    if (name === undefined) return;
    try {
      renameRun(target.run.dir, name, path.dirname(target.run.dir));
    } catch (e) {
      void vscode.window.showErrorMessage(`Training Lens: cannot rename the run. ${(e as Error).message}`);
    }
    this.refresh();
  }

  private async delete(item?: RunItem, selected?: RunItem[]): Promise<void> {
    const targets = this.targets(item, selected).filter(i => i.run.status !== 'running');
    if (targets.length === 0) return;
    const what = targets.length === 1 ? `run "${targets[0].label}"` : `${targets.length} runs`;
    const ok = await vscode.window.showWarningMessage(
      `Delete ${what} and its log? This cannot be undone.`,
      { modal: true },
      'Delete',
    );
    if (ok !== 'Delete') return;
    for (const t of targets) {
      try {
        deleteRun(t.run.dir, path.dirname(t.run.dir));
      } catch (e) {
        void vscode.window.showErrorMessage(`Training Lens: cannot delete the run. ${(e as Error).message}`);
      }
    }
    this.refresh();
  }

  dispose(): void {
    this.disposables.forEach(d => d.dispose());
  }
}

function hparamText(h: Record<string, number | string | boolean>): string {
  return Object.entries(h)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? formatHparam(v) : String(v)}`)
    .join(', ');
}
