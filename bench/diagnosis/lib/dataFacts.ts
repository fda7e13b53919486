/**
 * What a job's data is, measured from the arrays `fit`/`fitDataset` received (lib/probeData.ts captures them), without
 * the detectors: sizes, non-finite values, input range, label kind and class counts of the training and validation
 * parts, duplicates between them, and whether the loss fits the labels and the output layer.
 */

export interface Part {
  x: number[][][];
  y: number[][][];
}

export interface Captured {
  method: 'fit' | 'fitDataset';
  /** the compiled loss: a tfjs loss name, or `custom:<function name>` */
  loss: string;
  output: { activation: string; units: number };
  train: Part;
  val?: Part;
}

export type LabelKind = 'one-hot' | 'binary' | 'class-ids' | 'continuous';

export interface DataFacts {
  method: string;
  loss: string;
  output: { activation: string; units: number };
  nTrain: number;
  nVal: number;
  nonFinite: { x: number; y: number };
  inputMax: number;
  labels: LabelKind;
  labelRange: [number, number];
  /** variance of the (first column of the) validation targets, else the training targets: a regression's baseline MSE */
  labelVariance: number;
  /** per class: training and validation counts (classification only) */
  trainCounts?: number[];
  valCounts?: number[];
  /** share of the most frequent class in the training labels */
  majority?: number;
  /** total variation distance between the training and validation label distributions (0: same, 1: disjoint) */
  shift?: number;
  /** validation samples (x and y) that also occur in the training data */
  leaked: number;
  /** why the loss does not fit the labels or the output layer, if it does not */
  lossMismatch?: string;
}

/** The bench's own criteria for the data pitfalls (no published thresholds exist for these). */
export const DATA_CRITERIA = { shift: 0.3, leakedShare: 0.05, majority: 0.75, majorityMargin: 0.02 };

const CROSS_ENTROPY = /^(binaryCrossentropy|categoricalCrossentropy|sparseCategoricalCrossentropy)$/;

function labelKind(rows: number[][]): LabelKind {
  const finite = rows.filter(r => r.every(Number.isFinite));
  if (!finite.length) return 'continuous';
  if (finite[0].length > 1)
    return finite.every(r => r.every(v => v === 0 || v === 1) && r.reduce((a: number, b: number) => a + b, 0) === 1)
      ? 'one-hot'
      : 'continuous';
  if (!finite.every(r => Number.isInteger(r[0]) && r[0] >= 0)) return 'continuous';
  return finite.every(r => r[0] <= 1) ? 'binary' : 'class-ids';
}

const classOf = (kind: LabelKind, row: number[]) => (kind === 'one-hot' ? row.indexOf(1) : row[0]);

function counts(kind: LabelKind, rows: number[][], classes: number): number[] {
  const c = new Array(classes).fill(0);
  for (const r of rows) if (r.every(Number.isFinite)) c[classOf(kind, r)]++;
  return c;
}

function lossMismatch(
  loss: string,
  output: Captured['output'],
  kind: LabelKind,
  range: [number, number],
  width: number,
): string | undefined {
  if (loss === 'binaryCrossentropy' && (range[0] < 0 || range[1] > 1))
    return `binaryCrossentropy with labels in [${range[0]}, ${range[1]}]`;
  if (loss === 'sparseCategoricalCrossentropy' && kind === 'one-hot')
    return 'sparseCategoricalCrossentropy with one-hot labels';
  if (loss === 'categoricalCrossentropy' && width === 1 && output.units > 1)
    return 'categoricalCrossentropy with one label column (class ids, not one-hot)';
  if (/\+/.test(output.activation)) return `${output.activation} output: an activation applied twice`;
  if (/^custom:softmaxCrossEntropy/.test(loss) && output.activation === 'softmax')
    return 'softmaxCrossEntropy (applies softmax to logits) on a softmax output';
  if (!CROSS_ENTROPY.test(loss)) return undefined;
  if (output.activation === 'softmax' && output.units === 1) return 'softmax over a single unit is always 1';
  if (!['softmax', 'sigmoid'].includes(output.activation))
    return `${loss} on a ${output.activation} output (not probabilities)`;
  if (loss === 'categoricalCrossentropy' && output.activation === 'sigmoid')
    return 'categoricalCrossentropy on independent sigmoid outputs';
  return undefined;
}

