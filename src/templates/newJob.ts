/**
 * Writes a new training job from a template (Training Lens: New Training Job, `training-lens new`): the job file,
 * and, when no data is given, the template's small sample data next to it. The job reads its data by a path
 * relative to its own folder, so the folder can move as a whole.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { templateInfo, type TemplateId } from './catalog';
import { classificationSample, regressionSample } from './sampleCsv';
import { writeImageSample } from './sampleImages';
import { csvHeader } from './csvHeader';
import { csvClassifierJob } from './csvClassifier';
import { csvRegressionJob } from './csvRegression';
import { imageFolderJob } from './imageFolder';
import { fineTuneJob } from './fineTune';

export interface NewJobOptions {
  template: TemplateId;
  /** the user's CSV file or image folder; without it the template's sample is generated */
  data?: string;
  /** replace an existing job file */
  overwrite?: boolean;
}

export interface NewJob {
  file: string;
  /** absolute path of the data the job reads */
  data: string;
  /** true when the sample data was generated (false: the user's data, or a sample already there) */
  generated: boolean;
  /** one line per thing done, for the CLI and the output channel */
  notes: string[];
}

/** The path the job writes for its data: relative to the job's folder (posix separators), absolute across drives. */
function pathInJob(jobFile: string, data: string): string {
  const rel = path.relative(path.dirname(jobFile), data);
  if (rel === '' || path.isAbsolute(rel)) return data;
  return rel.split(path.sep).join('/');
}

function checkUserData(kind: 'csv' | 'image-folder', data: string): void {
  if (!fs.existsSync(data)) throw new Error(`no such ${kind === 'csv' ? 'CSV file' : 'folder'}: ${data}`);
  const isDir = fs.statSync(data).isDirectory();
  if (kind === 'csv' && isDir) throw new Error(`${data} is a folder; this template reads one CSV file`);
  if (kind === 'image-folder' && !isDir)
    throw new Error(`${data} is a file; this template reads a folder with one sub-folder of images per class`);
}

/** The sample data of a template, written unless already there (two templates share the image sample). */
function writeSample(template: TemplateId, target: string): { label: string; generated: boolean; note: string } {
  const info = templateInfo(template);
  if (info.data === 'image-folder') {
    if (fs.existsSync(target)) return { label: '', generated: false, note: `using the sample images in ${target}` };
    const count = writeImageSample(target);
    return { label: '', generated: true, note: `wrote a sample of ${count} PNG images (3 classes) to ${target}` };
  }
  const sample = template === 'csv-regression' ? regressionSample() : classificationSample();
  if (fs.existsSync(target)) {
    const label = csvHeader(target).columns.at(-1) ?? sample.label;
    return { label, generated: false, note: `using the sample data in ${target}` };
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, sample.text);
  return { label: sample.label, generated: true, note: `wrote a sample of ${sample.rows} rows to ${target}` };
}

export function createJob(jobFile: string, options: NewJobOptions): NewJob {
  const info = templateInfo(options.template);
  const file = path.resolve(jobFile);
  if (!/\.(ts|mts|js|mjs)$/.test(file)) throw new Error(`${jobFile}: a job file ends in .ts or .js`);
  if (fs.existsSync(file) && !options.overwrite) throw new Error(`${file} already exists; pick another name`);
  const notes: string[] = [];
  let data: string;
  let label = '';
  let delimiter: string | undefined;
  let generated = false;
  if (options.data) {
    data = path.resolve(options.data);
    checkUserData(info.data, data);
    if (info.data === 'csv') {
      const header = csvHeader(data);
      label = header.columns.at(-1) ?? '';
      // loadCsv reads ',' (tab for .tsv) unless told
      const usual = /\.tsv$/i.test(data) ? '\t' : ',';
      if (header.delimiter !== usual) delimiter = header.delimiter;
    }
    notes.push(
      `reading ${data}${label ? `; predicting its last column '${label}' (change \`label\` in the job to pick another)` : ''}`,
    );
  } else {
    data = path.join(path.dirname(file), info.sample);
    const sample = writeSample(info.id, data);
    label = sample.label;
    generated = sample.generated;
    notes.push(sample.note);
  }
  const dataInJob = pathInJob(file, data);
  const source =
    info.id === 'csv-classifier'
      ? csvClassifierJob(dataInJob, label, delimiter)
      : info.id === 'csv-regression'
        ? csvRegressionJob(dataInJob, label, delimiter)
        : info.id === 'image-folder'
          ? imageFolderJob(dataInJob)
          : fineTuneJob(dataInJob);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, source);
  notes.unshift(`wrote ${file} (${info.title})`);
  return { file, data, generated, notes };
}
