/**
 * Data probe: at fit start, reads the training and validation data as tfjs will split them (validationSplit takes
 * the LAST fraction of x/y, before any shuffling: tfjs-layers training.js `fit`) and reports NaN/Inf values, how the
 * labels are encoded, samples per class on each side, and input rows shared by both sides. At each epoch end it
 * predicts at most `maxEvalSamples` validation samples (inference mode: no dropout noise, no batch-norm update, no
 * random numbers drawn, weights untouched) and reports the confusion matrix. Everything is read asynchronously;
 * nothing here changes what fit computes.
 */
import type { DataCheckEvent, EventBody, SourceLocation } from '../protocol';
import type { Tf, Tensor, LayersModel } from '../tf/types';
import { confusion, scanNonFinite, type TensorCheck } from './dataStats';
import { checkNonFinite } from './nonFinite';
import { DatasetTap, isTensor, rowSizeOf, tensorsOf, type Rows } from './dataTap';
import { rowSize, rowsOf, slice, type Side } from './dataRows';
import { analyzeSides } from './dataLabels';
import { lossCheckOf, lossFunctionsOf, lossSelfTest } from './dataLoss';
import { recallMeasured, rememberMeasured, type FitDataKey } from './dataMemo';

export interface DataProbeLimits {
  /** validation samples predicted per epoch for the per-class panel */
  maxEvalSamples: number;
  /**
   * training samples predicted per epoch instead when there is no validation data (0: none, the default: a forward
   * pass per epoch over samples the model trains on costs more than it tells)
   */
  maxTrainEvalSamples: number;
  /** values read back per tensor for labels and hashing (beyond: the first rows only, and said so; NaN/Inf are counted over all) */
  maxValues: number;
  /** classes up to which the confusion matrix is reported */
  maxClasses: number;
}

export const DEFAULT_DATA_LIMITS: DataProbeLimits = {
  maxEvalSamples: 2000,
  maxTrainEvalSamples: 0,
  maxValues: 8_000_000,
  maxClasses: 50,
};

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
/** what a fit's measurement leaves for the next fit on the same tensors (src/probes/dataMemo.ts) */
interface Known {
  measured: Pick<DataCheckBody, 'tensors' | 'labels' | 'leakage' | 'lossCheck' | 'notChecked'>;
  classes: number;
  of: 'validation' | 'training';
  truth: Int32Array | undefined;
}
type Emit = (body: EventBody) => void;

export class DataProbe {
  private evalX: Tensor[] = [];
  private truth: Int32Array | undefined;
  private classes = 0;
  private of: 'validation' | 'training' = 'validation';
  private readonly notChecked: string[] = [];
  private readonly taps: DatasetTap[] = [];
  private trainTap: DatasetTap | undefined;
  private valTap: DatasetTap | undefined;
  /** fitDataset's validationData given as tensors, as read at start */
  private valTensors: Side | undefined;
  private fit!: FitData;

  private constructor(
    private readonly tf: Tf,
    private readonly model: LayersModel,
    private readonly limits: DataProbeLimits,
    private readonly emit: Emit,
  ) {}

