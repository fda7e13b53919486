/**
 * TensorBoard's `Event` proto, decoded and encoded with protobufjs from TensorBoard's own definitions
 * (proto/tensorboard.json, generated from the tensorboard package by scripts/tfevents/proto.mjs).
 */
import * as protobuf from 'protobufjs/light';
import descriptor from './proto/tensorboard.json';

const root = protobuf.Root.fromJSON(descriptor as protobuf.INamespace);
const EventType = root.lookupType('tensorboard.Event');
const SummaryType = root.lookupType('tensorboard.Summary');
const ValueType = root.lookupType('tensorboard.Summary.Value');
const HistogramType = root.lookupType('tensorboard.HistogramProto');
const TensorType = root.lookupType('tensorboard.TensorProto');
const MetadataType = root.lookupType('tensorboard.SummaryMetadata');

/** int64 fields come back as Long (long.js) or number: steps fit a double */
type Int64 = number | { toNumber(): number };

export interface HistogramProto {
  min?: number;
  max?: number;
  num?: number;
  sum?: number;
  sum_squares?: number;
  bucket_limit?: number[];
  bucket?: number[];
}

export interface TensorProto {
  dtype?: number;
  tensor_shape?: { dim?: Array<{ size?: Int64 }> };
  tensor_content?: Uint8Array;
  float_val?: number[];
  double_val?: number[];
  int_val?: number[];
  int64_val?: Int64[];
  half_val?: number[];
}

export interface SummaryValue {
  tag?: string;
  metadata?: { plugin_data?: { plugin_name?: string; content?: Uint8Array }; data_class?: number };
  simple_value?: number;
  histo?: HistogramProto;
  tensor?: TensorProto;
}

export interface TfEvent {
  wall_time?: number;
  step?: Int64;
  file_version?: string;
  summary?: { value?: SummaryValue[] };
}

export function toNumber(x: Int64 | undefined): number {
  return x === undefined ? 0 : typeof x === 'number' ? x : x.toNumber();
}

/** Decodes one record; throws on bytes that are not an Event. */
export function decodeEvent(data: Uint8Array): TfEvent {
  return EventType.decode(data) as unknown as TfEvent;
}

export function encodeEvent(event: TfEvent): Uint8Array {
  return EventType.encode(EventType.fromObject(event)).finish();
}

/**
 * The wire tag (field number and wire type) of a field, from TensorBoard's own definitions: the streaming reader
 * below matches whole tags, so a field sent with another wire type is skipped, as protobufjs' decoder does.
 */
function wireTag(type: protobuf.Type, name: string): number {
  const field = type.fields[name];
  const basic = (protobuf.types.basic as Record<string, number | undefined>)[field.type];
  return ((field.id << 3) | (basic ?? 2)) >>> 0;
}
const EVENT_WALL_TIME = wireTag(EventType, 'wall_time');
const EVENT_STEP = wireTag(EventType, 'step');
const EVENT_SUMMARY = wireTag(EventType, 'summary');
const SUMMARY_VALUE = wireTag(SummaryType, 'value');
const VALUE_TAG = wireTag(ValueType, 'tag');
const VALUE_SIMPLE = wireTag(ValueType, 'simple_value');
const VALUE_HISTO = wireTag(ValueType, 'histo');
const VALUE_TENSOR = wireTag(ValueType, 'tensor');
const VALUE_METADATA = wireTag(ValueType, 'metadata');

/** One summary value as the streaming reader hands it over: reused from value to value, copy what you keep. */
export interface ValueFields {
  tag: string;
  simple?: number;
  histo?: HistogramProto;
  tensor?: TensorProto;
  metadata?: SummaryValue['metadata'];
}

export type RecordReader = protobuf.Reader;

/** A protobufjs reader over a buffer of whole records; `readEvent` moves it from record to record. */
export function recordReader(buf: Uint8Array): RecordReader {
  const r = protobuf.Reader.create(buf);
  // unknown fields are not kept (protobufjs would otherwise store their bytes on every sub-message it decodes)
  r.discardUnknown = true;
  return r;
}

/**
 * Reads the Event in `r.buf[start, end)` without building it: its summary values go to `onValue` one by one, then
 * its step and wall time (0 when absent) are returned through `at`. Only the fields the conversion uses are decoded
 * (wall_time, step, and of each value tag, simple_value, histo, tensor, metadata; histograms, tensors and metadata
 * with protobufjs' own decoders); the rest (graphs, images, run metadata, …) is skipped unread. A long run's event
 * file is hundreds of thousands of one-scalar events: building each as objects (Event, Summary, Value, Long) cost
 * most of a read in garbage collection. Throws on bytes that are not an Event, as `decodeEvent` does.
 */
export function readEvent(
  r: RecordReader,
  start: number,
  end: number,
  onValue: (v: ValueFields) => void,
  at: { step: number; wallTime: number },
): void {
  r.pos = start;
  r.len = end;
  at.step = 0;
  at.wallTime = 0;
  while (r.pos < end) {
    const t = r.tag();
    if (t === EVENT_WALL_TIME) at.wallTime = r.double();
    else if (t === EVENT_STEP)
      at.step = toNumber(r.int64() as unknown as Int64); // long.js Long, or a number without it;
    else if (t === EVENT_SUMMARY) {
      const summaryEnd = enter(r);
      while (r.pos < summaryEnd) {
        const tv = r.tag();
        if (tv === SUMMARY_VALUE) {
          const valueEnd = enter(r);
          onValue(readValue(r, valueEnd));
          r.len = summaryEnd;
        } else r.skipType(tv & 7, 1, tv >>> 3);
      }
      r.len = end;
    } else r.skipType(t & 7, 0, t >>> 3);
  }
}

const scratch: ValueFields = { tag: '' };

function readValue(r: RecordReader, end: number): ValueFields {
  const v = scratch;
  v.tag = '';
  v.simple = v.histo = v.tensor = v.metadata = undefined;
  while (r.pos < end) {
    const t = r.tag();
    if (t === VALUE_TAG) v.tag = r.string();
    else if (t === VALUE_SIMPLE) v.simple = r.float();
    else if (t === VALUE_HISTO) v.histo = HistogramType.decode(r, r.size()) as HistogramProto;
    else if (t === VALUE_TENSOR) v.tensor = TensorType.decode(r, r.size()) as TensorProto;
    else if (t === VALUE_METADATA) v.metadata = MetadataType.decode(r, r.size()) as SummaryValue['metadata'];
    else r.skipType(t & 7, 2, t >>> 3);
  }
  return v;
}

/** Enters a length-delimited field: bounds the reader to it and returns where it ends. */
function enter(r: RecordReader): number {
  const end = r.size() + r.pos;
  if (end > r.len) throw RangeError('index out of range');
  r.len = end;
  return end;
}
