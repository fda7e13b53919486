/**
 * A TensorBoard run as a Training Lens event stream (run-start, fit-start, batch, epoch, grad-norms, histogram,
 * run-end), so the dashboard, comparison, smoothing, export and the detectors work on it unchanged. Incremental: each
 * `poll()` reads what the event files gained and returns the new events, so a logdir being written is followed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunEvent, EventBody } from '../protocol';
import { EventFileTail, emptyProblems, isEventFile, type LogdirRun, type ReadProblems, type RunPart } from './logdir';
import { takeValue, type SummaryTally } from './summaries';
import { PointColumns, type HistogramPoint } from './points';
import { readEvent, type RecordReader, type ValueFields } from './codec';
import { histogramRole, histogramSeries, nonFiniteBins, scalarRole, withEndLoss, type ScalarRole } from './tags';

interface PartState {
  part: RunPart;
  tails: Map<string, EventFileTail>;
  tally: SummaryTally;
  /** highest Keras-style epoch seen in this part */
  lastEpoch: number;
  /** each tag's series, by tag index (the tag rules are regular expressions: once per tag, not per point) */
  roles: ScalarRole[];
  /** each tag as findings name it, by tag index */
  shown: string[];
}

type BatchBody = Extract<EventBody, { kind: 'batch' }>;

/** what the dashboard host reads of a logdir run before its first replay (the rest follows poll by poll) */
export const LOGDIR_FIRST_READ_BYTES = 4 << 20;

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

type FlushedBody = Extract<EventBody, { kind: 'batch' | 'grad-norms' | 'histogram' | 'epoch' }>;
const FLUSH_ORDER: Record<FlushedBody['kind'], number> = { batch: 0, 'grad-norms': 1, histogram: 2, epoch: 3 };

export class LogdirRunReader {
  readonly problems: ReadProblems = emptyProblems();
  /** series key → the TensorBoard tag it came from (findings name the tag) */
  readonly tagOf = new Map<string, string>();
  private readonly parts: PartState[];
  private seq = 0;
  private firstWall: number | undefined;
  private lastWall = 0;
  private started = false;
  private ended = false;
  /** the batch event of each step read since the last flush */
  private steps = new Map<number, BatchBody>();
  private epochs = new Map<number, Record<string, number | null>>();
  private validations = new Map<number, { epoch: number; logs: Record<string, number | null> }>();
  private epochCount = 0;
  private maxStep = 0;
  private lossSinceValidation: number[] = [];
  private grads = new Map<number, Record<string, number | null>>();
  private pendingHist: Array<HistogramPoint & { nonFinite?: number }> = [];
  private readonly points = new PointColumns();

  constructor(
    readonly run: LogdirRun,
    readonly runId = `tensorboard:${run.dir}`,
  ) {
    this.parts = run.parts.map(part => ({
      part,
      tails: new Map(),
      tally: { skipped: 0, plugins: new Map() },
      lastEpoch: -1,
      roles: [],
      shown: [],
    }));
  }

  /** set when the last poll stopped at its byte budget: poll again for the rest */
  more = false;

  /**
   * The events the files gained since the last poll, reading at most about `budget` bytes per file (the dashboard's
   * first charts need not wait for a long run's whole logdir); `final` reads everything, flushes what is still held
   * back and ends the run.
   */
  poll(final = false, budget = Number.MAX_SAFE_INTEGER): RunEvent[] {
    if (this.ended) return [];
    if (final) budget = Number.MAX_SAFE_INTEGER;
    const out: RunEvent[] = [];
    let gained = 0;
    this.more = false;
    const at = { step: 0, wallTime: 0 };
    for (const st of this.parts) {
      for (const name of listEventFiles(st.part.dir))
        if (!st.tails.has(name)) st.tails.set(name, new EventFileTail(path.join(st.part.dir, name)));
      const points = this.points;
      points.clear();
      const onValue = (v: ValueFields) => takeValue(v, st.tally, points);
      const onRecord = (r: RecordReader, start: number, end: number) => {
        const first = points.length;
        const skipped = st.tally.skipped;
        try {
          readEvent(r, start, end, onValue, at);
        } catch (e) {
          // an undecodable record gives nothing, not the values before the damage
          points.truncate(first);
          st.tally.skipped = skipped;
          throw e;
        }
        points.setStep(first, at.step, at.wallTime);
        if (at.wallTime) {
          this.firstWall = Math.min(this.firstWall ?? at.wallTime, at.wallTime);
          this.lastWall = Math.max(this.lastWall, at.wallTime);
        }
      };
      for (const tail of st.tails.values()) tail.read(this.problems, onRecord, budget);
      gained += points.length;
      if ([...st.tails.values()].some(t => t.more)) this.more = true;
      points.forEachByStep(
        (tag, step, value) => this.takeScalar(tag, step, value, st),
        h => this.takeHistogram(h, st),
      );
      points.clear();
    }
    this.problems.torn = this.parts.reduce((n, st) => n + [...st.tails.values()].filter(t => t.torn).length, 0);
    if (!this.started && (gained > 0 || final)) {
      this.started = true;
      out.push(...this.startEvents());
    }
    if (!this.started) return out;
    for (const e of this.flush(final || (gained === 0 && !this.more))) out.push(e);
    if (final) {
      out.push(
        this.stamp({ kind: 'run-end', status: 'ok', steps: this.maxStep, durationMs: this.elapsed() } as EventBody),
      );
      this.ended = true;
    }
    return out;
  }

