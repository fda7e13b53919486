/**
 * The Runs view beyond TensorBoard: a regex filter (title-bar button; the active filter shows in the view's
 * description, Clear Filter removes it), a note and tags per run (kept in the run folder's notes.json), and Export
 * of the selected runs (every tag, histograms too) to one CSV or JSON file.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { RunRecord } from '../src/runs/layout';
import { compileRunFilter, type RunFilter } from '../src/runs/filter';
import { parseTagList, writeNotes } from '../src/runs/notes';
import { formatOfFile, loadExportRun, writeExport } from '../src/runs/export';

/** What the extras need of the view: its tree view, a refresh, and the runs a command applies to. */
export interface RunsViewAccess {
  readonly view: vscode.TreeView<{ run: RunRecord }>;
  refresh(): void;
  targets(item?: { run: RunRecord }, selected?: { run: RunRecord }[]): { run: RunRecord }[];
  /** the runs the view lists (the filter applied) */
  getChildren(): Promise<{ run: RunRecord; label?: string | vscode.TreeItemLabel }[]>;
}

const FILTERED_CONTEXT = 'trainingLens.runs.filtered';

export class RunsExtras implements vscode.Disposable {
  private filter: RunFilter = compileRunFilter('');
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly access: RunsViewAccess) {
    type Item = { run: RunRecord } | undefined;
    this.disposables = [
      vscode.commands.registerCommand('trainingLens.runs.filter', (text?: string) => this.askFilter(text)),
      vscode.commands.registerCommand('trainingLens.runs.clearFilter', () => this.setFilter('')),
      vscode.commands.registerCommand('trainingLens.runs.editNote', (item: Item) => this.editNote(item)),
      vscode.commands.registerCommand('trainingLens.runs.editTags', (item: Item) => this.editTags(item)),
      vscode.commands.registerCommand('trainingLens.runs.export', (item: Item, selected?: { run: RunRecord }[]) =>
        this.exportRuns(item, selected),
      ),
    ];
  }

  /** The runs the active filter lets through. */
  apply(runs: RunRecord[]): RunRecord[] {
    return this.filter.ok && this.filter.source
      ? runs.filter(r => (this.filter as { matches(r: RunRecord): boolean }).matches(r))
      : runs;
  }

  private async askFilter(text?: string): Promise<void> {
    const value =
      text ??
      (await vscode.window.showInputBox({
        title: 'Filter Runs',
        value: this.filter.source,
        prompt: 'A regular expression (case-insensitive) matched against run names, job files, tags and notes',
        placeHolder: 'e.g. baseline|adam',
        validateInput: v => {
          const f = compileRunFilter(v);
          return f.ok ? undefined : f.error;
        },
      }));
    if (value !== undefined) this.setFilter(value);
  }

  private setFilter(text: string): void {
    const f = compileRunFilter(text);
    if (!f.ok) {
      void vscode.window.showErrorMessage(
        `Training Lens: the run filter is not a valid regular expression. ${f.error}`,
      );
      return;
    }
    this.filter = f;
    this.access.view.description = f.source ? `filter: /${f.source}/i` : undefined;
    void vscode.commands.executeCommand('setContext', FILTERED_CONTEXT, !!f.source);
    this.access.refresh();
  }

  private target(item?: { run: RunRecord }): RunRecord | undefined {
    const run = this.access.targets(item)[0]?.run;
    return run && run.status !== 'damaged' ? run : undefined;
  }

  private save(run: RunRecord, notes: { note?: string; tags?: string[] }): void {
    try {
      writeNotes(run.dir, notes, path.dirname(run.dir));
    } catch (e) {
      void vscode.window.showErrorMessage(`Training Lens: cannot save the run's notes. ${(e as Error).message}`);
    }
    this.access.refresh();
  }

  private async editNote(item?: { run: RunRecord }): Promise<void> {
    const run = this.target(item);
    if (!run) return;
    const note = await vscode.window.showInputBox({
      title: 'Edit Note',
      value: run.note ?? '',
      prompt: 'A note for this run (empty: no note)',
      validateInput: v => (v.length > 4000 ? 'At most 4000 characters' : undefined),
    });
    if (note !== undefined) this.save(run, { note, tags: run.tags });
  }

  private async editTags(item?: { run: RunRecord }): Promise<void> {
    const run = this.target(item);
    if (!run) return;
    const text = await vscode.window.showInputBox({
      title: 'Edit Tags',
      value: (run.tags ?? []).join(', '),
      prompt: 'Tags for this run, separated by commas (empty: no tags)',
      validateInput: v => {
        try {
          parseTagList(v);
          return undefined;
        } catch (e) {
          return (e as Error).message;
        }
      },
    });
    if (text !== undefined) this.save(run, { note: run.note, tags: parseTagList(text) });
  }

  private async exportRuns(item?: { run: RunRecord }, selected?: { run: RunRecord }[]): Promise<void> {
    let runs = this.access
      .targets(item, selected)
      .map(i => i.run)
      .filter(r => r.status !== 'damaged');
    if (runs.length === 0) {
      // nothing selected (the palette): ask which runs
      const picks = await vscode.window.showQuickPick(
        (await this.access.getChildren())
          .filter(i => i.run.status !== 'damaged')
          .map(i => ({ label: typeof i.label === 'string' ? i.label : i.run.runId, run: i.run })),
        { title: 'Training Lens: Export Runs', placeHolder: 'Pick the runs to export', canPickMany: true },
      );
      if (!picks?.length) return;
      runs = picks.map(p => p.run);
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = await vscode.window.showSaveDialog({
      title: `Export ${runs.length} run${runs.length === 1 ? '' : 's'}`,
      defaultUri: folder ? vscode.Uri.joinPath(folder, 'training-lens-runs.csv') : undefined,
      filters: { CSV: ['csv'], JSON: ['json'] },
    });
    if (!uri) return;
    try {
      const loaded = runs.map(r => loadExportRun(r.dir));
      const format = formatOfFile(uri.fsPath) ?? 'csv';
      writeExport(uri.fsPath, loaded, format);
      void vscode.window.showInformationMessage(
        `Training Lens: exported ${runs.length} run${runs.length === 1 ? '' : 's'} to ${path.basename(uri.fsPath)}.`,
      );
    } catch (e) {
      void vscode.window.showErrorMessage(`Training Lens: cannot export. ${(e as Error).message}`);
    }
  }

  dispose(): void {
    this.disposables.forEach(d => d.dispose());
  }
}
