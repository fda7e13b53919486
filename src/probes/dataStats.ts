/**
 * Pure statistics over a fit's data, read back as flat arrays (row-major, `rowSize` values per sample): NaN/Inf
 * counts, how the targets are encoded and which class each sample belongs to, hashes of input rows. No tfjs here.
 */

export interface TensorCheck {
  name: string;
  values: number;
  nonFinite: number;
  nan: number;
  firstIndex: number[] | null;
}

/** Counts NaN/±Inf values and says where the first one is (an index per dimension of `shape`). */
export function scanNonFinite(name: string, values: ArrayLike<number>, shape: readonly number[]): TensorCheck {
  let nonFinite = 0,
    nan = 0,
    first = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) {
      // NaN or ±Infinity, without a function call per value
      if (first < 0) first = i;
      nonFinite++;
      if (v !== v) nan++;
    }
  }
  return { name, values: values.length, nonFinite, nan, firstIndex: first < 0 ? null : unravel(first, shape) };
}

/** The index per dimension of a row-major flat index. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = Math.max(1, shape[d]);
    index[d] = flat % size;
    flat = Math.floor(flat / size);
  }
  return index;
}

export type LabelEncoding = 'one-hot' | 'sparse' | 'binary' | 'probabilities' | 'continuous' | 'multi-hot';

export interface LabelSummary {
  encoding: LabelEncoding;
  width: number;
  min: number | null;
  max: number | null;
  rowSumError: number | null;
  integer: boolean;
}

/** How targets of `width` columns are encoded, from their values (non-finite values are skipped). */
export function summarizeLabels(values: ArrayLike<number>, width: number): LabelSummary {
  let min = Infinity,
    max = -Infinity,
    integer = true,
    binary = true,
    rowSumError = 0,
    oneHot = true;
  for (let r = 0; r * width < values.length; r++) {
    let sum = 0,
      ones = 0;
    for (let j = 0; j < width; j++) {
      const v = values[r * width + j];
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
      if (v !== Math.round(v)) integer = false;
      if (v !== 0 && v !== 1) binary = false;
      if (v === 1) ones++;
      sum += v;
    }
    if (width > 1) {
      rowSumError = Math.max(rowSumError, Math.abs(sum - 1));
      if (ones !== 1) oneHot = false;
    }
  }
  const finiteRange = Number.isFinite(min);
  const inUnit = finiteRange && min >= 0 && max <= 1;
  let encoding: LabelEncoding;
  if (width > 1) {
    if (binary && oneHot) encoding = 'one-hot';
    else if (binary) encoding = 'multi-hot';
    else encoding = inUnit ? 'probabilities' : 'continuous';
  } else if (binary) encoding = 'binary';
  else if (integer && finiteRange && min >= 0) encoding = 'sparse';
  else encoding = inUnit ? 'probabilities' : 'continuous';
  return {
    encoding,
    width,
    min: finiteRange ? min : null,
    max: finiteRange ? max : null,
    rowSumError: width > 1 ? rowSumError : null,
    integer,
  };
}

/**
 * Number of classes of a single-label classification, or null: one-hot targets (one column per class), class
 * indices for a multi-unit output, 0/1 targets for a one-unit output.
 */
export function classCount(labels: LabelSummary, outputUnits: number | null): number | null {
  if (labels.encoding === 'one-hot') return labels.width;
  if (labels.width !== 1) return null;
  if (outputUnits != null && outputUnits > 1 && (labels.encoding === 'sparse' || labels.encoding === 'binary')) {
    return Math.max(outputUnits, (labels.max ?? 0) + 1);
  }
  if (outputUnits === 1 && labels.encoding === 'binary') return 2;
  return null;
}

/** The class of each sample (argmax of a row; a one-column target's value, thresholded at 0.5 for 0/1 targets). */
export function classesOf(values: ArrayLike<number>, width: number, threshold: boolean): Int32Array {
  const n = Math.floor(values.length / width);
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    if (width === 1) {
      const v = values[r];
      out[r] = threshold ? (v >= 0.5 ? 1 : 0) : Number.isFinite(v) ? Math.round(v) : -1;
      continue;
    }
    let best = 0,
      bestV = -Infinity;
    for (let j = 0; j < width; j++) {
      const v = values[r * width + j];
      if (v > bestV) {
        bestV = v;
        best = j;
      }
    }
    out[r] = best;
  }
  return out;
}

/** Samples per class over rows [from, to) (indices outside [0, classes) are not counted). */
export function countClasses(classes: Int32Array, k: number, from = 0, to = classes.length): number[] {
  const counts = new Array<number>(k).fill(0);
  for (let i = from; i < to; i++) {
    const c = classes[i];
    if (c >= 0 && c < k) counts[c]++;
  }
  return counts;
}

/**
 * A 52-bit hash of each row's bytes (two 32-bit FNV-1a streams over the row's float32 bits): identical rows get the
 * same hash; with 1e5 rows the chance of a false match is about 1e-6.
 */
export function hashRows(
  values: Float32Array,
  rowSize: number,
  from = 0,
  to = Math.floor(values.length / Math.max(1, rowSize)),
): Float64Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Float64Array(Math.max(0, to - from));
  for (let r = from; r < to; r++) {
    let a = 0x811c9dc5,
      b = 0x01000193 ^ rowSize;
    for (let j = r * rowSize, end = j + rowSize; j < end; j++) {
      const w = bits[j];
      a = Math.imul(a ^ w, 0x01000193);
      b = Math.imul(b ^ ((w >>> 16) | (w << 16)), 0x85ebca6b);
    }
    out[r - from] = (a >>> 0) * 0x100000 + ((b >>> 12) & 0xfffff);
  }
  return out;
}

/** How many of the validation rows also occur among the training rows. */
export function countShared(train: Float64Array, val: Float64Array): number {
  const seen = new Set<number>(train);
  let shared = 0;
  for (const h of val) if (seen.has(h)) shared++;
  return shared;
}

/** Confusion matrix (true class rows x predicted class columns) of k classes. */
export function confusion(truth: Int32Array, predicted: Int32Array, k: number): number[][] {
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i],
      p = predicted[i];
    if (t >= 0 && t < k && p >= 0 && p < k) m[t][p]++;
  }
  return m;
}