  /** Skipped summaries (images, text, …) over all parts. */
  get skipped(): number {
    return this.parts.reduce((n, st) => n + st.tally.skipped, 0);
  }

  private takeHistogram(p: HistogramPoint, st: PartState): void {
    this.maxStep = Math.max(this.maxStep, p.step);
    if (!p.counts.length) return;
    // NaN/Inf weights give non-finite edges, which cannot be drawn (nor written as JSON): kept as their count
    const finite = p.edges.every(Number.isFinite) && p.counts.every(Number.isFinite);
    this.pendingHist.push(finite ? p : { ...p, ...nonFiniteBins(p.counts) });
    this.tagOf.set(
      histogramSeries(histogramRole(p.tag)),
      this.parts.length > 1 ? `${path.basename(st.part.dir)}/${p.tag}` : p.tag,
    );
  }

  /** One scalar point: `t` is its tag's index in `this.points.tags`. */
  private takeScalar(t: number, step: number, value: number, st: PartState): void {
    this.maxStep = Math.max(this.maxStep, step);
    let role = st.roles[t];
    if (!role) {
      const name = this.points.tags[t];
      role = st.roles[t] = scalarRole(name, st.part.role);
      // Keras' sub-runs: name the tag with its folder (validation/epoch_loss), as TensorBoard lists it
      st.shown[t] = this.parts.length > 1 ? `${path.basename(st.part.dir)}/${name}` : name;
    }
    const tag = st.shown[t];
    switch (role.kind) {
      case 'lr':
        this.stepRecord(step).lr = value;
        this.tagOf.set('lr', tag);
        break;
      case 'batch':
        this.tagOf.set(role.key, tag);
        if (role.key === 'loss') {
          this.stepRecord(step).loss = finiteOrNull(value);
          this.lossSinceValidation.push(value);
        } else this.stepRecord(step).metrics[role.key] = finiteOrNull(value);
        break;
      case 'epoch': {
        this.tagOf.set(role.key, tag);
        st.lastEpoch = Math.max(st.lastEpoch, step);
        const logs = this.epochs.get(step) ?? {};
        logs[role.key] = finiteOrNull(value);
        this.epochs.set(step, logs);
        break;
      }
      case 'validation': {
        this.tagOf.set(role.key, tag);
        let v = this.validations.get(step);
        if (!v) {
          // one epoch per step a validation series was logged at, with the training loss averaged since the
          // previous one (as Keras reports an epoch's loss)
          const losses = this.lossSinceValidation.splice(0);
          const logs: Record<string, number | null> = {};
          if (losses.length) logs.loss = finiteOrNull(losses.reduce((a, b) => a + b, 0) / losses.length);
          this.validations.set(step, (v = { epoch: this.epochCount++, logs }));
        }
        v.logs[role.key] = finiteOrNull(value);
        break;
      }
      case 'ignore':
        break;
      case 'grad-norm': {
        let g = this.grads.get(step);
        if (!g) this.grads.set(step, (g = {}));
        g[role.layer] = finiteOrNull(value);
        break;
      }
    }
  }

