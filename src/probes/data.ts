/**
 * Data probe: at fit start, reads the training and validation data as tfjs will split them (validationSplit takes
 * the LAST fraction of x/y, before any shuffling: tfjs-layers training.js `fit`) and reports NaN/Inf values, how the
 * labels are encoded, samples per class on each side, and input rows shared by both sides. At each epoch end it
 * predicts at most `maxEvalSamples` validation samples (inference mode: no dropout noise, no batch-norm update, no
 * random numbers drawn, weights untouched) and reports the confusion matrix. Everything is read asynchronously;
 * nothing here changes what fit computes.
 */
import type { DataCheckEvent, EventBody, SourceLocation } from '../protocol';
import type { Tf, Tensor, LayersModel } from '../runner/tfTypes';
import { classCount, classesOf, confusion, countClasses, countShared, hashRows, scanNonFinite, summarizeLabels, type TensorCheck } from './dataStats';

export interface DataProbeLimits {
  /** validation samples predicted per epoch for the per-class panel */
  maxEvalSamples: number;
  /** values read per tensor for the NaN/Inf scan and hashing (beyond: the first rows only, and said so) */
  maxValues: number;
  /** classes up to which the confusion matrix is reported */
  maxClasses: number;
}

export const DEFAULT_DATA_LIMITS: DataProbeLimits = { maxEvalSamples: 2000, maxValues: 20_000_000, maxClasses: 50 };

export interface FitData {
  method: 'fit' | 'fitDataset';
  /** fit's arguments as tfjs receives them */
  args: unknown[];
  config: { validationSplit?: number; validationData?: unknown };
  fitIndex: number;
  location?: SourceLocation;
  compileLocation?: SourceLocation;
  loss: string | null;
  outputActivation: string | null;
}

type DataCheckBody = Omit<DataCheckEvent, 'runId' | 'seq' | 't'>;
type Emit = (body: EventBody) => void;

const isTensor = (x: unknown): x is Tensor => typeof x === 'object' && x !== null && 'shape' in x && 'dtype' in x && typeof (x as Tensor).data === 'function';

/** The tensors of fit's x or y (a tensor, an array of them, or a name -> tensor map), in order. */
function tensorsOf(x: unknown): Tensor[] {
  if (isTensor(x)) return [x];
  if (Array.isArray(x)) return x.filter(isTensor);
  if (x && typeof x === 'object') return Object.values(x as object).filter(isTensor);
  return [];
}

const rowSizeOf = (t: Tensor) => t.shape.slice(1).reduce((a: number, b) => a * b, 1);

export class DataProbe {
  private evalX: Tensor[] = [];
  private truth: Int32Array | undefined;
  private classes = 0;
  private of: 'validation' | 'training' = 'validation';
  private readonly notChecked: string[] = [];

  private constructor(private readonly tf: Tf, private readonly model: LayersModel, private readonly limits: DataProbeLimits) {}

  /** Measures the data of a fit that is about to start; never throws (a failed check is reported as not checked). */
  static async start(tf: Tf, model: LayersModel, fit: FitData, limits: DataProbeLimits = DEFAULT_DATA_LIMITS): Promise<{ probe: DataProbe; report: DataCheckBody }> {
    const probe = new DataProbe(tf, model, limits);
    let report: DataCheckBody;
    try {
      report = await probe.measure(fit);
    } catch (e) {
      probe.dispose();
      probe.notChecked.push(`the data could not be read (${e instanceof Error ? e.message : String(e)})`);
      report = probe.empty(fit, 'none');
    }
    return { probe, report };
  }

  private outputUnits(): number | null {
    const shape = this.model.outputs[0]?.shape;
    const u = shape?.[shape.length - 1];
    return typeof u === 'number' && u > 0 ? u : null;
  }

  private empty(fit: FitData, validation: DataCheckEvent['validation']): DataCheckBody {
    return {
      kind: 'data-check', fitIndex: fit.fitIndex, method: fit.method, location: fit.location, compileLocation: fit.compileLocation,
      loss: fit.loss, outputActivation: fit.outputActivation, outputUnits: this.outputUnits(), validation,
      tensors: [], labels: null, leakage: null, notChecked: this.notChecked,
    };
  }

