/**
 * Samples tf.memory() once per step (two counters: no tensor is made, none is read). When the tensor count has
 * grown for several steps in a row it watches one step closely: every tensor tfjs tracks during that step gets its
 * creation stack, and those still alive at the next sample that were made in the job's own code name the line that
 * leaks (Node maps the stack through the job bundle's source map).
 */
import type { EventBody, SourceLocation } from '../protocol';
import type { Tf, Tensor } from '../tf/types';
import { userLocation } from '../stack/frames';

type MemoryBody = Extract<EventBody, { kind: 'memory' }>;

/** consecutive growing steps before a step is watched */
const SUSPECT_AFTER = 5;
/** a sample goes out at least this often even when nothing changed (the chart's continuity) */
const EMIT_EVERY = 25;
/** creation stacks kept in the watched step (a step of a large model makes thousands of tensors) */
const MAX_WATCHED = 20_000;
/** steps watched at most per fit when no leaking line of the job's own shows up (the leak is inside a library) */
const MAX_WATCHES = 3;
/** a tfjs op's creation stack is ~10 frames deep before it reaches the caller */
const WATCH_STACK_LIMIT = 40;

interface EngineLike {
  trackTensor(t: Tensor, backend: unknown): void;
}

export class MemoryProbe {
  private last: { tensors: number; bytes: number; step: number } | undefined;
  private growing = 0;
  private watched: Array<{ tensor: Tensor; stack: string | undefined }> | undefined;
  private restore: (() => void) | undefined;
  private caught = false;
  private watches = 0;

  constructor(
    private readonly tf: Tf,
    private readonly isUserFile?: (file: string) => boolean,
  ) {}

  /** samples after `step` and sends the memory event when there is one to send; `final`: fit is over, always send */
  report(step: number, emit: (body: MemoryBody) => void, final = false): void {
    const body = this.sample(step, final);
    if (final) this.dispose();
    if (body) emit(body);
  }

  /** reads the counters after `step`; returns the event to send, if any */
  sample(step: number, force = false): MemoryBody | undefined {
    const { numTensors: tensors, numBytes: bytes } = this.tf.memory();
    const site = this.finishWatch();
    const prev = this.last;
    this.growing = prev && tensors > prev.tensors ? this.growing + 1 : 0;
    if (!force && this.growing >= SUSPECT_AFTER && !this.caught && !this.watched && this.watches < MAX_WATCHES)
      this.startWatch();
    const changed = !prev || prev.tensors !== tensors || prev.bytes !== bytes;
    if (!force && !site && !changed && prev && step - prev.step < EMIT_EVERY) return undefined;
    this.last = { tensors, bytes, step };
    return { kind: 'memory', step, tensors, bytes, ...(site ? { site } : {}) };
  }

  dispose(): void {
    this.restore?.();
    this.restore = undefined;
    this.watched = undefined;
  }

  private startWatch(): void {
    const engine = this.tf.engine() as unknown as EngineLike;
    const track = engine.trackTensor;
    const watched: Array<{ tensor: Tensor; stack: string | undefined }> = [];
    const limit = Error.stackTraceLimit;
    engine.trackTensor = function (this: EngineLike, t: Tensor, backend: unknown) {
      track.call(this, t, backend);
      if (watched.length >= MAX_WATCHED) return;
      Error.stackTraceLimit = WATCH_STACK_LIMIT;
      watched.push({ tensor: t, stack: new Error().stack });
      Error.stackTraceLimit = limit;
    };
    this.watches++;
    this.watched = watched;
    this.restore = () => {
      engine.trackTensor = track;
    };
  }

  /** the most frequent user-code line among the watched step's tensors that are still alive */
  private finishWatch(): (SourceLocation & { count: number }) | undefined {
    if (!this.watched) return undefined;
    const watched = this.watched;
    this.dispose();
    const counts = new Map<string, { location: SourceLocation; count: number }>();
    for (const { tensor, stack } of watched) {
      if (tensor.isDisposed) continue;
      const location = userLocation(stack, this.isUserFile);
      if (!location) continue;
      const key = `${location.file}:${location.line}`;
      const entry = counts.get(key) ?? { location, count: 0 };
      entry.count++;
      counts.set(key, entry);
    }
    const best = [...counts.values()].sort((a, b) => b.count - a.count)[0];
    if (!best) return undefined;
    this.caught = true;
    return { ...best.location, count: best.count };
  }
}
