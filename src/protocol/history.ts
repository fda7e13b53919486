/**
 * A run's history in columns, for the dashboard's replay. A long run is mostly per-step `batch`, `grad-norms` and
 * `histogram` events: sent as 100k objects they cost the webview seconds (structured clone, zod, garbage). Here each
 * of those kinds becomes a few typed arrays (VS Code transfers them as binary), checked where they arrive in one
 * cheap pass (`checkHistory`, historyCheck.ts); every other event stays an object validated by the full event
 * schema. Lossless: `decodeHistory` gives back the events, in seq order (null and absent values are kept apart).
 * Pure (no zod here, no DOM): used by the host, the webview and bench/webview.ts alike.
 */
import type { BatchEvent, GradNormsEvent, HistogramEvent, RunEvent } from './events';

/** Numbers that may be null or absent per row: `v` the value, `s` 0 absent / 1 value / 2 null (null when all are values). */
export interface NullableColumn {
  v: Float64Array;
  s: Uint8Array | null;
}
/** A `Record<string, number | null>` per row: one column per name, rows x names, row-major. */
export interface RecordColumns {
  names: string[];
  v: Float64Array;
  s: Uint8Array;
}

export interface BatchColumns {
  seq: Float64Array;
  t: Float64Array;
  step: Float64Array;
  epoch: Float64Array;
  batch: Float64Array;
  loss: NullableColumn;
  lr: NullableColumn;
  momentum: NullableColumn;
  metrics: RecordColumns;
}
export interface GradNormsColumns {
  seq: Float64Array;
  t: Float64Array;
  step: Float64Array;
  variables: RecordColumns;
  layers: RecordColumns;
  /** 0 no clip, 1 'value', 2 'norm' */
  clipMode: Uint8Array;
  clipThreshold: Float64Array;
  clipPre: NullableColumn;
  clipPost: NullableColumn;
}
export interface HistogramColumns {
  seq: Float64Array;
  t: Float64Array;
  step: Float64Array;
  nonFinite: Float64Array;
  /** index into HISTOGRAM_OF */
  of: Uint8Array;
  /** index into `names` */
  layer: Uint32Array;
  /** index into `names`, -1: none */
  variable: Int32Array;
  names: string[];
  /** row i's counts are counts[binStart[i] .. binStart[i + 1]); its edges edges[binStart[i] + i .. binStart[i + 1] + i + 1) */
  binStart: Uint32Array;
  edges: Float64Array;
  counts: Float64Array;
}
export interface HistoryChunk {
  batch: BatchColumns | null;
  gradNorms: GradNormsColumns | null;
  histogram: HistogramColumns | null;
  /** every other event, as is */
  events: RunEvent[];
}

export const HISTOGRAM_OF = ['grad', 'weight', 'activation'] as const;
const CLIP_MODES = [undefined, 'value', 'norm'] as const;

function nullable(values: ReadonlyArray<number | null | undefined>): NullableColumn {
  const v = new Float64Array(values.length);
  let s: Uint8Array | null = null;
  values.forEach((x, i) => {
    if (typeof x === 'number') v[i] = x;
    else {
      s ??= new Uint8Array(values.length).fill(1);
      s[i] = x === null ? 2 : 0;
    }
  });
  return { v, s };
}

function records(rows: ReadonlyArray<Record<string, number | null>>): RecordColumns {
  const index = new Map<string, number>();
  for (const r of rows) for (const k in r) if (!index.has(k)) index.set(k, index.size);
  const k = index.size;
  const v = new Float64Array(rows.length * k);
  const s = new Uint8Array(rows.length * k);
  rows.forEach((r, i) => {
    for (const name in r) {
      const j = i * k + index.get(name)!;
      const x = r[name];
      if (x === null) s[j] = 2;
      else {
        s[j] = 1;
        v[j] = x;
      }
    }
  });
  return { names: [...index.keys()], v, s };
}

const f64 = <T>(rows: readonly T[], get: (r: T) => number): Float64Array => Float64Array.from(rows, get);