  /** The first `rows` rows of t, read back (a slice when t has more). */
  private async read(t: Tensor, rows = t.shape[0] ?? 0): Promise<Float32Array> {
    const n = t.shape[0] ?? 0;
    const part = rows < n ? this.tf.slice(t, 0, rows) : t;
    try {
      const v = await part.data();
      return v instanceof Float32Array ? v : Float32Array.from(v as ArrayLike<number>);
    } finally {
      if (part !== t) part.dispose();
    }
  }

  /** Rows of t that fit the value budget. */
  private budgetRows(t: Tensor, what: string): number {
    const n = t.shape[0] ?? 0, size = Math.max(1, rowSizeOf(t));
    const rows = Math.min(n, Math.floor(this.limits.maxValues / size));
    if (rows < n) this.notChecked.push(`${what}: only the first ${rows} of ${n} samples were read`);
    return rows;
  }

  private async measure(fit: FitData): Promise<DataCheckBody> {
    const tf = this.tf;
    const units = this.outputUnits();
    let xs: Tensor[], ys: Tensor[], vxs: Tensor[] = [], vys: Tensor[] = [];
    let validation: DataCheckEvent['validation'] = 'none';
    const vd = fit.config.validationData;
    if (fit.method === 'fitDataset') {
      this.notChecked.push('fitDataset: the training dataset is not read (that would consume its iterator or its shuffle\'s random numbers): no NaN/Inf scan of its batches, no comparison of its labels with the validation labels, no leakage check');
      if (Array.isArray(vd) && vd.length >= 2 && isTensor(vd[0])) {
        validation = 'data';
        vxs = tensorsOf(vd[0]);
        vys = tensorsOf(vd[1]);
      } else if (vd != null) {
        validation = 'dataset';
        this.notChecked.push('fitDataset: the validation dataset is not read: no per-class results');
      }
      xs = [];
      ys = [];
    } else {
      xs = tensorsOf(fit.args[0]);
      ys = tensorsOf(fit.args[1]);
      if (Array.isArray(vd) && vd.length >= 2) {
        validation = 'data';
        vxs = tensorsOf(vd[0]);
        vys = tensorsOf(vd[1]);
      } else if (fit.config.validationSplit != null && fit.config.validationSplit > 0 && fit.config.validationSplit < 1) {
        validation = 'split';
      }
    }
    if (xs.length > 1 || ys.length > 1 || vxs.length > 1 || vys.length > 1) this.notChecked.push('several inputs or outputs: labels, leakage and per-class results use the first of each');
    const report = this.empty(fit, validation);
    if (validation === 'split') report.validationSplit = fit.config.validationSplit;

    // NaN/Inf: every tensor fit will feed (the split shares x and y)
    const tensors: TensorCheck[] = [];
    const read = new Map<Tensor, Float32Array>();
    const scan = async (t: Tensor, name: string) => {
      const values = await this.read(t, this.budgetRows(t, name));
      read.set(t, values);
      tensors.push(scanNonFinite(name, values, t.shape as number[]));
    };
    for (const [i, t] of xs.entries()) await scan(t, xs.length > 1 ? `x[${i}]` : 'x');
    for (const [i, t] of ys.entries()) await scan(t, ys.length > 1 ? `y[${i}]` : 'y');
    for (const [i, t] of vxs.entries()) await scan(t, vxs.length > 1 ? `validation x[${i}]` : 'validation x');
    for (const [i, t] of vys.entries()) await scan(t, vys.length > 1 ? `validation y[${i}]` : 'validation y');
    report.tensors = tensors;

    // Labels: the training side and the validation side as tfjs splits them
    const x = xs[0], y = ys[0], vx = vxs[0], vy = vys[0];
    const yValues = y && read.get(y), vyValues = vy && read.get(vy);
    const labelSource = y ?? vy;
    const labelValues = yValues ?? vyValues;
    if (!labelSource || !labelValues) return report;
    const width = Math.max(1, rowSizeOf(labelSource));
    const n = y ? Math.floor((yValues?.length ?? 0) / width) : 0;
    const splitAt = validation === 'split' && x ? Math.floor((x.shape[0] ?? 0) * (1 - fit.config.validationSplit!)) : n;
    const all = vyValues && yValues ? concat(yValues, vyValues) : labelValues;
    const summary = summarizeLabels(all, width);
    const k = classCount(summary, units);
    let train: number[] | null = null, val: number[] | null = null;
    let truth: Int32Array | undefined;
    if (k !== null) {
      const threshold = width === 1 && units === 1;
      if (yValues) {
        const cls = classesOf(yValues, width, threshold);
        train = countClasses(cls, k, 0, Math.min(splitAt, cls.length));
        if (validation === 'split') {
          val = countClasses(cls, k, Math.min(splitAt, cls.length), cls.length);
          truth = cls.subarray(splitAt, Math.min(cls.length, splitAt + this.limits.maxEvalSamples));
        }
      }
      if (vyValues) {
        const cls = classesOf(vyValues, width, threshold);
        val = countClasses(cls, k, 0, cls.length);
        truth = cls.subarray(0, Math.min(cls.length, this.limits.maxEvalSamples));
      }
    }
    report.labels = { ...summary, classes: k, train, val };

    // Leakage: input rows present on both sides (hashes of the first input's rows)
    const xValues = x && read.get(x), vxValues = vx && read.get(vx);
    if (x && xValues && validation === 'split') {
      const size = Math.max(1, rowSizeOf(x)), rows = Math.floor(xValues.length / size);
      const trainRows = Math.min(splitAt, rows);
      const shared = countShared(hashRows(xValues, size, 0, trainRows), hashRows(xValues, size, trainRows, rows));
      report.leakage = { trainRows, valRows: Math.max(0, rows - trainRows), duplicated: shared };
    } else if (x && xValues && vx && vxValues) {
      const size = Math.max(1, rowSizeOf(x));
      if (size === Math.max(1, rowSizeOf(vx))) {
        report.leakage = { trainRows: Math.floor(xValues.length / size), valRows: Math.floor(vxValues.length / size), duplicated: countShared(hashRows(xValues, size), hashRows(vxValues, size)) };
      }
    }

    // What the epoch-end evaluation predicts: the first validation samples (the training ones without validation)
    if (k !== null && k <= this.limits.maxClasses && units !== null) {
      if (!truth && yValues && validation === 'none' && xs.length > 0) {
        this.of = 'training';
        truth = classesOf(yValues, width, width === 1 && units === 1).subarray(0, this.limits.maxEvalSamples);
      }
      const source = validation === 'data' ? vxs : xs;
      const from = validation === 'split' ? splitAt : 0;
      if (truth && truth.length > 0 && source.length > 0) {
        this.evalX = source.map(t => tf.slice(t, from, truth!.length));
        this.truth = truth;
        this.classes = k;
      }
    } else if (k !== null && k > this.limits.maxClasses) {
      this.notChecked.push(`per-class results: ${k} classes (more than ${this.limits.maxClasses})`);
    }
    return report;
  }

  /** Predicts the evaluation samples and emits their confusion matrix (nothing when there are none). */
  async epochEnd(epoch: number, step: number, fitIndex: number, emit: Emit): Promise<void> {
    if (!this.truth || this.evalX.length === 0) return;
    const tf = this.tf, model = this.model, k = this.classes;
    const predicted = tf.tidy(() => {
      const out = model.predict(this.evalX.length === 1 ? this.evalX[0] : this.evalX, { batchSize: 256 });
      const o = Array.isArray(out) ? out[0] : out;
      return o.shape[o.shape.length - 1] === 1 ? tf.cast(tf.greaterEqual(o, 0.5), 'int32').reshape([-1]) : tf.argMax(o, -1);
    });
    let values: Int32Array;
    try {
      values = Int32Array.from(await predicted.data());
    } finally {
      predicted.dispose();
    }
    emit({
      kind: 'class-metrics', fitIndex, epoch, step, of: this.of, samples: this.truth.length,
      classes: Array.from({ length: k }, (_, i) => String(i)), matrix: confusion(this.truth, values, k),
    });
  }

  dispose(): void {
    for (const t of this.evalX) t.dispose();
    this.evalX = [];
  }
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
