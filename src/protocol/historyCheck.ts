/**
 * The check of a history chunk that crossed the webview boundary: each typed array's type and length, and the
 * event schema's rules for the column kinds (integers, finite values, required fields), in one pass over each
 * array. No zod here: a schema walking 100k rows is what the columns avoid.
 */
import { HISTOGRAM_OF, type NullableColumn, type RecordColumns } from './history';

const isInt = (x: number): boolean => Number.isInteger(x) && x >= 0;

function checkColumn(
  path: string,
  a: unknown,
  type: { new (n: number): ArrayLike<number> },
  n: number,
): string | undefined {
  if (!(a instanceof type)) return `${path}: expected ${type.name}`;
  if ((a as ArrayLike<number>).length !== n)
    return `${path}: expected ${n} values, got ${(a as ArrayLike<number>).length}`;
  return undefined;
}

function checkInts(path: string, a: Float64Array): string | undefined {
  for (let i = 0; i < a.length; i++)
    if (!isInt(a[i])) return `${path}.${i}: expected a non-negative integer, got ${a[i]}`;
  return undefined;
}

function checkFinite(path: string, a: Float64Array, mask?: Uint8Array | null): string | undefined {
  for (let i = 0; i < a.length; i++)
    if ((!mask || mask[i] === 1) && !Number.isFinite(a[i])) return `${path}.${i}: expected a finite number`;
  return undefined;
}

function checkNullable(path: string, c: unknown, n: number): string | undefined {
  if (typeof c !== 'object' || c === null) return `${path}: expected a column`;
  const { v, s } = c as NullableColumn;
  const bad =
    checkColumn(`${path}.v`, v, Float64Array, n) ??
    (s === null ? undefined : checkColumn(`${path}.s`, s, Uint8Array, n));
  if (bad) return bad;
  if (s) for (let i = 0; i < n; i++) if (s[i] > 2) return `${path}.s.${i}: expected 0, 1 or 2`;
  return checkFinite(`${path}.v`, v, s ?? undefined);
}

function checkRecords(path: string, c: unknown, n: number): string | undefined {
  if (typeof c !== 'object' || c === null) return `${path}: expected columns`;
  const { names, v, s } = c as RecordColumns;
  if (!Array.isArray(names) || names.some(x => typeof x !== 'string')) return `${path}.names: expected strings`;
  if (new Set(names).size !== names.length) return `${path}.names: duplicate name`;
  const bad =
    checkColumn(`${path}.v`, v, Float64Array, n * names.length) ??
    checkColumn(`${path}.s`, s, Uint8Array, n * names.length);
  if (bad) return bad;
  for (let i = 0; i < s.length; i++) if (s[i] > 2) return `${path}.s.${i}: expected 0, 1 or 2`;
  return checkFinite(`${path}.v`, v, s);
}

function checkBase(path: string, c: { seq: unknown; t: unknown; step: unknown }): { n: number } | string {
  if (!(c.seq instanceof Float64Array)) return `${path}.seq: expected Float64Array`;
  const n = c.seq.length;
  const bad =
    checkColumn(`${path}.t`, c.t, Float64Array, n) ??
    checkColumn(`${path}.step`, c.step, Float64Array, n) ??
    checkInts(`${path}.seq`, c.seq) ??
    checkInts(`${path}.step`, c.step as Float64Array);
  if (bad) return bad;
  const t = c.t as Float64Array;
  for (let i = 0; i < n; i++)
    if (!(t[i] >= 0) || t[i] === Infinity) return `${path}.t.${i}: expected a non-negative number`;
  return { n };
}

function obj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks a decoded chunk's columns in one pass over each array (the event schema's rules for those kinds);
 * returns the first problem, naming the field, or undefined. `events` are checked by the caller's schema.
 */
