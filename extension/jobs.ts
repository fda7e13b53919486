/** Job files of the workspace: files that import tfjs and call fit/fitDataset. */
import * as vscode from 'vscode';
import { isTrainingJob } from '../src/analysis/jobs';

const INCLUDE = '**/*.{ts,mts,cts,js,mjs,cjs}';
const EXCLUDE = '{**/node_modules/**,**/.training-lens/**,**/dist/**,**/out/**,**/*.d.ts}';

export async function findJobFiles(token?: vscode.CancellationToken): Promise<vscode.Uri[]> {
  const files = await vscode.workspace.findFiles(INCLUDE, EXCLUDE, 5000, token);
  const jobs: vscode.Uri[] = [];
  await Promise.all(
    files.map(async uri => {
      try {
        const open = vscode.workspace.textDocuments.find(d => d.uri.toString() === uri.toString());
        const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
        if (isTrainingJob(text, uri.fsPath)) jobs.push(uri);
      } catch {
        /* unreadable: not a job */
      }
    }),
  );
  return jobs.sort((a, b) => vscode.workspace.asRelativePath(a).localeCompare(vscode.workspace.asRelativePath(b)));
}