/** Splits events into columns (the hot kinds) and the rest. */
export function encodeHistory(events: readonly RunEvent[]): HistoryChunk {
  const batches: BatchEvent[] = [];
  const norms: GradNormsEvent[] = [];
  const hists: HistogramEvent[] = [];
  const rest: RunEvent[] = [];
  for (const e of events) {
    if (e.kind === 'batch') batches.push(e);
    else if (e.kind === 'grad-norms') norms.push(e);
    else if (e.kind === 'histogram') hists.push(e);
    else rest.push(e);
  }
  const batch: BatchColumns | null =
    batches.length === 0
      ? null
      : {
          seq: f64(batches, e => e.seq),
          t: f64(batches, e => e.t),
          step: f64(batches, e => e.step),
          epoch: f64(batches, e => e.epoch),
          batch: f64(batches, e => e.batch),
          loss: nullable(batches.map(e => e.loss)),
          lr: nullable(batches.map(e => e.lr)),
          momentum: nullable(batches.map(e => e.momentum)),
          metrics: records(batches.map(e => e.metrics)),
        };
  const gradNorms: GradNormsColumns | null =
    norms.length === 0
      ? null
      : {
          seq: f64(norms, e => e.seq),
          t: f64(norms, e => e.t),
          step: f64(norms, e => e.step),
          variables: records(norms.map(e => e.variables)),
          layers: records(norms.map(e => e.layers)),
          clipMode: Uint8Array.from(norms, e => (e.clip ? CLIP_MODES.indexOf(e.clip.mode) : 0)),
          clipThreshold: f64(norms, e => e.clip?.threshold ?? 0),
          clipPre: nullable(norms.map(e => e.clip?.preNorm)),
          clipPost: nullable(norms.map(e => e.clip?.postNorm)),
        };
  let histogram: HistogramColumns | null = null;
  if (hists.length > 0) {
    const names = new Map<string, number>();
    const name = (n: string): number => {
      let i = names.get(n);
      if (i === undefined) names.set(n, (i = names.size));
      return i;
    };
    const binStart = new Uint32Array(hists.length + 1);
    hists.forEach((e, i) => {
      binStart[i + 1] = binStart[i] + e.counts.length;
    });
    const bins = binStart[hists.length];
    const edges = new Float64Array(bins + hists.length);
    const counts = new Float64Array(bins);
    hists.forEach((e, i) => {
      counts.set(e.counts, binStart[i]);
      edges.set(e.edges, binStart[i] + i);
    });
    histogram = {
      seq: f64(hists, e => e.seq),
      t: f64(hists, e => e.t),
      step: f64(hists, e => e.step),
      nonFinite: f64(hists, e => e.nonFinite),
      of: Uint8Array.from(hists, e => HISTOGRAM_OF.indexOf(e.of)),
      layer: Uint32Array.from(hists, e => name(e.layer)),
      variable: Int32Array.from(hists, e => (e.variable === undefined ? -1 : name(e.variable))),
      names: [...names.keys()],
      binStart,
      edges,
      counts,
    };
  }
  return { batch, gradNorms, histogram, events: rest };
}

// ---- decoding ----

function nullableAt(c: NullableColumn, i: number): number | null | undefined {
  if (!c.s) return c.v[i];
  const s = c.s[i];
  return s === 1 ? c.v[i] : s === 2 ? null : undefined;
}

function recordAt(c: RecordColumns, i: number): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  const k = c.names.length;
  for (let j = 0; j < k; j++) {
    const s = c.s[i * k + j];
    if (s === 1) out[c.names[j]] = c.v[i * k + j];
    else if (s === 2) out[c.names[j]] = null;
  }
  return out;
}

export function batchAt(c: BatchColumns, i: number, runId: string): BatchEvent {
  const e: BatchEvent = {
    runId,
    seq: c.seq[i],
    t: c.t[i],
    kind: 'batch',
    step: c.step[i],
    epoch: c.epoch[i],
    batch: c.batch[i],
    loss: nullableAt(c.loss, i) ?? null,
    metrics: recordAt(c.metrics, i),
    lr: nullableAt(c.lr, i) ?? null,
  };
  const m = nullableAt(c.momentum, i);
  if (m !== undefined) e.momentum = m;
  return e;
}

