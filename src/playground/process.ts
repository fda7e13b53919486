/**
 * Host side of the playground child: forks it on first use, sends one request at a time, validates every reply.
 * Requests arriving while one is computed replace each other (a dragged slider sends many): only the newest
 * waiting one is computed next, the ones it replaced resolve as `superseded`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  parsePlaygroundReply,
  type PlaygroundJob,
  type PlaygroundRequest,
  type PlaygroundResult,
} from '../protocol/playground';

export type ComputeOutcome = { kind: 'result'; result: PlaygroundResult } | { kind: 'superseded' };

export interface PlaygroundEntry {
  entry: string;
  execArgv: string[];
}

/** dist/playground.js next to the built extension, or the TypeScript source under tsx (tests, dev). */
export function playgroundEntry(fromDir: string = __dirname): PlaygroundEntry {
  const built = path.join(fromDir, 'playground.js');
  if (fs.existsSync(built)) return { entry: built, execArgv: [] };
  const src = path.resolve(fromDir, '..', 'playground', 'child.ts');
  return { entry: fs.existsSync(src) ? src : path.join(fromDir, 'child.ts'), execArgv: ['--import', 'tsx'] };
}

interface Waiting {
  request: PlaygroundRequest;
  resolve(o: ComputeOutcome): void;
  reject(e: Error): void;
}

export class PlaygroundProcess {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private inFlight: (Waiting & { id: number }) | undefined;
  private waiting: Waiting | undefined;
  private stderrTail = '';
  private disposed = false;

  constructor(
    private readonly entry: PlaygroundEntry,
    private readonly timeoutMs = 60_000,
  ) {}

  compute(request: PlaygroundRequest): Promise<ComputeOutcome> {
    if (this.disposed) return Promise.reject(new Error('the playground process was disposed'));
    return new Promise<ComputeOutcome>((resolve, reject) => {
      this.waiting?.resolve({ kind: 'superseded' });
      this.waiting = { request, resolve, reject };
      this.pump();
    });
  }

  /** the child's pid while it runs (tests check it is a separate process) */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private timer: NodeJS.Timeout | undefined;

  private pump(): void {
    if (this.inFlight || !this.waiting) return;
    const w = this.waiting;
    this.waiting = undefined;
    const id = this.nextId++;
    this.inFlight = { ...w, id };
    const child = this.ensureChild();
    const job: PlaygroundJob = { type: 'compute', id, request: w.request };
    // a channel that closed before 'exit' fails the request instead of throwing in the extension host
    child.send(job, err => {
      if (err && this.inFlight?.id === id) this.fail(new Error(`the playground process is gone: ${err.message}`), true);
    });
    this.timer = setTimeout(
      () => this.fail(new Error(`the playground did not answer within ${this.timeoutMs / 1000} s`), true),
      this.timeoutMs,
    );
  }

  private ensureChild(): ChildProcess {
    if (this.child) return this.child;
    this.stderrTail = '';
    const child = fork(this.entry.entry, [], {
      execArgv: this.entry.execArgv,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', TF_CPP_MIN_LOG_LEVEL: '2' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      this.stderrTail = (this.stderrTail + d).slice(-2000);
    });
    child.on('message', raw => this.onReply(raw));
    child.on('error', err => {
      if (this.child === child) this.fail(new Error(`the playground process failed: ${err.message}`), true);
    });
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      const tail = this.stderrTail.trim().split('\n').slice(-3).join('\n');
      this.fail(
        new Error(
          `the playground process exited (${signal ? 'signal ' + signal : 'code ' + code})${tail ? ': ' + tail : ''}`,
        ),
        false,
      );
    });
    this.child = child;
    return child;
  }

  private onReply(raw: unknown): void {
    const r = parsePlaygroundReply(raw);
    if (!r.ok) return this.fail(new Error(`invalid reply from the playground process: ${r.reason}`), false);
    const reply = r.value;
    const w = this.inFlight;
    if (!w || reply.id !== w.id) return; // an answer to a request that already failed (timeout)
    this.settle();
    if (reply.type === 'result') w.resolve({ kind: 'result', result: reply.result });
    else w.reject(new Error(reply.message));
    this.pump();
  }

  private settle(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.inFlight = undefined;
  }

  private fail(error: Error, kill: boolean): void {
    const w = this.inFlight;
    this.settle();
    if (kill && this.child) {
      const c = this.child;
      this.child = undefined;
      c.kill();
    }
    w?.reject(error);
    if (!this.disposed) this.pump();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    const err = new Error('the playground was closed');
    this.inFlight?.reject(err);
    this.waiting?.resolve({ kind: 'superseded' });
    this.inFlight = this.waiting = undefined;
    const c = this.child;
    this.child = undefined;
    c?.kill();
  }
}
