/** "▶ Train with Training Lens" above every fit/fitDataset call of a job file. Parse-only: works in Restricted Mode. */
import * as vscode from 'vscode';
import { analyzeJob } from '../src/analysis/jobs';

export const TRAIN_LENS_TITLE = '▶ Train with Training Lens';

export class TrainCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration('trainingLens', document.uri).get<boolean>('codeLens.train', true))
      return [];
    const text = document.getText();
    if (!text.includes('@tensorflow/tfjs')) return [];
    const info = analyzeJob(text, document.fileName);
    if (!info.importsTfjs) return [];
    return info.fitCalls.map(call => {
      const range = new vscode.Range(call.line, call.character, call.line, call.character);
      return new vscode.CodeLens(range, {
        title: TRAIN_LENS_TITLE,
        command: 'trainingLens.trainFile',
        arguments: [document.uri],
        tooltip: `Train ${vscode.workspace.asRelativePath(document.uri)} in a separate process and open the dashboard`,
      });
    });
  }
}
