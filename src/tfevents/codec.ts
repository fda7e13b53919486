/**
 * TensorBoard's `Event` proto, decoded and encoded with protobufjs from TensorBoard's own definitions
 * (proto/tensorboard.json, generated from the tensorboard package by scripts/tfevents/proto.mjs).
 */
import * as protobuf from 'protobufjs/light';
import descriptor from './proto/tensorboard.json';

const root = protobuf.Root.fromJSON(descriptor as protobuf.INamespace);
const EventType = root.lookupType('tensorboard.Event');

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