export function gradNormsAt(c: GradNormsColumns, i: number, runId: string): GradNormsEvent {
  const e: GradNormsEvent = {
    runId,
    seq: c.seq[i],
    t: c.t[i],
    kind: 'grad-norms',
    step: c.step[i],
    variables: recordAt(c.variables, i),
    layers: recordAt(c.layers, i),
  };
  const mode = CLIP_MODES[c.clipMode[i]];
  if (mode)
    e.clip = {
      mode,
      threshold: c.clipThreshold[i],
      preNorm: nullableAt(c.clipPre, i) ?? null,
      postNorm: nullableAt(c.clipPost, i) ?? null,
    };
  return e;
}

/** Edges and counts are views into the chunk's arrays (no copy). */
export function histogramAt(
  c: HistogramColumns,
  i: number,
  runId: string,
): Omit<HistogramEvent, 'edges' | 'counts'> & { edges: Float64Array; counts: Float64Array } {
  const a = c.binStart[i];
  const b = c.binStart[i + 1];
  const e: Omit<HistogramEvent, 'edges' | 'counts'> & { edges: Float64Array; counts: Float64Array } = {
    runId,
    seq: c.seq[i],
    t: c.t[i],
    kind: 'histogram',
    step: c.step[i],
    of: HISTOGRAM_OF[c.of[i]],
    layer: c.names[c.layer[i]],
    edges: c.edges.subarray(a + i, b + i + 1),
    counts: c.counts.subarray(a, b),
    nonFinite: c.nonFinite[i],
  };
  if (c.variable[i] >= 0) e.variable = c.names[c.variable[i]];
  return e;
}

/** Visits the chunk's rows in seq order: batch rows by index (no event object), everything else as an event. */
export function forEachHistoryRow(
  h: HistoryChunk,
  runId: string,
  batchRow: (c: BatchColumns, i: number) => void,
  each: (e: RunEvent) => void,
): void {
  const nb = h.batch?.seq.length ?? 0;
  const ng = h.gradNorms?.seq.length ?? 0;
  const nh = h.histogram?.seq.length ?? 0;
  const ne = h.events.length;
  let ib = 0,
    ig = 0,
    ih = 0,
    ie = 0;
  while (ib < nb || ig < ng || ih < nh || ie < ne) {
    const sb = ib < nb ? h.batch!.seq[ib] : Infinity;
    const sg = ig < ng ? h.gradNorms!.seq[ig] : Infinity;
    const sh = ih < nh ? h.histogram!.seq[ih] : Infinity;
    const se = ie < ne ? h.events[ie].seq : Infinity;
    const min = Math.min(sb, sg, sh, se);
    if (sb === min) batchRow(h.batch!, ib++);
    else if (sg === min) each(gradNormsAt(h.gradNorms!, ig++, runId));
    else if (sh === min) each(histogramAt(h.histogram!, ih++, runId) as unknown as RunEvent);
    else each(h.events[ie++]);
  }
}

/** Calls `each` with the chunk's events in seq order (histogram bins as typed-array views). */
export function forEachHistoryEvent(h: HistoryChunk, runId: string, each: (e: RunEvent) => void): void {
  forEachHistoryRow(h, runId, (c, i) => each(batchAt(c, i, runId)), each);
}

/** A nullable column's value at row i: undefined when absent. */
export function nullableValue(c: NullableColumn, i: number): number | null | undefined {
  return nullableAt(c, i);
}

/** All events of a chunk, in seq order, as plain events (tests; the webview visits rows with `forEachHistoryRow`). */
export function decodeHistory(h: HistoryChunk, runId: string): RunEvent[] {
  const out: RunEvent[] = [];
  forEachHistoryEvent(h, runId, e => {
    if (e.kind === 'histogram') out.push({ ...e, edges: Array.from(e.edges), counts: Array.from(e.counts) });
    else out.push(e);
  });
  return out;
}