export function checkHistory(h: unknown): string | undefined {
  if (!obj(h)) return 'history: expected an object';
  if (!Array.isArray(h.events)) return 'events: expected an array';
  if (h.batch !== null) {
    if (!obj(h.batch)) return 'batch: expected columns or null';
    const b = h.batch;
    const base = checkBase('batch', b as never);
    if (typeof base === 'string') return base;
    const { n } = base;
    const bad =
      checkColumn('batch.epoch', b.epoch, Float64Array, n) ??
      checkColumn('batch.batch', b.batch, Float64Array, n) ??
      checkInts('batch.epoch', b.epoch as Float64Array) ??
      checkInts('batch.batch', b.batch as Float64Array) ??
      checkNullable('batch.loss', b.loss, n) ??
      checkNullable('batch.lr', b.lr, n) ??
      checkNullable('batch.momentum', b.momentum, n) ??
      checkRecords('batch.metrics', b.metrics, n);
    if (bad) return bad;
    const loss = b.loss as NullableColumn;
    if (loss.s) for (let i = 0; i < n; i++) if (loss.s[i] === 0) return `batch.loss.s.${i}: loss is required`;
  }
  if (h.gradNorms !== null) {
    if (!obj(h.gradNorms)) return 'gradNorms: expected columns or null';
    const g = h.gradNorms;
    const base = checkBase('gradNorms', g as never);
    if (typeof base === 'string') return base;
    const { n } = base;
    const bad =
      checkRecords('gradNorms.variables', g.variables, n) ??
      checkRecords('gradNorms.layers', g.layers, n) ??
      checkColumn('gradNorms.clipMode', g.clipMode, Uint8Array, n) ??
      checkColumn('gradNorms.clipThreshold', g.clipThreshold, Float64Array, n) ??
      checkNullable('gradNorms.clipPre', g.clipPre, n) ??
      checkNullable('gradNorms.clipPost', g.clipPost, n);
    if (bad) return bad;
    const mode = g.clipMode as Uint8Array;
    const thr = g.clipThreshold as Float64Array;
    const pre = g.clipPre as NullableColumn;
    const post = g.clipPost as NullableColumn;
    for (let i = 0; i < n; i++) {
      if (mode[i] > 2) return `gradNorms.clipMode.${i}: expected 0, 1 or 2`;
      if (mode[i] === 0) continue;
      if (!(thr[i] > 0) || thr[i] === Infinity) return `gradNorms.clipThreshold.${i}: expected a positive number`;
      if ((pre.s && pre.s[i] === 0) || (post.s && post.s[i] === 0))
        return `gradNorms.clip.${i}: preNorm and postNorm are required`;
    }
  }
  if (h.histogram !== null) {
    if (!obj(h.histogram)) return 'histogram: expected columns or null';
    const c = h.histogram;
    const base = checkBase('histogram', c as never);
    if (typeof base === 'string') return base;
    const { n } = base;
    if (!Array.isArray(c.names) || c.names.some(x => typeof x !== 'string')) return 'histogram.names: expected strings';
    const names = c.names.length;
    const bad =
      checkColumn('histogram.nonFinite', c.nonFinite, Float64Array, n) ??
      checkInts('histogram.nonFinite', c.nonFinite as Float64Array) ??
      checkColumn('histogram.of', c.of, Uint8Array, n) ??
      checkColumn('histogram.layer', c.layer, Uint32Array, n) ??
      checkColumn('histogram.variable', c.variable, Int32Array, n) ??
      checkColumn('histogram.binStart', c.binStart, Uint32Array, n + 1);
    if (bad) return bad;
    const of = c.of as Uint8Array,
      layer = c.layer as Uint32Array,
      variable = c.variable as Int32Array,
      binStart = c.binStart as Uint32Array;
    if (binStart[0] !== 0) return 'histogram.binStart.0: expected 0';
    for (let i = 0; i < n; i++) {
      if (of[i] >= HISTOGRAM_OF.length) return `histogram.of.${i}: unknown kind ${of[i]}`;
      if (layer[i] >= names) return `histogram.layer.${i}: no such name`;
      if (variable[i] < -1 || variable[i] >= names) return `histogram.variable.${i}: no such name`;
      if (binStart[i + 1] < binStart[i]) return `histogram.binStart.${i + 1}: must not decrease`;
    }
    const bins = binStart[n];
    const badBins =
      checkColumn('histogram.counts', c.counts, Float64Array, bins) ??
      checkColumn('histogram.edges', c.edges, Float64Array, bins + n) ??
      checkFinite('histogram.edges', c.edges as Float64Array);
    if (badBins) return badBins;
    const counts = c.counts as Float64Array;
    for (let i = 0; i < bins; i++)
      if (!(counts[i] >= 0) || counts[i] === Infinity) return `histogram.counts.${i}: expected a non-negative number`;
  }
  return undefined;
}
