/**
 * `training-lens new <file> [--template …] [--data <csv file | image folder>]`: writes a job from a template, and
 * the editor types (tfjs types-only, the toolkit's) into node_modules of the folder it is run in, so the job
 * type-checks there without npm install.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEMPLATE_IDS, templateInfo, type TemplateId } from './catalog';
import { createJob } from './newJob';
import { installEditorTypes, type TypesLocation } from './editorTypes';

export const NEW_USAGE = `  training-lens new <job.ts> [--template ${TEMPLATE_IDS.join('|')}] [--data <csv file | image folder>]
                       [--no-types] [--force]
`;
export const NEW_FLAGS = ['template', 'data'];

export interface NewIo {
  out(line: string): void;
  err(line: string): void;
}

export function newCommand(
  positional: string[],
  flags: Map<string, string | true>,
  io: NewIo,
  types: TypesLocation,
): number {
  const job = positional[0];
  if (!job) throw new Error('new needs the job file to write, e.g. training-lens new jobs/flowers.train.ts');
  const template = String(flags.get('template') ?? 'csv-classifier');
  templateInfo(template); // a clear error for an unknown name
  const data = flags.get('data');
  if (data === true) throw new Error('--data needs a CSV file or an image folder');
  const created = createJob(job, { template: template as TemplateId, data, overwrite: flags.has('force') });
  for (const note of created.notes) io.out(note);
  if (!flags.has('no-types')) {
    const file = path.resolve(job);
    const cwd = process.cwd();
    const workspace = file.startsWith(cwd + path.sep) ? cwd : path.dirname(file);
    for (const note of installEditorTypes(types, workspace)) io.out(note);
  }
  io.out(`train it: training-lens train ${path.relative(process.cwd(), created.file) || created.file}`);
  return fs.existsSync(created.file) ? 0 : 1;
}