  /** The step's batch event, filled point by point (the event itself: no record to copy from at flush). */
  private stepRecord(step: number): BatchBody {
    let r = this.steps.get(step);
    if (!r)
      this.steps.set(
        step,
        (r = { kind: 'batch', step, epoch: this.epochCount, batch: 0, loss: null, metrics: {}, lr: null }),
      );
    return r;
  }

  private startEvents(): RunEvent[] {
    const startedAt = new Date((this.firstWall ?? Date.now() / 1000) * 1000).toISOString();
    return [
      this.stamp({
        kind: 'run-start',
        jobFile: this.run.dir,
        backend: 'tensorboard',
        backendNotes: [`TensorBoard logdir run "${this.run.name}" (${this.run.parts.map(p => p.role).join(' + ')})`],
        startedAt,
        argv: {},
      }),
      this.stamp({
        kind: 'fit-start',
        fitIndex: 0,
        method: 'fit',
        epochs: 0,
        stepsPerEpoch: null,
        batchSize: null,
        optimizer: 'unknown (TensorBoard logdir)',
        loss: null,
        layers: [],
        totalParams: 0,
      }),
    ];
  }

  /** Steps, epochs and histograms read so far, in step order; the newest epoch waits for every part unless `all`. */
  private flush(all: boolean): RunEvent[] {
    const out: FlushedBody[] = [];
    // a read stopped at its byte budget may have split the last step's records (Loss/train read, Accuracy/train
    // not yet): that step waits for the next poll, else it would come out twice, the second time without its loss
    const held = !all && this.more ? this.maxStep : Infinity;
    for (const [step, body] of this.steps)
      if (step < held) {
        out.push(body);
        this.steps.delete(step);
      }
    for (const [step, layers] of this.grads)
      if (step < held) {
        out.push({ kind: 'grad-norms', step, variables: {}, layers });
        this.grads.delete(step);
      }
    const hists = this.pendingHist;
    this.pendingHist = hists.filter(h => h.step >= held);
    for (const h of hists) {
      if (h.step >= held) continue;
      const role = histogramRole(h.tag);
      out.push({
        kind: 'histogram',
        step: h.step,
        ...role,
        edges: h.edges,
        counts: h.counts,
        nonFinite: h.nonFinite ?? 0,
      });
    }
    // Keras epochs: held until every part that logs epochs is past them (validation is written after train)
    const epochParts = this.parts.filter(st => st.lastEpoch >= 0);
    const ready = all ? Infinity : Math.min(...epochParts.map(st => st.lastEpoch));
    for (const epoch of [...this.epochs.keys()].sort((a, b) => a - b)) {
      if (epoch >= ready) break;
      const logs = this.epochs.get(epoch)!;
      this.epochs.delete(epoch);
      out.push({ kind: 'epoch', epoch, step: epoch, ...withEndLoss(logs) });
      this.epochCount = epoch + 1;
    }
    for (const [step, v] of this.validations)
      if (step < held) {
        out.push({ kind: 'epoch', epoch: v.epoch, step, logs: v.logs });
        this.validations.delete(step);
      }
    // by step, then batch, grad-norms, histogram, epoch (stable: each kind keeps the order it was pushed in); the
    // bodies themselves are sorted, no wrapper per event
    out.sort((a, b) => a.step - b.step || FLUSH_ORDER[a.kind] - FLUSH_ORDER[b.kind]);
    return out.map(body => this.stamp(body));
  }

  private elapsed(): number {
    return Math.max(0, Math.round((this.lastWall - (this.firstWall ?? this.lastWall)) * 1000));
  }

  /** `body` is the reader's own fresh object: stamped in place (a copy per event costs a long run seconds) */
  private stamp(body: EventBody): RunEvent {
    const e = body as RunEvent;
    e.runId = this.runId;
    e.seq = this.seq++;
    e.t = this.elapsed();
    return e;
  }
}

function listEventFiles(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter(d => d.isFile() && isEventFile(d.name))
      .map(d => d.name)
      .sort();
  } catch {
    return [];
  }
}

/** Every event of a run read once, ended (CLI report, benchmark, tests). */
export function readLogdirRun(run: LogdirRun): { events: RunEvent[]; reader: LogdirRunReader } {
  const reader = new LogdirRunReader(run);
  return { events: reader.poll(true), reader };
}
