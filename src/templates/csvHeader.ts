/** The header of the user's CSV file: the label column a template predicts is its last column. */
import * as fs from 'node:fs';
import { parse } from 'csv-parse/sync';

export interface CsvHeader {
  columns: string[];
  /** the separator of the first line: comma, semicolon or tab */
  delimiter: string;
}

/** The column names of the CSV file's first line and its separator. */
export function csvHeader(file: string): CsvHeader {
  const fd = fs.openSync(file, 'r');
  let head: string;
  try {
    const buffer = Buffer.alloc(64 * 1024);
    head = buffer.subarray(0, fs.readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
  const firstLine = head.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
  if (firstLine.trim() === '') throw new Error(`${file}:1: the CSV file has no header line`);
  const delimiter = [',', ';', '\t'].reduce((a, b) => (firstLine.split(b).length > firstLine.split(a).length ? b : a));
  const [columns] = parse(firstLine, { delimiter, relax_quotes: true }) as string[][];
  if (!columns || columns.length < 2)
    throw new Error(`${file}:1: a CSV file for training needs at least 2 columns (features and a label)`);
  return { columns: columns.map(c => c.trim()), delimiter };
}