function variance(xs: number[]): number {
  const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length);
}

export function dataFacts(c: Captured): DataFacts {
  const all = [c.train, ...(c.val ? [c.val] : [])];
  let nx = 0,
    ny = 0,
    inputMax = 0;
  for (const p of all) {
    for (const input of p.x)
      for (const row of input)
        for (const v of row) {
          if (!Number.isFinite(v)) nx++;
          else inputMax = Math.max(inputMax, Math.abs(v));
        }
    for (const output of p.y) for (const row of output) for (const v of row) if (!Number.isFinite(v)) ny++;
  }
  const trainY = c.train.y[0],
    valY = c.val?.y[0] ?? [];
  const kind = labelKind(trainY.concat(valY));
  const finiteLabels = trainY.concat(valY).flat().filter(Number.isFinite);
  const labelRange: [number, number] = [Math.min(...finiteLabels), Math.max(...finiteLabels)];
  const facts: DataFacts = {
    method: c.method,
    loss: c.loss,
    output: c.output,
    nTrain: trainY.length,
    nVal: valY.length,
    nonFinite: { x: nx, y: ny },
    inputMax,
    labels: kind,
    labelRange,
    labelVariance: variance((valY.length ? valY : trainY).map(r => r[0]).filter(Number.isFinite)),
    leaked: 0,
    lossMismatch: lossMismatch(c.loss, c.output, kind, labelRange, trainY[0]?.length ?? 0),
  };
  if (kind !== 'continuous') {
    const classes = kind === 'one-hot' ? trainY[0].length : Math.max(2, labelRange[1] + 1);
    facts.trainCounts = counts(kind, trainY, classes);
    const total = facts.trainCounts.reduce((a, b) => a + b, 0);
    facts.majority = Math.max(...facts.trainCounts) / Math.max(1, total);
    if (c.val) {
      facts.valCounts = counts(kind, valY, classes);
      const vt = facts.valCounts.reduce((a, b) => a + b, 0);
      facts.shift =
        facts.trainCounts.reduce(
          (s, n, i) => s + Math.abs(n / Math.max(1, total) - facts.valCounts![i] / Math.max(1, vt)),
          0,
        ) / 2;
    }
  }
  if (c.val) {
    const key = (p: Part, i: number) => JSON.stringify([p.x.map(a => a[i]), p.y.map(a => a[i])]);
    const seen = new Set(trainY.map((_, i) => key(c.train, i)));
    facts.leaked = valY.filter((_, i) => seen.has(key(c.val!, i))).length;
  }
  return facts;
}

const f2 = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));

/** The facts in one line for the bench output. */
export function describeData(d: DataFacts): string {
  const parts = [`${d.nTrain} train / ${d.nVal} val`, `labels ${d.labels}`];
  if (d.trainCounts)
    parts.push(
      `classes train [${d.trainCounts.join(' ')}]${d.valCounts ? ` val [${d.valCounts.join(' ')}]` : ''}, majority ${f2(d.majority!)}${d.shift !== undefined ? `, shift ${f2(d.shift)}` : ''}`,
    );
  parts.push(`|x| max ${d.inputMax >= 100 ? d.inputMax.toExponential(1) : f2(d.inputMax)}`);
  if (d.nonFinite.x || d.nonFinite.y) parts.push(`NON-FINITE x ${d.nonFinite.x}, y ${d.nonFinite.y}`);
  if (d.leaked) parts.push(`LEAKED ${d.leaked}/${d.nVal} val samples are training samples`);
  if (d.lossMismatch) parts.push(`LOSS MISMATCH ${d.lossMismatch}`);
  return parts.join(', ');
}