  /**
   * Measures the data of a fit that is about to start; never throws (a failed check is reported as not checked).
   * For fitDataset the batches are read as tfjs pulls them: a data-check follows the first training batch (before its
   * step) and the end of the first epoch (training and validation samples seen by then).
   */
  static async start(
    tf: Tf,
    model: LayersModel,
    fit: FitData,
    emit: Emit,
    limits: DataProbeLimits = DEFAULT_DATA_LIMITS,
  ): Promise<{ probe: DataProbe; report: DataCheckBody }> {
    const probe = new DataProbe(tf, model, limits, emit);
    probe.fit = fit;
    let report: DataCheckBody;
    try {
      report = fit.method === 'fit' ? await probe.measureFit(fit) : await probe.measureDataset(fit);
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

  private empty(fit: FitData, validation: DataCheckEvent['validation'], notChecked = this.notChecked): DataCheckBody {
    return {
      kind: 'data-check',
      fitIndex: fit.fitIndex,
      method: fit.method,
      location: fit.location,
      compileLocation: fit.compileLocation,
      loss: fit.loss,
      outputActivation: fit.outputActivation,
      outputUnits: this.outputUnits(),
      validation,
      tensors: [],
      labels: null,
      leakage: null,
      notChecked,
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

  /** Rows of t that fit the value budget (what is read back for labels and hashing). */
  private budgetRows(t: Tensor, what: string): number {
    const n = t.shape[0] ?? 0,
      size = Math.max(1, rowSizeOf(t));
    const rows = Math.min(n, Math.floor(this.limits.maxValues / size));
    if (rows < n) this.notChecked.push(`${what}: labels and leakage use the first ${rows} of ${n} samples`);
    return rows;
  }

  /** Scans each tensor for NaN/Inf and reads it back (within the budget). */
  private async scanAll(
    named: Array<[Tensor, string]>,
    tensors: TensorCheck[],
    readBack: (t: Tensor) => boolean = () => true,
  ): Promise<Map<Tensor, Float32Array>> {
    const read = new Map<Tensor, Float32Array>();
    for (const [t, name] of named) {
      tensors.push(await checkNonFinite(this.tf, t, name));
      if (readBack(t)) read.set(t, await this.read(t, this.budgetRows(t, name)));
    }
    return read;
  }

  private async measureFit(fit: FitData): Promise<DataCheckBody> {
    const xs = tensorsOf(fit.args[0]),
      ys = tensorsOf(fit.args[1]);
    let vxs: Tensor[] = [],
      vys: Tensor[] = [];
    let validation: DataCheckEvent['validation'] = 'none';
    const vd = fit.config.validationData;
    if (Array.isArray(vd) && vd.length >= 2) {
      validation = 'data';
      vxs = tensorsOf(vd[0]);
      vys = tensorsOf(vd[1]);
    } else if (fit.config.validationSplit != null && fit.config.validationSplit > 0 && fit.config.validationSplit < 1) {
      validation = 'split';
    }
    if (xs.length > 1 || ys.length > 1 || vxs.length > 1 || vys.length > 1)
      this.notChecked.push('several inputs or outputs: labels, leakage and per-class results use the first of each');
    const report = this.empty(fit, validation);
    if (validation === 'split') report.validationSplit = fit.config.validationSplit;
    const key: FitDataKey = {
      lists: [xs, ys, vxs, vys],
      split: report.validationSplit,
      loss: lossFunctionsOf(this.model)?.[0],
      limits: this.limits,
    };
    const known = recallMeasured<Known>(this.model, key);
    let truth: Int32Array | undefined;
    if (known) {
      Object.assign(report, known.measured);
      ({ classes: this.classes, of: this.of, truth } = known);
    } else {
      truth = await this.measureTensors(report, fit, [xs, ys, vxs, vys]);
      const { tensors, labels, leakage, lossCheck, notChecked } = report;
      const measured = { tensors, labels, leakage, notChecked, ...(lossCheck ? { lossCheck } : {}) };
      rememberMeasured<Known>(this.model, key, { measured, classes: this.classes, of: this.of, truth });
    }
    // what the epoch ends predict: the validation part (the last fraction when fit splits), else the training data
    const evalSource = validation === 'data' ? vxs : xs;
    const evalFrom =
      validation === 'split' && xs[0] ? Math.floor((xs[0].shape[0] ?? 0) * (1 - fit.config.validationSplit!)) : 0;
    if (truth && evalSource.length > 0) {
      this.evalX = evalSource.map(t => this.tf.slice(t, evalFrom, truth.length));
      this.truth = truth;
    }
    return report;
  }

  /** Scans and reads the fit's tensors into the report (labels, leakage, the loss self-test); returns the labels to evaluate. */
  private async measureTensors(
    report: DataCheckBody,
    fit: FitData,
    [xs, ys, vxs, vys]: Tensor[][],
  ): Promise<Int32Array | undefined> {
    const validation = report.validation;
    const name = (list: Tensor[], base: string) =>
      list.map((t, i): [Tensor, string] => [t, list.length > 1 ? `${base}[${i}]` : base]);
    // inputs are read back only to compare them with validation inputs (leakage); targets always (labels)
    const read = await this.scanAll(
      [...name(xs, 'x'), ...name(ys, 'y'), ...name(vxs, 'validation x'), ...name(vys, 'validation y')],
      report.tensors,
      t => validation !== 'none' || this.limits.maxTrainEvalSamples > 0 || !xs.includes(t),
    );

    // the two sides as tfjs splits them: validationSplit takes the LAST fraction of x and y
    const x = xs[0],
      y = ys[0],
      vx = vxs[0],
      vy = vys[0];
    const xr = x && read.has(x) ? rowsOf(read.get(x)!, x) : undefined;
    const yr = y && read.has(y) ? rowsOf(read.get(y)!, y) : undefined;
    let train: Side = { x: xr, y: yr },
      val: Side | undefined;
    if (validation === 'split' && x) {
      const splitAt = Math.floor((x.shape[0] ?? 0) * (1 - fit.config.validationSplit!));
      train = { x: xr && slice(xr, 0, splitAt), y: yr && slice(yr, 0, splitAt) };
      val = { x: xr && slice(xr, splitAt, Infinity), y: yr && slice(yr, splitAt, Infinity) };
    } else if (validation === 'data') {
      val = {
        x: vx && read.has(vx) ? rowsOf(read.get(vx)!, vx) : undefined,
        y: vy && read.has(vy) ? rowsOf(read.get(vy)!, vy) : undefined,
      };
    }
    const truth = this.analyze(report, train, val);
    const lossTest = this.lossTest(report, yr);
    if (lossTest)
      try {
        report.lossCheck = lossCheckOf(lossTest.check, await lossTest.values.data());
      } finally {
        lossTest.values.dispose();
      }
    return truth;
  }

  private async measureDataset(fit: FitData): Promise<DataCheckBody> {
    const vd = fit.config.validationData;
    let validation: DataCheckEvent['validation'] = 'none';
    const report = this.empty(fit, validation);
    if (Array.isArray(vd) && vd.length >= 2 && isTensor(vd[0])) {
      validation = 'data';
      const vx = tensorsOf(vd[0])[0],
        vy = tensorsOf(vd[1])[0];
      const read = await this.scanAll(
        [[vx, 'validation x'], ...(vy ? [[vy, 'validation y'] as [Tensor, string]] : [])],
        report.tensors,
      );
      this.valTensors = { x: rowsOf(read.get(vx)!, vx), y: vy ? rowsOf(read.get(vy)!, vy) : undefined };
    } else if (vd != null) {
      validation = 'dataset';
      this.valTap = DatasetTap.install(vd, this.limits.maxEvalSamples);
      if (this.valTap) this.taps.push(this.valTap);
      else this.notChecked.push('fitDataset: the validation data is neither tensors nor a Dataset');
    }
    report.validation = validation;
    this.trainTap = DatasetTap.install(fit.args[0], this.limits.maxEvalSamples, tap => {
      if (tap.batches === 1) this.emit(this.datasetReport(true));
    });
    if (this.trainTap) this.taps.push(this.trainTap);
    report.notChecked = [
      ...this.notChecked,
      'fitDataset: the datasets are read as fitDataset pulls their batches (nothing extra is drawn from them): see the data checks after the first training batch and at the end of the first epoch',
    ];
    return report;
  }

  /** What the taps read: after the first training batch (`first`), or at the end of the first epoch. */
  private datasetReport(first: boolean): DataCheckBody {
    const fit = this.fit,
      max = this.limits.maxEvalSamples;
    const tapped = this.trainTap!;
    const report = this.empty(fit, this.valTap ? 'dataset' : this.valTensors ? 'data' : 'none', [...this.notChecked]);
    const scan = (name: string, r: Rows | undefined) =>
      r && report.tensors.push(scanNonFinite(name, r.values, [r.rows, ...r.rowShape]));
    const train: Side = { x: tapped.x, y: tapped.y };
    scan(first ? 'x (first batch)' : `x (first ${train.x!.rows} samples)`, train.x);
    scan(first ? 'y (first batch)' : `y (first ${train.x!.rows} samples)`, train.y);
    let val: Side | undefined;
    if (!first && this.valTap) {
      val = { x: this.valTap.x, y: this.valTap.y };
      scan(`validation x (first ${val.x!.rows} samples)`, val.x);
      scan(`validation y (first ${val.x!.rows} samples)`, val.y);
    } else if (!first) val = this.valTensors;
    if (first)
      report.notChecked.push(
        'fitDataset: the first training batch only (label distributions and leakage at the end of the first epoch)',
      );
    else if (!tapped.complete)
      report.notChecked.push(
        `fitDataset: the first ${tapped.rows} training samples only (of more than ${max}); label shift not compared`,
      );
    const truth = this.analyze(report, train, first ? undefined : val, first ? false : tapped.complete);
    // the loss on the first batch's labels (read synchronously: tfjs is about to take that batch)
    const lossTest = first ? this.lossTest(report, train.y) : undefined;
    if (lossTest)
      try {
        report.lossCheck = lossCheckOf(lossTest.check, lossTest.values.dataSync());
      } finally {
        lossTest.values.dispose();
      }
    if (!first && truth) {
      const source = val?.x ?? train.x;
      if (source && this.model.inputs.length === 1) {
        const size = rowSize(source);
        this.evalX = [this.tf.tensor(source.values.slice(0, truth.length * size), [truth.length, ...source.rowShape])];
        this.truth = truth;
      }
    }
    return report;
  }

  /** Labels and leakage into the report; remembers what the epoch-end evaluation predicts. */
  private analyze(report: DataCheckBody, train: Side, val: Side | undefined, compare = true): Int32Array | undefined {
    const plan = analyzeSides(report, train, val, this.outputUnits(), this.limits, compare);
    if (plan) {
      this.classes = plan.classes;
      this.of = plan.of;
    }
    return plan?.truth;
  }

  /** The compiled loss on the labels (src/probes/dataLoss.ts); a loss that throws on them is said not checked. */
  private lossTest(report: DataCheckBody, y: Rows | undefined): ReturnType<typeof lossSelfTest> {
    try {
      return lossSelfTest(this.tf, this.model, report.labels, y);
    } catch (e) {
      report.notChecked.push(
        `loss self-test: the loss function failed on the labels (${e instanceof Error ? e.message : String(e)})`,
      );
      return undefined;
    }
  }

  /** Predicts the evaluation samples and emits their confusion matrix (nothing when there are none). */
  async epochEnd(epoch: number, step: number, fitIndex: number, emit: Emit): Promise<void> {
    if (epoch === 0 && this.trainTap) {
      this.taps.forEach(t => t.stop());
      emit(this.datasetReport(false));
    }
    if (!this.truth || this.evalX.length === 0) return;
    const tf = this.tf,
      model = this.model,
      k = this.classes;
    const predicted = tf.tidy(() => {
      const out = model.predict(this.evalX.length === 1 ? this.evalX[0] : this.evalX, { batchSize: 256 });
      const o = Array.isArray(out) ? out[0] : out;
      return o.shape[o.shape.length - 1] === 1
        ? tf.cast(tf.greaterEqual(o, 0.5), 'int32').reshape([-1])
        : tf.argMax(o, -1);
    });
    let values: Int32Array;
    try {
      values = Int32Array.from(await predicted.data());
    } finally {
      predicted.dispose();
    }
    emit({
      kind: 'class-metrics',
      fitIndex,
      epoch,
      step,
      of: this.of,
      samples: this.truth.length,
      classes: Array.from({ length: k }, (_, i) => String(i)),
      matrix: confusion(this.truth, values, k),
    });
  }

  dispose(): void {
    for (const t of this.evalX) t.dispose();
    this.evalX = [];
    for (const t of this.taps) t.uninstall();
    this.taps.length = 0;
  }
}
