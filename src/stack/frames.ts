/** Finds the first stack frame in the user's own code (stacks are source-mapped by Node's --enable-source-maps). */
import { fileURLToPath } from 'node:url';
import type { SourceLocation } from '../protocol';

const FRAME = /at (?:.*? \()?((?:file:\/\/)?[^\s()]+?):(\d+):(\d+)\)?\s*$/;

export function frames(stack: string | undefined): SourceLocation[] {
  const out: SourceLocation[] = [];
  for (const line of (stack ?? '').split('\n')) {
    const m = FRAME.exec(line.trim());
    if (!m) continue;
    let file = m[1];
    if (file.startsWith('file://')) {
      try {
        file = fileURLToPath(file);
      } catch {
        continue;
      }
    }
    out.push({ file, line: Number(m[2]), column: Number(m[3]) });
  }
  return out;
}

/** A user frame: an absolute path that is not Node internals, a dependency, the runner itself, or the generated bundle. */
export function isUserFrame(file: string): boolean {
  if (file.startsWith('node:') || !/^([A-Za-z]:)?[\\/]/.test(file)) return false;
  if (/[\\/]node_modules[\\/]/.test(file) || file.endsWith('.bundle.mjs')) return false;
  return !/[\\/](dist[\\/](runner|cli|extension)\.js|src[\\/](runner|probes|runs|cli|toolkit|stack)[\\/][^\\/]+\.ts)$/.test(
    file,
  );
}

export function userLocation(
  stack: string | undefined,
  isUser: (file: string) => boolean = isUserFrame,
): SourceLocation | undefined {
  return frames(stack).find(f => isUser(f.file));
}

/** The stack frames below the message, kept as text. */
export function stackFrames(stack: string | undefined): string {
  return (stack ?? '')
    .split('\n')
    .filter(l => /^\s+at /.test(l))
    .join('\n');
}

/** raw call paths remembered at most (a job calls fit from a handful of places) */
const MAX_PATHS = 256;

/**
 * The first user frame of the caller, remembered per raw call path. Formatting a stack maps every frame through the
 * job's source map (about 1 ms); the raw path (each frame's generated file, line and column, as V8 holds them) costs
 * microseconds, so a fit or compile called in a loop is located once.
 */
export class CallerLocations {
  private readonly known = new Map<string, SourceLocation | undefined>();

  constructor(private readonly isUser: (file: string) => boolean = isUserFrame) {}

  locate(): SourceLocation | undefined {
    const path = rawCallPath();
    if (path !== undefined && this.known.has(path)) return this.known.get(path);
    const location = userLocation(deepStack(), this.isUser);
    if (path !== undefined) {
      if (this.known.size >= MAX_PATHS) this.known.clear();
      this.known.set(path, location);
    }
    return location;
  }
}

/** frames kept when locating a caller: tfjs' own async wrappers (__awaiter, step, fulfilled) sit between */
const CALLER_DEPTH = 40;

function deepStack(): string | undefined {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = Math.max(limit, CALLER_DEPTH);
  try {
    return new Error().stack;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function rawCallPath(): string | undefined {
  const format = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  const holder: { stack?: unknown } = {};
  try {
    Error.stackTraceLimit = Math.max(limit, CALLER_DEPTH);
    Error.prepareStackTrace = (_e, sites) =>
      sites.map(s => `${s.getFileName()}:${s.getLineNumber()}:${s.getColumnNumber()}`).join('\n');
    Error.captureStackTrace(holder, rawCallPath);
    return typeof holder.stack === 'string' ? holder.stack : undefined;
  } catch {
    return undefined;
  } finally {
    Error.prepareStackTrace = format;
    Error.stackTraceLimit = limit;
  }
}
