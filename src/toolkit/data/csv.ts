/**
 * `loadCsv(path, { label })`: a CSV file of numeric features and one label column as tensors. Parsed by csv-parse
 * (quotes, embedded delimiters and newlines, a BOM); every problem names the file, the line and the column, and
 * with `missing: 'skip'` a bad row is counted in `skipped` (and warned about) instead of failing the load.
 */
import * as fs from 'node:fs';
import { parse, CsvError } from 'csv-parse/sync';
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tf } from '../../tf/types';
import { dataLog, requirePath, resolveDataPath, type DataEnv } from './paths';
import { isMissing, parseNumber, sortClasses } from './cells';
import { describeSkips, type Skip } from './skips';

export interface LoadCsvOptions {
  /** the label column: its header name, or its 0-based index */
  label: string | number;
  /** the feature columns (names or 0-based indices); default: every column but the label */
  features?: (string | number)[];
  /** the first row names the columns (default true) */
  header?: boolean;
  /** default ',' (a .tsv file: tab) */
  delimiter?: string;
  /**
   * 'class': labels are class names mapped to indices of the sorted `classes`; 'number': a regression target.
   * Default: 'class' when a label is not a number, or when all are whole numbers with at most 20 distinct values.
   */
  labelType?: 'class' | 'number';
  /** a row with a missing, non-numeric or absent cell: 'error' (default) stops with file:line, 'skip' counts it */
  missing?: 'error' | 'skip';
}

export interface CsvData {
  /** [rows, features], float32 */
  x: tfTypes.Tensor2D;
  /** [rows]: class indices into `classes`, or the numeric label (float32) */
  y: tfTypes.Tensor1D;
  featureNames: string[];
  /** sorted class names when the label is a class */
  classes?: string[];
  /** rows left out with `missing: 'skip'` */
  skipped: Skip[];
}

interface Row {
  line: number;
  cells: string[];
}

const MAX_INFERRED_CLASSES = 20;

class RowProblem extends Error {}

function readRows(file: string, text: string, delimiter: string): Row[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter,
      info: true,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as unknown as typeof records;
  } catch (e) {
    if (e instanceof CsvError) {
      const line = (e as CsvError & { lines?: number }).lines;
      throw new Error(`${file}${line ? `:${line}` : ''}: ${e.message}`, { cause: e });
    }
    throw e;
  }
  // info.lines is where a record ends: a quoted field spanning lines starts that many lines earlier
  return records.map(({ record, info }) => ({
    cells: record,
    line: info.lines - record.reduce((n, c) => n + (c.match(/\n/g)?.length ?? 0), 0),
  }));
}

function columnIndex(fn: string, file: string, names: string[], header: boolean, ref: string | number, what: string) {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref < 0 || ref >= names.length)
      throw new Error(
        `${fn}: ${file}: ${what} column ${ref} does not exist (the file has columns 0-${names.length - 1})`,
      );
    return ref;
  }
  if (!header)
    throw new Error(`${fn}: ${file}: ${what} column '${ref}' is a name, but header is false: give its 0-based index`);
  const i = names.indexOf(ref);
  if (i < 0)
    throw new Error(
      `${fn}: ${file}: no column '${ref}' (${what}); the header has ${names.map(n => `'${n}'`).join(', ')}`,
    );
  return i;
}

