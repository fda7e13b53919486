/**
 * The scalars and histograms of one Event, whatever wrote it: TF1 summaries (`simple_value`, `histo`: PyTorch's
 * SummaryWriter and tensorboardX write these) and TF2 tensor summaries tagged by their plugin (`scalars`: a rank-0
 * tensor; `histograms`: a k×3 tensor of [left edge, right edge, count] rows, as Keras' TensorBoard callback writes).
 * Other summaries (images, text, audio, hparams) are counted and left out.
 */
import { toNumber, type HistogramProto, type TensorProto, type ValueFields } from './codec';
import type { PointColumns } from './points';

const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const DT_INT32 = 3;
const DT_INT64 = 9;

/** The numbers a TensorProto holds, as doubles (packed `tensor_content` or the typed `*_val` lists). */
export function tensorValues(t: TensorProto): number[] {
  const content = t.tensor_content;
  if (content && content.length) {
    const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
    const out: number[] = [];
    if (t.dtype === DT_FLOAT) for (let i = 0; i + 4 <= content.length; i += 4) out.push(view.getFloat32(i, true));
    else if (t.dtype === DT_DOUBLE) for (let i = 0; i + 8 <= content.length; i += 8) out.push(view.getFloat64(i, true));
    else if (t.dtype === DT_INT32) for (let i = 0; i + 4 <= content.length; i += 4) out.push(view.getInt32(i, true));
    else if (t.dtype === DT_INT64)
      for (let i = 0; i + 8 <= content.length; i += 8) out.push(Number(view.getBigInt64(i, true)));
    return out;
  }
  if (t.float_val?.length) return t.float_val;
  if (t.double_val?.length) return t.double_val;
  if (t.int_val?.length) return t.int_val;
  if (t.int64_val?.length) return t.int64_val.map(v => toNumber(v));
  return [];
}

/** TF1 HistogramProto: bucket i spans (bucket_limit[i-1], bucket_limit[i]]; the outer edges are min and max. */
export function histoToBins(h: HistogramProto): { edges: number[]; counts: number[] } {
  const limits = h.bucket_limit ?? [];
  const counts = h.bucket ?? [];
  const n = Math.min(limits.length, counts.length);
  if (n === 0) return { edges: [], counts: [] };
  const lo = h.min ?? 0;
  const hi = h.max ?? lo;
  const edges = [lo];
  // the last limit is DBL_MAX in TensorFlow's default buckets: clamp every edge into [min, max], keep them sorted
  for (let i = 0; i < n; i++) edges.push(Math.max(edges[i], Math.min(limits[i], hi)));
  return { edges, counts: counts.slice(0, n) };
}

/** TF2 histogram tensor: rows of [left, right, count]. */
function tensorToBins(t: TensorProto): { edges: number[]; counts: number[] } | undefined {
  const dims = t.tensor_shape?.dim ?? [];
  if (dims.length !== 2 || toNumber(dims[1].size) !== 3) return undefined;
  const v = tensorValues(t);
  const k = toNumber(dims[0].size);
  if (v.length !== k * 3) return undefined;
  if (k === 0) return { edges: [], counts: [] };
  const edges = [v[0]];
  const counts: number[] = [];
  for (let i = 0; i < k; i++) {
    edges.push(Math.max(edges[i], v[i * 3 + 1]));
    counts.push(Math.max(0, v[i * 3 + 2]));
  }
  return { edges, counts };
}

export interface SummaryTally {
  /** summary values that are neither a scalar nor a histogram (images, text, audio, hparams, …) */
  skipped: number;
  /** each tag's plugin: TF2 writers put the plugin metadata on a tag's first value only */
  plugins: Map<string, string>;
}

/**
 * The scalar or histogram point of one summary value, into `points` (any other kind is counted in `tally.skipped`).
 * Its step and wall time are the event's: `readEvent` knows them only once the whole record is read.
 */
export function takeValue(v: ValueFields, tally: SummaryTally, points: PointColumns): void {
  const tag = v.tag;
  if (v.simple !== undefined) return points.pushScalar(tag, v.simple);
  if (v.histo) return points.pushHistogram({ type: 'histogram', tag, step: 0, wallTime: 0, ...histoToBins(v.histo) });
  let plugin = v.metadata?.plugin_data?.plugin_name;
  if (plugin) tally.plugins.set(tag, plugin);
  else plugin = tally.plugins.get(tag);
  if (v.tensor && plugin === 'scalars') {
    const values = tensorValues(v.tensor);
    if (values.length === 1) return points.pushScalar(tag, values[0]);
  } else if (v.tensor && plugin === 'histograms') {
    const bins = tensorToBins(v.tensor);
    if (bins) return points.pushHistogram({ type: 'histogram', tag, step: 0, wallTime: 0, ...bins });
  }
  tally.skipped++;
}
