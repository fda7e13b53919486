/**
 * "Training Lens: New Training Job" (Command Palette, the Runs view's empty state, the walkthrough): pick a
 * template, the data (your CSV file or image folder, or a generated sample), a file name; the job is written
 * (src/templates), the editor types are installed without asking (said in the message), the job opens, and a
 * notification offers Train.
 */
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEMPLATES, createJob, type TemplateId, type TemplateInfo } from '../src/templates';
import { addEditorTypes } from './tfjsTypes';

export const NEW_JOB_COMMAND = 'trainingLens.newJob';

/** Arguments that skip the prompts (walkthrough links, tests): any left out is asked for. */
interface NewJobArgs {
  template?: TemplateId;
  /** a path, or 'sample' for the generated sample */
  data?: string;
  file?: string;
}

async function pickTemplate(): Promise<TemplateInfo | undefined> {
  const picked = await vscode.window.showQuickPick(
    TEMPLATES.map(t => ({ label: t.title, description: t.id, detail: t.description, template: t })),
    { title: 'Training Lens: New Training Job', placeHolder: 'What should the job train?' },
  );
  return picked?.template;
}

/** 'sample', the chosen path, or undefined when cancelled. */
async function pickData(info: TemplateInfo, folder: vscode.Uri): Promise<string | undefined> {
  const own = info.data === 'csv' ? 'Use my CSV file…' : 'Use my image folder…';
  const picked = await vscode.window.showQuickPick(
    [
      {
        label: 'Generate a small sample',
        detail:
          info.data === 'csv' ? `a CSV file at ${info.sample}` : `PNG images of 3 shapes in ${info.sample}/<class>/`,
        value: 'sample',
      },
      {
        label: own,
        detail:
          info.data === 'csv'
            ? 'numeric columns; the last column is the label (change it in the job)'
            : 'one sub-folder of PNG or JPEG images per class',
        value: 'own',
      },
    ],
    { title: `Training Lens: data for "${info.title}"`, placeHolder: 'Where does the data come from?' },
  );
  if (!picked) return undefined;
  if (picked.value === 'sample') return 'sample';
  const chosen = await vscode.window.showOpenDialog({
    defaultUri: folder,
    canSelectFiles: info.data === 'csv',
    canSelectFolders: info.data === 'image-folder',
    canSelectMany: false,
    filters: info.data === 'csv' ? { 'CSV files': ['csv', 'tsv', 'txt'] } : undefined,
    openLabel: info.data === 'csv' ? 'Use this CSV file' : 'Use this folder',
  });
  return chosen?.[0]?.fsPath;
}

function freeName(dir: string, base: string): string {
  for (let i = 1; ; i++) {
    const name = i === 1 ? `${base}.train.ts` : `${base}-${i}.train.ts`;
    if (!fs.existsSync(path.join(dir, name))) return name;
  }
}

async function pickFile(info: TemplateInfo, folder: string): Promise<string | undefined> {
  const name = await vscode.window.showInputBox({
    title: 'Training Lens: New Training Job',
    prompt: 'File name of the job (relative to the workspace folder)',
    value: freeName(folder, info.id),
    validateInput: v => {
      if (!/\.(ts|mts|js|mjs)$/.test(v.trim())) return 'A job file ends in .ts or .js';
      if (fs.existsSync(path.resolve(folder, v.trim()))) return `${v.trim()} already exists`;
      return undefined;
    },
  });
  return name === undefined ? undefined : path.resolve(folder, name.trim());
}

export function registerNewJob(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(NEW_JOB_COMMAND, async (args?: NewJobArgs) => {
      const folder = vscode.workspace.workspaceFolders?.[0];
      if (!folder || folder.uri.scheme !== 'file') {
        void vscode.window.showWarningMessage(
          'Training Lens: open a folder first (File > Open Folder…); the job goes there.',
        );
        return undefined;
      }
      const info = args?.template ? TEMPLATES.find(t => t.id === args.template) : await pickTemplate();
      if (!info) return undefined;
      const data = args?.data ?? (await pickData(info, folder.uri));
      if (!data) return undefined;
      const file = args?.file ? path.resolve(folder.uri.fsPath, args.file) : await pickFile(info, folder.uri.fsPath);
      if (!file) return undefined;
      try {
        const job = createJob(file, { template: info.id, data: data === 'sample' ? undefined : data });
        for (const note of job.notes) output.info(`new job: ${note}`);
        const typeNotes = await addEditorTypes(context, output, folder.uri.fsPath);
        await vscode.window.showTextDocument(vscode.Uri.file(job.file));
        const relative = path.relative(folder.uri.fsPath, job.file);
        void vscode.window
          .showInformationMessage(
            `Training Lens: wrote ${relative}${job.generated ? ` with sample data in ${path.relative(folder.uri.fsPath, job.data)}` : ''}. ` +
              `Added the tfjs and toolkit types to node_modules (types only, no npm install${typeNotes.some(n => n.startsWith('kept') || n.startsWith('using your')) ? '; your installed tfjs is kept' : ''}).`,
            'Train',
          )
          .then(pick =>
            pick ? vscode.commands.executeCommand('trainingLens.trainFile', vscode.Uri.file(job.file)) : undefined,
          );
        return job.file;
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        output.error(`new job: ${message}`);
        void vscode.window.showErrorMessage(`Training Lens: ${message}`);
        return undefined;
      }
    }),
  );
}
