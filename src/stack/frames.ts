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
  return !/[\\/](dist[\\/](runner|cli|extension)\.js|src[\\/](runner|probes|runs|cli|toolkit)[\\/][^\\/]+\.ts)$/.test(
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
