/**
 * One TensorBoard run followed as the dashboard host shows it (extension/logdirs.ts is only its VS Code glue): read a
 * poll at a time, every event stamped with its place in the run (seq), and diagnosed by the DiagnosisEngine *after*
 * it is shown: diagnosis runs in slices of DIAGNOSIS_SLICE_MS that yield to the event loop (setImmediate), so the
 * first chart of a long logdir does not wait for the diagnosis of its first read (a logdir that logs a validation tag
 * every step has as many epochs as steps), and the extension host stays responsive meanwhile. A finding is appended
 * to the run's events (after what was read so far: seq keeps growing) and handed to `onEvent` as soon as it is found.
 */
import type { ExplainedEvent, Finding, RunEvent } from '../protocol';
import { LogdirRunReader, LOGDIR_FIRST_READ_BYTES } from './convert';
import { locateLogdirFinding } from './findings';
import type { LogdirRun } from './logdir';

/** longest stretch of diagnosis before the event loop gets a turn */
export const DIAGNOSIS_SLICE_MS = 15;

/** what diagnoses the run: the DiagnosisEngine (src/detectors/ sits above this folder, so it is handed in) */
export interface RunDiagnosis {
  observe(e: RunEvent): Finding[];
  /** symptoms a raised finding explains, since the last call (appended as `explained` events) */
  takeExplained?(): Array<Pick<ExplainedEvent, 'cause' | 'symptom'>>;
}

export interface LogdirFollowerOptions {
  /** an event appended after the first read (later polls, findings), in seq order */
  onEvent?: (e: RunEvent) => void;
  /** a read that failed (the run keeps what it had) */
  onWarning?: (message: string) => void;
  sliceMs?: number;
}

export class LogdirFollower {
  readonly reader: LogdirRunReader;
  /** the run's events so far, findings included, each event's seq its index */
  readonly events: RunEvent[] = [];
  /** read events not diagnosed yet (findings are not fed back to the engine) */
  private queue: RunEvent[] = [];
  private queueAt = 0;
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];
  private stopped = false;
  private readonly sliceMs: number;

  constructor(
    readonly run: LogdirRun,
    readonly engine: RunDiagnosis,
    runId?: string,
    private readonly opts: LogdirFollowerOptions = {},
  ) {
    this.reader = new LogdirRunReader(run, runId);
    this.sliceMs = opts.sliceMs ?? DIAGNOSIS_SLICE_MS;
  }

  get runId(): string {
    return this.reader.runId;
  }

  /** bytes left past the last poll's budget: poll again soon for the rest */
  get more(): boolean {
    return this.reader.more;
  }

  /** whether every event read so far has been diagnosed */
  get diagnosed(): boolean {
    return this.queueAt >= this.queue.length;
  }

  /**
   * Reads what the run gained (at most LOGDIR_FIRST_READ_BYTES per file), appends it stamped, and schedules its
   * diagnosis. Returns the new events; `publish` also hands them to `onEvent` (every poll after the first read).
   */
  poll(publish: boolean): RunEvent[] {
    let fresh: RunEvent[];
    try {
      fresh = this.reader.poll(false, LOGDIR_FIRST_READ_BYTES);
    } catch (e) {
      this.opts.onWarning?.(`TensorBoard run ${this.run.dir}: ${(e as Error).message}`);
      return [];
    }
    for (const e of fresh) {
      // stamped in place: the reader's events are new objects, a copy each would double a long run's garbage
      e.seq = this.events.length;
      this.events.push(e);
      if (publish) this.opts.onEvent?.(e);
    }
    if (this.queueAt >= 10_000 && this.queueAt * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.queueAt); // the diagnosed head dropped (no quadratic shifting)
      this.queueAt = 0;
    }
    for (const e of fresh) this.queue.push(e);
    this.schedule();
    return fresh;
  }

  /** Resolves once every event read so far is diagnosed (for benchmarks and tests). */
  idle(): Promise<void> {
    if (this.diagnosed || this.stopped) return Promise.resolve();
    return new Promise(resolve => this.idleWaiters.push(resolve));
  }

  /** No more diagnosis (the run is no longer shown). */
  stop(): void {
    this.stopped = true;
    this.wake();
  }

  private schedule(): void {
    if (this.scheduled || this.stopped || this.diagnosed) return;
    this.scheduled = true;
    setImmediate(() => this.slice());
  }

  private slice(): void {
    this.scheduled = false;
    if (this.stopped) return;
    const until = performance.now() + this.sliceMs;
    const ctx = { runName: this.run.name, tagOf: this.reader.tagOf };
    while (this.queueAt < this.queue.length) {
      const e = this.queue[this.queueAt++];
      for (const finding of this.engine.observe(e)) {
        const event: RunEvent = {
          kind: 'finding',
          runId: e.runId,
          seq: this.events.length,
          t: e.t,
          finding: locateLogdirFinding(finding, ctx),
        };
        this.events.push(event);
        this.opts.onEvent?.(event);
      }
      for (const { cause, symptom } of this.engine.takeExplained?.() ?? []) {
        const event: RunEvent = { kind: 'explained', runId: e.runId, seq: this.events.length, t: e.t, cause, symptom };
        this.events.push(event);
        this.opts.onEvent?.(event);
      }
      if (performance.now() >= until) break;
    }
    if (this.diagnosed) this.wake();
    else this.schedule();
  }

  private wake(): void {
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