export function createLoadCsv(tf: Tf, env: DataEnv) {
  const log = dataLog(env);
  /** A CSV file as `x` (numeric features) and `y` (class indices or numbers); relative paths start at the job's folder. */
  return async function loadCsv(path: string, options: LoadCsvOptions): Promise<CsvData> {
    const fn = 'loadCsv';
    if (!options || (typeof options.label !== 'string' && typeof options.label !== 'number'))
      throw new Error(`${fn}(${JSON.stringify(path)}): options.label (the label column's name or index) is required`);
    const file = resolveDataPath(env, path);
    await requirePath(fn, file, 'file');
    const header = options.header ?? true;
    const missing = options.missing ?? 'error';
    if (missing !== 'error' && missing !== 'skip') throw new Error(`${fn}: missing must be 'error' or 'skip'`);
    const delimiter = options.delimiter ?? (/\.tsv$/i.test(file) ? '\t' : ',');

    const rows = readRows(file, await fs.promises.readFile(file, 'utf8'), delimiter);
    if (rows.length === 0) throw new Error(`${fn}: ${file} is empty`);
    const first = rows[0];
    const width = first.cells.length;
    const names = header ? first.cells.map((n, i) => n || `column ${i}`) : first.cells.map((_, i) => `column ${i}`);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) throw new Error(`${fn}: ${file}:${first.line}: column '${dup}' appears twice in the header`);
    const data = header ? rows.slice(1) : rows;
    if (data.length === 0) throw new Error(`${fn}: ${file} has a header but no data rows`);

    const labelCol = columnIndex(fn, file, names, header, options.label, 'label');
    const featureCols = (options.features ?? names.map((_, i) => i).filter(i => i !== labelCol)).map(ref =>
      columnIndex(fn, file, names, header, ref, 'feature'),
    );
    if (featureCols.length === 0) throw new Error(`${fn}: ${file}: no feature columns besides the label`);
    if (featureCols.includes(labelCol))
      throw new Error(`${fn}: ${file}: the label column '${names[labelCol]}' is also listed as a feature`);
    const dupFeature = featureCols.find((c, i) => featureCols.indexOf(c) !== i);
    if (dupFeature !== undefined) throw new Error(`${fn}: ${file}: feature '${names[dupFeature]}' is listed twice`);

    const where = (row: Row, c: number) => `${file}:${row.line}: column '${names[c]}'`;
    const col = (c: number) => `column '${names[c]}'`;
    const wellFormed = data.filter(r => r.cells.length === width);

    // Typed columns: a feature column without a single number is text, and no row could be used
    for (const c of featureCols) {
      const present = wellFormed.filter(r => !isMissing(r.cells[c]));
      if (present.length > 0 && present.every(r => parseNumber(r.cells[c]) === undefined)) {
        const r = present[0];
        throw new Error(
          `${fn}: ${where(r, c)} holds text ('${r.cells[c]}'), not numbers: features must be numeric — make it the label or leave it out of features`,
        );
      }
    }
    const labelCells = wellFormed.map(r => r.cells[labelCol]).filter(c => !isMissing(c));
    const numericLabels = labelCells.map(parseNumber);
    const allNumeric = numericLabels.every(v => v !== undefined);
    let labelType = options.labelType;
    const inferred = labelType === undefined;
    if (labelType === undefined) {
      const distinct = new Set(numericLabels).size;
      labelType =
        !allNumeric ||
        (numericLabels.every(v => Number.isInteger(v)) &&
          distinct <= MAX_INFERRED_CLASSES &&
          distinct < labelCells.length)
          ? 'class'
          : 'number';
    }
    if (labelType !== 'class' && labelType !== 'number')
      throw new Error(`${fn}: labelType must be 'class' or 'number'`);

    const skipped: Skip[] = [];
    const kept: { row: Row; label: string | number }[] = [];
    const features = new Float32Array(data.length * featureCols.length);
    for (const row of data) {
      try {
        if (row.cells.length !== width)
          throw new RowProblem(`${row.cells.length} fields, but the ${header ? 'header' : 'first row'} has ${width}`);
        const base = kept.length * featureCols.length;
        featureCols.forEach((c, j) => {
          const cell = row.cells[c];
          if (isMissing(cell)) throw new RowProblem(`${col(c)}: missing value`);
          const v = parseNumber(cell);
          if (v === undefined) throw new RowProblem(`${col(c)}: '${cell}' is not a number`);
          features[base + j] = v;
        });
        const cell = row.cells[labelCol];
        if (isMissing(cell)) throw new RowProblem(`${col(labelCol)}: missing label`);
        let label: string | number;
        if (labelType === 'number') {
          const v = parseNumber(cell);
          if (v === undefined) throw new RowProblem(`${col(labelCol)}: label '${cell}' is not a number`);
          label = v;
        } else {
          const v = parseNumber(cell);
          label = v === undefined ? cell : String(v); // '1.0' and '1' are one class
        }
        kept.push({ row, label });
      } catch (e) {
        if (!(e instanceof RowProblem)) throw e;
        if (missing === 'error')
          throw new Error(`${fn}: ${file}:${row.line}: ${e.message} (pass missing: 'skip' to leave such rows out)`, {
            cause: e,
          });
        skipped.push({ file, line: row.line, reason: e.message });
      }
    }
    if (kept.length === 0)
      throw new Error(`${fn}: ${file}: no usable rows; all ${data.length} skipped (${describeSkips(skipped, 3)})`);

    const classes = labelType === 'class' ? sortClasses(kept.map(k => String(k.label))) : undefined;
    const index = new Map(classes?.map((c, i) => [c, i]));
    const labels = Float32Array.from(kept, k => (classes ? index.get(String(k.label))! : (k.label as number)));
    const x = tf.tensor2d(features.subarray(0, kept.length * featureCols.length), [kept.length, featureCols.length]);
    const y = tf.tensor1d(labels);

    const what = classes
      ? `${classes.length} classes${inferred ? " (label inferred as classes; labelType: 'number' for regression)" : ''}`
      : `numeric label${inferred ? " (inferred; labelType: 'class' for classes)" : ''}`;
    log(
      'info',
      `${fn} ${path}: ${kept.length} rows, ${featureCols.length} features, ${what}, ${skipped.length} skipped`,
    );
    if (skipped.length) log('warn', `${fn} ${path}: skipped ${describeSkips(skipped, 5)}`);
    return { x, y, featureNames: featureCols.map(c => names[c]), classes, skipped };
  };
}
